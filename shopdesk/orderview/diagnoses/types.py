"""The result every diagnosis returns: a stable code, the facts behind it and a sentence for the customer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class Severity:
    OK = "ok"  # nothing to worry about
    INFO = "info"  # good to know
    WARN = "warn"  # something is off, we say what happens next
    BAD = "bad"  # a problem that needs an action (case, reship, refund)


@dataclass(frozen=True, slots=True)
class DiagnosisAction:
    """Something the customer can do about it: open a case, use a self-service action, follow a link."""

    kind: str  # "open_case" | "action" | "link"
    label: str
    url: str = ""
    case_kind: str = ""
    shipment_id: int | None = None
    action: str = ""  # an order action name (shipping_address, change_email, resend…)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "url": self.url,
            "case_kind": self.case_kind or None,
            "shipment": self.shipment_id,
            "action": self.action or None,
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
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B')}"
