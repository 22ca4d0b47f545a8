"""Self-service flows on the customer's verified order: read it from the order view, preview the change
through the action registry, and leave it pending until the customer says yes.

Nothing here writes: a change is performed only by `pending_perform`, after an explicit yes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.general import HANDOFF_BUTTON
from shopdesk.assistant.conversations.handoff import handoff_request
from shopdesk.assistant.conversations.models import HandoffReason
from shopdesk.assistant.conversations.replies import Reply, confirm_reply
from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.orders.models import Order
from shopdesk.orderview.cached import order_page_cached
from shopdesk.orderview.diagnoses.order import TOPICS, diagnosis_for_topic
from shopdesk.orderview.diagnoses.types import Diagnosis, format_date
from shopdesk.orderview.summary import where_things_stand
from shopdesk.orderview.types import OrderPage, PackageView
from shopdesk.selfservice.registry import action_get

# Actions a diagnosis may offer that the chat can preview as they are (no field to ask for).
_DIRECT_ACTIONS = {"open_case", "resend_confirmation", "resend_shipping"}
_ALL_UNSHIPPED = re.compile(r"\b(unshipped|not shipped|rest|remaining|other items?|everything left)\b", re.I)
_OTHER_PACKAGE = re.compile(r"\b(other|second|another|next)\s+(package|parcel|box|shipment)\b", re.I)
TIMELINE_EVENTS = 6


def order_url(number: str) -> str:
    return reverse("portal:order", args=[number])


def actor_for(turn: Turn) -> Actor:
    return Actor.assistant(turn.conversation.email)


def order_card(page: OrderPage) -> Reply:
    summary = where_things_stand(page=page, today=page.today)
    return Reply(
        "order",
        f"Order {page.number}: {summary}",
        {
            "number": page.number,
            "placed_at": page.placed_at.isoformat(),
            "fulfilment": page.fulfilment_status,
            "fulfilment_label": page.fulfilment_label,
            "payment_label": page.payment_label,
            "total": page.totals.total.display,
            "items": [f"{line.quantity} × {line.product_name}" for line in page.lines],
            "packages": len(page.packages),
            "url": order_url(page.number),
        },
    )


def order_shown(turn: Turn, order: Order, page: OrderPage) -> None:
    """The order card, then what its sentence points to on the order page.

    A declined payment's card says "see below what to do": the page has those steps under it, and so
    does the chat (why, whether money was taken, what next and the pay-again link).
    """
    turn.answer.add(order_card(page))
    if page.declined is not None:
        declined_steps(turn, order, page)


def declined_steps(turn: Turn, order: Order, page: OrderPage) -> None:
    """Why the payment was declined, whether money left the account, and what to do: the order page's words."""
    declined = page.declined
    if declined is None:
        return
    actor = actor_for(turn)
    pay_again = page.actions.get("pay_again") or action_get("pay_again").eligibility(order=order, actor=actor)
    turn.answer.say(
        f"Why the payment for order {order.number} was declined: {declined.reason}.",
        decline_code=declined.code,
        attempts=declined.attempts,
    )
    turn.answer.say(declined.money_message, charged=declined.charged, hold=str(declined.hold))
    data: dict[str, object] = {"next_step": True}
    if pay_again.allowed:
        url = reverse("portal:pay_again", args=[order.number])
        data["pay_again_url"] = url
        # `url` makes the widget draw it as a link (it links a path the text names).
        turn.answer.say(f"{declined.next_step} Pay again here: {url}", url=url, **data)
    else:
        turn.answer.say(declined.next_step, code=pay_again.code, **data)
        turn.answer.offer(*HANDOFF_BUTTON)  # "contact us": a person, from the chat itself


def _package_named(package: PackageView, count: int, *, origin: bool = False) -> str:
    """How a reply names one package of several: "Package 2 of 3 (UPS from Edison, New Jersey (USA))"."""
    where = f" from {package.origin_name}" if origin and package.origin_name else ""
    return f"Package {package.position} of {count} ({package.carrier_name}{where})"


def _timeline(package: PackageView, count: int) -> Reply:
    text = f"{_package_named(package, count, origin=True)}: {package.status_label}."
    if package.events:
        last = package.events[0]
        text += f" Last scan {format_date(last.occurred_at.date())}: {last.status_label}"
        text += f", {last.location}." if last.location else "."
    if package.window and not package.delivered_at:
        text += f" Expected by {format_date(package.window.latest)}."
    return Reply(
        "timeline",
        text,
        {
            "package": package.id,
            "position": package.position,
            "carrier": package.carrier_name,
            "tracking_number": package.tracking_number,
            "tracking_url": package.tracking_url,
            "status": package.status,
            "status_label": package.status_label,
            "items": [f"{line.quantity} × {line.product_name}" for line in package.lines],
            "expected": package.window.as_dict() if package.window else None,
            "events": [
                {
                    "at": event.occurred_at.isoformat(),
                    "status_label": event.status_label,
                    "location": event.location,
                    "description": event.description,
                }
                for event in package.events[:TIMELINE_EVENTS]
            ],
        },
    )


