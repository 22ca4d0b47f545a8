"""The result every diagnosis returns: a stable code, the facts behind it and a sentence for the customer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopdesk.policy.dates import day_text


class Severity:
    OK = "ok"  # nothing to worry about
    INFO = "info"  # good to know
    WARN = "warn"  # something is off, we say what happens next
    BAD = "bad"  # a problem that needs an action (case, reship, refund)


@dataclass(frozen=True, slots=True)
class DiagnosisAction:
    """Something the customer can do about it: a self-service action named by its registry id (each
    interface maps the id to its own URL), or a link to a page elsewhere (the carrier's)."""

    kind: str  # "action" (a registry action) | "link" (`url` is outside the site)
    label: str
    action: str = ""  # a registry action id: shipping_address, change_email, open_case…
    url: str = ""  # links only
    case_kind: str = ""  # open_case: which case
    shipment_id: int | None = None  # open_case: which package
    line_id: int | None = None  # an action on one item (price_adjustment): which line

    @classmethod
    def of(cls, action: str, label: str, **params: Any) -> DiagnosisAction:
        return cls(kind="action", label=label, action=action, **params)

    @property
    def params(self) -> dict[str, Any]:
        """What to pass to the action's preview and perform."""
        if self.action == "open_case":
            return {"kind": self.case_kind, "shipment": self.shipment_id}
        if self.line_id is not None:
            return {"line_id": self.line_id}
        return {}

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "action": self.action or None,
            "params": self.params,
            "url": self.url or None,
            "case_kind": self.case_kind or None,
            "shipment": self.shipment_id,
        }


@dataclass(frozen=True, slots=True)
class Diagnosis:
    code: str  # stable: clients and the assistant switch on it
    topic: str  # the question it answers (an assistant intent id, e.g. tracking_not_updated)
    title: str
    message: str  # shown as it is, on the page, in the API and in chat
    severity: str = Severity.INFO
    facts: dict[str, Any] = field(default_factory=dict)
    shipment_id: int | None = None
    actions: tuple[DiagnosisAction, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "topic": self.topic,
            "title": self.title,
            "message": self.message,
            "severity": self.severity,
            "shipment": self.shipment_id,
            "facts": jsonable(self.facts),
            "actions": [action.as_dict() for action in self.actions],
        }


def jsonable(value: Any) -> Any:
    """Facts as JSON: dates as ISO strings, Decimals as strings (money is never a float)."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def format_date(day: dt.date) -> str:
    return day_text(day, weekday=True, year=False)
