"""Collect a new shipping or billing address field by field, then preview it through the registry.

Each answer is stored as the value of the field asked for, as data: nothing the customer types here is
read as a command, except leaving the flow ("start over", a person). A whole address typed on one line
as the answer to the first question ("12 Rue de Rivoli, 75001 Paris, France") fills every field it
clearly gives: the preview shows them before anything changes, and the checks ask again for a field
they refuse.
"""

from __future__ import annotations

import re
from typing import Any

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.orders import actor_for, preview_action
from shopdesk.assistant.nlu.entities.countries import find_countries
from shopdesk.orders.address_validation import GENERIC_POSTCODE, NO_POSTCODE, POSTCODE_FORMATS, country_code
from shopdesk.orders.models import Order

ADDRESS_ACTIONS = {"shipping_address": "shipping_address", "change_billing_address": "billing_address"}
FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("line1", "What is the new street address (number and street)?", True),
    ("line2", "Apartment, suite or floor? Say 'none' if there isn't one.", False),
    ("city", "Which town or city?", True),
    ("region", "State, province or region? Say 'none' if there isn't one.", False),
    ("postcode", "And the postcode (ZIP code)? Say 'none' if there isn't one.", False),
    ("country", "Which country? (a name or a two-letter code such as US)", True),
)
_NONE = {"none", "no", "n/a", "-", "nothing", "no apartment", "nope"}
FIELD_CHARS = 200
_UNIT = re.compile(r"(?:apt|apartment|suite|ste|unit|floor|fl|flat|room|bldg|building|#)\b\.?", re.IGNORECASE)


def _country_of(part: str) -> str | None:
    """The country a whole part of the line names ("France", "FR", "the UK"), or None."""
    text = re.sub(r"^the\s+", "", part.strip().rstrip("."), flags=re.IGNORECASE)
    found = [entity for entity in find_countries(text) if entity.start == 0 and entity.end == len(text)]
    return str(found[0].value) if found else country_code(text)


def address_from_line(text: str) -> dict[str, str] | None:
    """The fields of an address typed on one line, comma-separated, ending with its country:

        "12 Rue de Rivoli, 75001 Paris, France"  -> line1, postcode, city, country
        "350 5th Ave, Apt 4, New York, NY 10118, USA" -> line1, line2, city, region, postcode, country

    None when the line isn't clearly one (no country at its end, no postcode where the country's post
    uses them, parts left over): the flow then asks field by field."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) < 3:
        return None
    country = _country_of(parts[-1])
    if country is None:
        return None
    line1, middle = parts[0], parts[1:-1]
    line2 = middle.pop(0) if middle and _UNIT.match(middle[0]) and len(middle) > 1 else ""
    postcode = ""
    known = POSTCODE_FORMATS.get(country)
    pattern = re.compile(rf"(?<![A-Z0-9]){known[0]}(?![A-Z0-9])" if known else GENERIC_POSTCODE.pattern)
    for at in reversed(range(len(middle))):
        found = pattern.search(middle[at].upper())
        if found and (known or any(c.isdigit() for c in found.group())):
            postcode = middle[at][found.start() : found.end()]
            middle[at] = f"{middle[at][: found.start()]} {middle[at][found.end() :]}".strip(" -")
            break
    if not postcode and country not in NO_POSTCODE:
        return None
    middle = [" ".join(part.split()) for part in middle if part.strip(" -")]
    if len(middle) == 1 and re.fullmatch(r"(.+?)\s+([A-Z]{2,3})", middle[0]):  # "New York NY"
        city, region = middle[0].rsplit(" ", 1)
    elif len(middle) in (1, 2):
        city, region = middle[0], middle[1] if len(middle) == 2 else ""
    else:
        return None
    fields = {"line1": line1, "line2": line2, "city": city, "region": region, "postcode": postcode}
    return {**{name: value[:FIELD_CHARS] for name, value in fields.items()}, "country": country}


def address_start(turn: Turn, order: Order, intent: str) -> None:
    action_id = ADDRESS_ACTIONS[intent]
    from shopdesk.selfservice.registry import action_get

    eligibility = action_get(action_id).eligibility(order=order, actor=actor_for(turn))
    if not eligibility.allowed or eligibility.needs_approval:
        preview_action(turn, order, action_id, {})  # says why not, or hands over
        return
    current: dict[str, Any] = getattr(order, f"{action_id.split('_')[0]}_address").as_dict()
    turn.conversation.step = {
        "intent": intent,
        "action": action_id,
        "fields": {"name": current.get("name", ""), "company": "", "phone": current.get("phone", "")},
        "next": FIELDS[0][0],
    }
    turn.tried(f"{action_id}: collecting the new address")
    turn.answer.say(f"{eligibility.message} {FIELDS[0][1]}".strip())


def address_answer(turn: Turn, order: Order) -> None:
    """The customer's answer to the field asked; the next question, or the preview once all are in."""
    step = dict(turn.conversation.step)
    fields = dict(step.get("fields", {}))
    name = step["next"]
    value = " ".join((turn.text or "").split())[:FIELD_CHARS]
    required = next(required for field, _, required in FIELDS if field == name)
    if value.lower() in _NONE and not required:
        value = ""
    if required and not value:
        turn.answer.say(next(question for field, question, _ in FIELDS if field == name))
        return
    whole = address_from_line(value) if name == FIELDS[0][0] else None
    fields.update(whole or {name: value})
    remaining = [field for field, _, _ in FIELDS if field not in fields]
    if remaining:
        step.update(fields=fields, next=remaining[0])
        turn.conversation.step = step
        turn.answer.say(next(question for field, question, _ in FIELDS if field == remaining[0]))
        return
    turn.conversation.step = {**step, "fields": fields, "next": ""}
    preview_action(turn, order, step["action"], fields)
    if not turn.conversation.pending_action:
        # The address didn't pass the checks: ask again for the first field it names.
        bad = next(
            (reply.data.get("fields") for reply in turn.answer.replies if reply.data.get("fields")), None
        )
        again = next((field for field, _, _ in FIELDS if bad and field in bad), None)
        if again:
            fields.pop(again, None)
            turn.conversation.step = {**step, "fields": fields, "next": again}
            turn.answer.say(next(question for field, question, _ in FIELDS if field == again))
        else:
            turn.conversation.step = {}
