"""Desk fixtures: one user per role, a staff user who is not an agent, a customer, and tickets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel, TicketTopic
from shopdesk.desk.models import Ticket
from shopdesk.desk.services.agents import agent_add, agent_token_create
from shopdesk.desk.services.tickets import ticket_create
from tests.notifications.conftest import smtp_server  # noqa: F401 (the loopback SMTP server fixture)

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield


def _agent(email: str, role: str, name: str):  # type: ignore[no-untyped-def]
    user = agent_add(email=email, role=role, name=name).user
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def agent(db: None):  # type: ignore[no-untyped-def]
    return _agent("ana@desk.example", "agent", "Ana Agent")


@pytest.fixture
def lead(db: None):  # type: ignore[no-untyped-def]
    return _agent("leo@desk.example", "lead", "Leo Lead")


@pytest.fixture
def admin_agent(db: None):  # type: ignore[no-untyped-def]
    return _agent("ada@desk.example", "admin", "Ada Admin")


@pytest.fixture
def staff_not_agent(db: None):  # type: ignore[no-untyped-def]
    """A Django staff user with no desk group: not a desk agent."""
    return get_user_model().objects.create_user(
        username="sam@store.example", email="sam@store.example", password=PASSWORD, is_staff=True
    )


@pytest.fixture
def agent_token(agent) -> str:  # type: ignore[no-untyped-def]
    return agent_token_create(user=agent)


def open_ticket(
    email: str = "kim@example.com",
    subject: str = "Where is my parcel?",
    body: str = "It has not arrived.",
    **extra: object,
) -> Ticket:
    return ticket_create(
        subject=subject,
        customer_email=email,
        customer_name="Kim Shopper",
        channel=extra.pop("channel", TicketChannel.CONTACT_FORM),  # type: ignore[arg-type]
        body=body,
        topic=extra.pop("topic", TicketTopic.SHIPPING),  # type: ignore[arg-type]
        actor=Actor.customer(email),
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def new_ticket(db: None) -> Ticket:
    return open_ticket()
