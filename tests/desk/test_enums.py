"""The ticket status table: every pair either allowed or refused with a stable code."""

from __future__ import annotations

import pytest

from shopdesk.core.errors import Conflict
from shopdesk.desk.enums import TRANSITIONS, TicketStatus, status_transition_check


@pytest.mark.parametrize("current", TicketStatus.values)
@pytest.mark.parametrize("new", TicketStatus.values)
def test_every_pair_follows_the_table(current: str, new: str) -> None:
    if new == current or new in TRANSITIONS[current]:
        status_transition_check(current, new)
    else:
        with pytest.raises(Conflict) as raised:
            status_transition_check(current, new)
        assert raised.value.code == "ticket_transition_not_allowed"


def test_closed_is_final_and_solved_only_reopens_or_closes() -> None:
    assert TRANSITIONS[TicketStatus.CLOSED] == frozenset()
    assert TRANSITIONS[TicketStatus.SOLVED] == {TicketStatus.OPEN, TicketStatus.CLOSED}


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(Conflict) as raised:
        status_transition_check(TicketStatus.OPEN, "archived")
    assert raised.value.code == "ticket_status_unknown"