def _focused(turn: Turn, page: OrderPage) -> list[PackageView]:
    """The package the customer is talking about ("and the other package?"), or all of them."""
    focus = turn.conversation.step.get("package")
    chosen = [p for p in page.packages if p.id == focus]
    return chosen or page.packages


def _offer_packages(turn: Turn, page: OrderPage) -> None:
    if len(page.packages) > 1:
        for package in page.packages:
            turn.answer.offer(f"Package {package.position}", f"package:{package.id}")
        turn.choices_remember(
            [
                (f"package:{p.id}", f"package {p.position} {p.carrier_name} {p.origin_name or ''}")
                for p in page.packages
            ]
        )


def track_order(turn: Turn, order: Order, page: OrderPage) -> None:
    if len(page.packages) <= 1 and _OTHER_PACKAGE.search(turn.text or ""):
        _no_other_package(turn, page)
    order_shown(turn, order, page)
    for package in _focused(turn, page):
        turn.answer.add(_timeline(package, len(page.packages)))
    _offer_packages(turn, page)
    turn.tried(f"track_order: showed order {page.number} ({len(page.packages)} package(s))")


def _no_other_package(turn: Turn, page: OrderPage) -> None:
    """ "And the other package?" when there is none (yet): say so, and what is still in the warehouse."""
    waiting = [line.product_name for line in page.lines if line.quantity_unshipped]
    sent = "no package yet" if not page.packages else "one package so far" if waiting else "only one package"
    text = f"Order {page.number} has {sent}."
    if waiting:
        text += f" Not shipped yet: {', '.join(waiting)}"
        text += f"; it leaves our warehouse by {format_date(page.ship_by)}." if page.ship_by else "."
    turn.answer.say(text)


def shipping_time(turn: Turn, order: Order, page: OrderPage) -> None:
    order_shown(turn, order, page)
    if page.ship_by and any(line.quantity_unshipped for line in page.lines):
        text = f"What hasn't shipped yet leaves our warehouse by {format_date(page.ship_by)}"
        if page.expected:
            text += (
                f" and should reach you between {format_date(page.expected.earliest)} and "
                f"{format_date(page.expected.latest)}"
            )
        turn.answer.say(text + ".", ship_by=page.ship_by.isoformat())
    for package in _focused(turn, page):
        turn.answer.add(_timeline(package, len(page.packages)))
    turn.tried(f"shipping_time: gave the dates of order {page.number}")


def diagnosis_flow(turn: Turn, order: Order, page: OrderPage, topic: str) -> None:
    """The order view's diagnosis for this question; an action it offers becomes a preview to confirm."""
    diagnoses = diagnosis_for_topic(topic=topic, page=page, now=timezone.now())
    focus = turn.conversation.step.get("package")
    if focus and len(diagnoses) > 1:
        diagnoses = [d for d in diagnoses if d.shipment_id == focus] or diagnoses
    if _returned_choice_taken(turn, diagnoses):
        return
    for diagnosis in diagnoses:
        turn.answer.say(_diagnosis_text(diagnosis, page), diagnosis=diagnosis.as_dict())
    turn.tried(f"{topic}: diagnosis {', '.join(d.code for d in diagnoses)}")
    if topic in ("split_shipment", "ships_from", "tracking_not_updated", "package_not_received"):
        _offer_packages(turn, page)
    offers = _direct_offers(diagnoses)
    if len(offers) == 1:
        action_id, params = offers[0]
        preview_action(turn, order, action_id, params)
    else:
        turn.conversation.step = {**turn.conversation.step, "offers": offers}
        for index, (action_id, _params) in enumerate(offers):
            turn.answer.offer(action_get(action_id).label, f"act:{index}")
    if any(a.action == "shipping_address" for d in diagnoses for a in d.actions):
        turn.answer.offer("Change the shipping address", "intent:shipping_address")
    for diagnosis in diagnoses:
        if diagnosis.code == _RETURNED:
            for option in _returned_options(diagnosis):
                turn.answer.offer(_RETURNED_CHOICES[option][0], f"back:{diagnosis.shipment_id}:{option}")


# A package that came back to us: the customer chooses what happens to it (the options the policy gives,
# which the diagnosis states with their price), and a person in the care team carries it out.
_RETURNED = "returned_to_sender"
_RETURNED_CHOICES = {
    "reship": (
        "Send it again",
        re.compile(r"\b(send|ship|deliver|post)\w*\b.{0,25}\bagain\b|\bre-?(ship|send|deliver)", re.I),
    ),
    "refund": ("Refund me instead", re.compile(r"\brefund", re.I)),
}


