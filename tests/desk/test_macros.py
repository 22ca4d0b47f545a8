"""Macros: whitelisted placeholders only, a preview, "cancel and reply" under the action's own rules,
and only leads and admins keep them."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.core.errors import InvalidInput, NotEligible, PermissionDenied
from shopdesk.desk.enums import MessageKind, TicketEventKind, TicketStatus
from shopdesk.desk.macro_text import macro_text_check, macro_text_render
from shopdesk.desk.models import Macro, Ticket
from shopdesk.desk.services.macros import (
    macro_apply,
    macro_body_from_article,
    macro_preview,
    macro_save,
)
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order
from tests import factories
from tests.desk.conftest import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db

TRACKING_MACRO = (
    "Hi {{ customer.first_name }},\n\nYour order {{ order.number }} is with {{ package.carrier }}: "
    "{{ package.tracking_url }}\nQuestions? {{ store.support_email }}. Returns: {{ returns.window_days }} days.\n"
    "{{ agent.first_name }}"
)


@pytest.fixture
def order_ticket(unfulfilled_order: Order) -> Ticket:
    return open_ticket(email=unfulfilled_order.email, order=unfulfilled_order)


def test_placeholders_are_filled_from_the_ticket_the_order_its_package_and_the_policy(
    agent,
    unfulfilled_order,  # type: ignore[no-untyped-def]
) -> None:
    factories.ShipmentFactory(order=unfulfilled_order, carrier="ups", tracking_number="1Z999AA10123456784")
    ticket = open_ticket(email=unfulfilled_order.email, order=unfulfilled_order)
    macro = macro_save(author=_lead(), name="Tracking", body=TRACKING_MACRO)
    shown = macro_preview(macro=macro, ticket=ticket, author=agent)
    assert shown.body.startswith("Hi Kim,")
    assert f"Your order {unfulfilled_order.number} is with UPS: https://" in shown.body
    assert "1Z999AA10123456784" in shown.body
    assert "care@kwoking.example" in shown.body and "Returns: 30 days." in shown.body
    assert shown.body.endswith("Ana")


def _lead():  # type: ignore[no-untyped-def]
    from shopdesk.desk.services.agents import agent_add

    return agent_add(email="lena@desk.example", role="lead", name="Lena Lead").user


@pytest.mark.parametrize(
    "body",
    [
        "{{ order.customer.password }}",  # no walking into objects
        "{{ settings.SECRET_KEY }}",
        "{{ store.warehouses }}",  # a list, not a value
        "{{ order.number|upper }}",  # no filters
        "{% load static %}",  # no tags
        "{{ order.number }} {# a comment #}",
        "{{ order.__class__ }}",
    ],
)
def test_anything_but_whitelisted_placeholders_is_refused(body: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        macro_text_check(body)
    assert caught.value.code in {"macro_syntax", "macro_placeholder_unknown"}


@settings(deadline=None)  # the first example builds the policy context
@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=200), st.text(max_size=50))
def test_text_is_kept_and_values_are_never_expanded_again(text: str, value: str) -> None:
    rendered = macro_text_render(text + "{{ order.number }}", {"order.number": value})
    assert rendered == text + value  # a value that itself looks like a placeholder stays as typed


def test_a_placeholder_without_a_value_for_this_ticket_stops_the_macro(agent, order_ticket) -> None:  # type: ignore[no-untyped-def]
    macro = macro_save(author=_lead(), name="Tracking", body=TRACKING_MACRO)
    with pytest.raises(InvalidInput, match="no package with a tracking number"):
        macro_preview(macro=macro, ticket=order_ticket, author=agent)
    with pytest.raises(InvalidInput):
        macro_apply(macro=macro, ticket=order_ticket, author=agent)
    assert not order_ticket.messages.filter(kind=MessageKind.PUBLIC_REPLY).exists()


def test_cancel_and_reply_cancels_as_the_agent_then_replies_once(agent, order_ticket) -> None:  # type: ignore[no-untyped-def]
    macro = macro_save(
        author=_lead(),
        name="Cancel and confirm",
        body="Hi {{ customer.first_name }}, order {{ order.number }} is cancelled.",
        action_id="cancel",
        action_params={"reason": "customer asked"},
        status_after=TicketStatus.SOLVED,
    )
    shown = macro_preview(macro=macro, ticket=order_ticket, author=agent)
    assert shown.action_id == "cancel" and shown.action_preview is not None
    applied = macro_apply(macro=macro, ticket=order_ticket, author=agent, idempotency_key="k1")
    order = Order.objects.get(pk=order_ticket.order_id)
    assert order.is_cancelled
    assert applied.message is not None and applied.message.body.endswith(
        f"order {order.number} is cancelled."
    )
    ticket = Ticket.objects.get(pk=order_ticket.pk)
    assert ticket.status == TicketStatus.SOLVED
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert TicketEventKind.ORDER_ACTION in kinds and TicketEventKind.MACRO_APPLIED in kinds
    assert order.events.filter(actor_kind="agent", actor_label=agent.username).exists()
    # The same press again (a double click): the action replays and nothing is sent twice.
    again = macro_apply(macro=macro, ticket=ticket, author=agent, idempotency_key="k1")
    assert again.message is None and again.action is not None and again.action.replayed
    assert OutboxMessage.objects.filter(template="desk_reply").count() == 1


def test_a_refused_action_sends_nothing(agent, order_ticket) -> None:  # type: ignore[no-untyped-def]
    order = order_ticket.order
    shipment = factories.ShipmentFactory(order=order)
    for line in order.lines.all():
        factories.ShipmentLineFactory(shipment=shipment, order_line=line, quantity=line.quantity)
    macro = macro_save(author=_lead(), name="Cancel", body="Cancelled.", action_id="cancel")
    with pytest.raises(NotEligible) as refused:
        macro_preview(macro=macro, ticket=order_ticket, author=agent)
    assert refused.value.code == "already_dispatched"
    with pytest.raises(NotEligible):
        macro_apply(macro=macro, ticket=order_ticket, author=agent, idempotency_key="first")
    assert not order_ticket.messages.filter(kind=MessageKind.PUBLIC_REPLY).exists()
    assert not OutboxMessage.objects.filter(template="desk_reply").exists()
    assert not Order.objects.get(pk=order.pk).is_cancelled


def test_the_same_macro_twice_acts_and_replies_once(agent, order_ticket) -> None:  # type: ignore[no-untyped-def]
    macro = macro_save(author=_lead(), name="Cancel", body="Cancelled.", action_id="cancel")
    macro_apply(macro=macro, ticket=order_ticket, author=agent, idempotency_key="first")
    # Another press with a new key asks for the same cancellation: the order answers with the first result.
    second = macro_apply(macro=macro, ticket=order_ticket, author=agent, idempotency_key="second")
    assert second.message is None
    assert order_ticket.messages.filter(kind=MessageKind.PUBLIC_REPLY).count() == 1


def test_only_leads_and_admins_keep_macros(agent, lead, admin_agent) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        macro_save(author=agent, name="Mine", body="Hello")
    macro_save(author=lead, name="Lead's", body="Hello")
    macro_save(author=admin_agent, name="Admin's", body="Hello")
    with pytest.raises(InvalidInput, match="exists already"):
        macro_save(author=lead, name="Lead's", body="Again")
    with pytest.raises(InvalidInput, match="no order action"):
        macro_save(author=lead, name="Bad action", body="Hi", action_id="launch_rocket")


def test_a_macro_built_from_an_article_carries_its_answer_and_link() -> None:
    body = macro_body_from_article(slug="contact-customer-care")
    assert "care@kwoking.example" in body and "/help/articles/contact-customer-care/" in body
    macro_text_check(body)  # every placeholder it uses is allowed


@pytest.mark.parametrize("who", ["anonymous", "agent", "lead", "admin_agent"])
def test_macro_pages_by_role(who: str, request) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    if who != "anonymous":
        user = request.getfixturevalue(who)
        assert client.login(username=user.username, password=PASSWORD)
    listing = client.get("/desk/macros/")
    new = client.post(
        "/desk/macros/new",
        {"name": f"By {who}", "body": "Hello {{ customer.first_name }}", "status_after": "pending"},
    )
    if who == "anonymous":
        assert listing.status_code == 302 and new.status_code == 302
        assert new["Location"].startswith("/desk/login/")
    elif who == "agent":
        assert listing.status_code == 200 and new.status_code == 403
    else:
        assert listing.status_code == 200 and new.status_code == 302
    assert Macro.objects.filter(name=f"By {who}").exists() == (who in {"lead", "admin_agent"})


def test_a_bad_macro_on_the_page_says_why_and_saves_nothing(lead) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.login(username=lead.username, password=PASSWORD)
    response = client.post(
        "/desk/macros/new", {"name": "Bad", "body": "{{ order.secret }}", "status_after": "pending"}
    )
    assert response.status_code == 422
    assert "Unknown placeholder {{ order.secret }}" in response.content.decode()
    assert not Macro.objects.exists()


def test_the_ticket_page_previews_then_sends(agent, order_ticket) -> None:  # type: ignore[no-untyped-def]
    macro = macro_save(
        author=_lead(), name="Thanks", body="Thanks {{ customer.first_name }}, about {{ order.number }}."
    )
    client = Client()
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(f"/desk/tickets/{order_ticket.reference}/").content.decode()
    assert "Thanks" in page and 'id="macro-pick"' in page
    preview = client.post(f"/desk/tickets/{order_ticket.reference}/macro", {"macro": macro.pk})
    text = preview.content.decode()
    assert f"Thanks Kim, about {order_ticket.order.number}." in text
    assert not order_ticket.messages.filter(kind=MessageKind.PUBLIC_REPLY).exists()  # a preview sends nothing
    sent = client.post(
        f"/desk/tickets/{order_ticket.reference}/macro",
        {"macro": macro.pk, "confirm": "1", "key": "abc", "body": "Thanks Kim, edited."},
    )
    assert sent.status_code == 302
    reply = order_ticket.messages.get(kind=MessageKind.PUBLIC_REPLY)
    assert reply.body == "Thanks Kim, edited."


@pytest.mark.parametrize("who", ["anonymous", "customer", "agent"])
def test_the_api_previews_and_applies_macros_for_agents_only(who: str, agent, order_ticket) -> None:  # type: ignore[no-untyped-def]
    from shopdesk.access.services import session_open_by_lookup
    from shopdesk.desk.services.agents import agent_token_create

    macro = macro_save(
        author=_lead(), name="Cancel", body="Done, {{ customer.first_name }}.", action_id="cancel"
    )
    headers = {}
    if who == "agent":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {agent_token_create(user=agent)}"}
    elif who == "customer":
        order = order_ticket.order
        issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}
    client = Client()
    listed = client.get("/api/v1/desk/macros", **headers)
    url = f"/api/v1/desk/tickets/{order_ticket.reference}/macros/{macro.pk}"
    preview = client.post(url, {"preview": True}, content_type="application/json", **headers)
    applied = client.post(url, {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k", **headers)
    if who != "agent":
        assert {listed.status_code, preview.status_code, applied.status_code} == {401}
        assert not Order.objects.get(pk=order_ticket.order_id).is_cancelled
        return
    assert [m["name"] for m in listed.json()] == ["Cancel"]
    assert preview.json()["body"] == "Done, Kim." and preview.json()["action"]["preview"] is True
    body = applied.json()
    assert body["message"]["body"] == "Done, Kim." and body["action"]["replayed"] is False
    assert Order.objects.get(pk=order_ticket.order_id).is_cancelled
    unknown = client.post(
        f"/api/v1/desk/tickets/{order_ticket.reference}/macros/999",
        {},
        content_type="application/json",
        **headers,
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "macro_not_found"