def _returned_options(diagnosis: Diagnosis) -> list[str]:
    return [option for option in diagnosis.facts.get("options", []) if option in _RETURNED_CHOICES]


def _returned_choice_taken(turn: Turn, diagnoses: list[Diagnosis]) -> bool:
    """The customer names a choice ("send it again", "refund me") after the returned package's options
    were shown: that option's button, to press. The press hands over; words alone could be a question
    ("how long does a refund take?"). Named before the options were shown, the options come first."""
    shown = any(note.startswith("package_returned: diagnosis") for note in turn.conversation.tried)
    returned = [d for d in diagnoses if d.code == _RETURNED]
    if not shown or len(returned) != 1:
        return False
    named = [o for o in _returned_options(returned[0]) if _RETURNED_CHOICES[o][1].search(turn.text or "")]
    if len(named) != 1:
        return False
    label = _RETURNED_CHOICES[named[0]][0]
    turn.answer.say(
        f"To choose \u201c{label}\u201d, press it: a person in our care team then arranges it with you."
    )
    turn.answer.offer(label, f"back:{returned[0].shipment_id}:{named[0]}")
    return True


# Short messages that stay on the returned package's topic: a choice among its options.
RETURNED_CHOICE = re.compile(
    "|".join(f"(?:{pattern.pattern})" for _, pattern in _RETURNED_CHOICES.values()), re.I
)


def returned_choice_button(turn: Turn, order: Order, value: str) -> None:
    """A press on one of the returned package's options (`<package id>:<option>`)."""
    package, _, option = value.partition(":")
    page = order_page_cached(order=order, actor=actor_for(turn))
    diagnosis = next(
        (
            d
            for d in diagnosis_for_topic(topic="package_returned", page=page, now=timezone.now())
            if d.code == _RETURNED and str(d.shipment_id) == package
        ),
        None,
    )
    if diagnosis is None or option not in _returned_options(diagnosis):
        turn.answer.say("That package is no longer waiting for a choice. Ask me again to see where it is.")
        return
    returned_choice_handed_over(turn, diagnosis, option)


def returned_choice_handed_over(turn: Turn, diagnosis: Diagnosis, option: str) -> None:
    label = _RETURNED_CHOICES[option][0]
    turn.tried(
        f"package_returned: chose '{label}' for the package that came back (shipment {diagnosis.shipment_id})"
    )
    turn.answer.say(f"Noted: {label.lower()}. A person in our care team arranges it with you.")
    turn.answer.add(handoff_request(turn.conversation, reason=HandoffReason.NEEDS_APPROVAL))


def _diagnosis_text(diagnosis: Diagnosis, page: OrderPage) -> str:
    """A package's diagnosis names its package when the order has several and the sentence doesn't:
    otherwise two packages' answers (the tracking number's, say) would not say which is which."""
    if diagnosis.shipment_id is None or len(page.packages) < 2:
        return diagnosis.message
    package = next((p for p in page.packages if p.id == diagnosis.shipment_id), None)
    if package is None or re.search(rf"\bpackage {package.position}\b", diagnosis.message, re.I):
        return diagnosis.message  # most package diagnoses name their package already
    return f"{_package_named(package, len(page.packages))}: {diagnosis.message}"


def _direct_offers(diagnoses: list[Diagnosis]) -> list[tuple[str, dict[str, Any]]]:
    offers: list[tuple[str, dict[str, Any]]] = []
    for diagnosis in diagnoses:
        for action in diagnosis.actions:
            if action.kind == "action" and action.action in _DIRECT_ACTIONS:
                offer = (action.action, action.params)
                if offer not in offers:
                    offers.append(offer)
    return offers


def preview_action(turn: Turn, order: Order, action_id: str, params: dict[str, Any]) -> None:
    """Show what the action would do and wait for a yes; or say why it can't, or hand over if a person must."""
    action = action_get(action_id)
    actor = actor_for(turn)
    eligibility = action.eligibility(order=order, actor=actor)
    if not eligibility.allowed:
        turn.answer.say(eligibility.message, code=eligibility.code)
        turn.tried(f"{action_id}: not allowed ({eligibility.code})")
        return
    if eligibility.needs_approval:
        turn.answer.say(eligibility.message, code=eligibility.code)
        turn.tried(f"{action_id}: needs an agent's approval ({eligibility.code})")
        turn.answer.add(handoff_request(turn.conversation, reason=HandoffReason.NEEDS_APPROVAL))
        return
    try:
        preview = action.preview(order=order, actor=actor, params=params)
    except DomainError as error:
        details = getattr(error, "details", None) or {}
        turn.answer.say(error.message, code=error.code, fields=details.get("fields"))
        turn.tried(f"{action_id}: preview refused ({error.code})")
        return
    turn.conversation.pending_action = {
        "action": action_id,
        "order_number": order.number,
        "params": params,
        "preview": preview.message,
        # Names this preview: its yes performs once (a replayed request gets the first result back).
        "key": secrets.token_hex(12),
    }
    confirm_reply(
        question="Shall I go ahead?",
        preview=preview.message,
        data={"action": action_id, **{k: v for k, v in preview.data.items() if k != "preview"}},
        answer=turn.answer,
        yes_label=getattr(action, "confirm_label", lambda _e: "Yes, go ahead")(eligibility)
        if action_id == "cancel"
        else "Yes, go ahead",
    )
    turn.tried(f"{action_id}: previewed, waiting for a yes")


def cancel_order(turn: Turn, order: Order, page: OrderPage) -> None:
    action = action_get("cancel")
    eligibility = action.eligibility(order=order, actor=actor_for(turn))
    if eligibility.allowed and not eligibility.needs_approval and action.is_partial(eligibility):  # type: ignore[attr-defined]
        choices: list[tuple[int, str]] = action.line_choices(order=order)  # type: ignore[attr-defined]
        if len(choices) == 1 or _ALL_UNSHIPPED.search(turn.text or ""):
            preview_action(turn, order, "cancel", {"line_ids": [line_id for line_id, _ in choices]})
            return
        turn.answer.add(
            Reply(
                "choices",
                f"{eligibility.message} Which items should I cancel?",
                {"choices": [{"line": line_id, "label": label} for line_id, label in choices]},
            )
        )
        for line_id, label in choices:
            turn.answer.offer(label, f"line:{line_id}")
        turn.answer.offer("Everything that hasn't shipped", "line:all")
        turn.conversation.step = {
            **{k: turn.conversation.step.get(k) for k in ("package", "orders")},
            "intent": "cancel_order",
            "lines": [line_id for line_id, _ in choices],
        }
        turn.choices_remember(
            [(f"line:{line_id}", _line_words(order, line_id, label)) for line_id, label in choices]
        )
        return
    preview_action(turn, order, "cancel", {})


def _line_words(order: Order, line_id: int, label: str) -> str:
    """What names an item: its label, colour and size ("the blue one", "the large one")."""
    line = next((line for line in order.lines.all() if line.pk == line_id), None)
    return " ".join(part for part in (label, line.colour if line else "", line.size if line else "") if part)


def cancel_lines_chosen(turn: Turn, order: Order, choice: str) -> None:
    lines = [int(line) for line in turn.conversation.step.get("lines", [])]
    chosen = lines if choice == "all" else [int(choice)] if choice.isdigit() and int(choice) in lines else []
    if not chosen:
        turn.answer.say("That item can't be cancelled any more. Ask me again to see what still can.")
        return
    preview_action(turn, order, "cancel", {"line_ids": chosen})


def pending_perform(turn: Turn, order: Order) -> None:
    """The customer said yes to the preview they were shown: perform it, as the assistant for them."""
    pending = turn.conversation.pending_action
    turn.conversation.pending_action = {}
    action = action_get(pending["action"])
    # One key per preview: a repeated yes (a double click) can't act twice.
    digest = hashlib.sha256(f"{turn.conversation.id}|{pending.get('key', '')}".encode()).hexdigest()[:40]
    try:
        result = action.perform(
            order=order,
            actor=actor_for(turn),
            params=pending.get("params") or {},
            idempotency_key=f"assistant-{digest}",
        )
    except DomainError as error:
        turn.answer.say(error.message, code=error.code)
        turn.tried(f"{action.id}: refused when performing ({error.code})")
        return
    url = order_url(order.number)
    turn.answer.say(result.message, action=action.id, url=url)
    turn.answer.say(f"Your order page shows it too: {url}", url=url)
    turn.tried(f"{action.id}: done")


OrderFlow = Callable[[Turn, Order, OrderPage], None]


def _topic(topic: str) -> OrderFlow:
    def flow(turn: Turn, order: Order, page: OrderPage) -> None:
        diagnosis_flow(turn, order, page, topic)

    return flow


ORDER_FLOWS: dict[str, OrderFlow] = {
    "track_order": track_order,
    "shipping_time": shipping_time,
    "cancel_order": cancel_order,
    **{topic: _topic(topic) for topic in TOPICS},
}


def order_flow_run(turn: Turn, order: Order, intent: str) -> None:
    page = order_page_cached(order=order, actor=actor_for(turn))
    ORDER_FLOWS[intent](turn, order, page)
