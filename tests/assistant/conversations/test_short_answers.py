"""The general answer's text: an article's first paragraph, with the list it announces.

The articles are the packaged ones rendered with the store policy; the expectations come from the policy
(its warehouses, its non-returnable kinds), not from copies of the articles' sentences."""

from __future__ import annotations

import pytest

from shopdesk.assistant.conversations.articles import (
    INTENT_ARTICLES,
    SHORT_ANSWER_CHARS,
    _short_answer,
    general_answer,
)
from shopdesk.policy import get_policy

pytestmark = pytest.mark.django_db

NOTES = ("(listed in the article)", "(more in the article)")


def _answer(intent: str) -> str:
    reply = general_answer(intent)
    assert reply is not None
    return reply.text


@pytest.mark.parametrize("intent", sorted(INTENT_ARTICLES))
def test_no_answer_stops_at_a_colon_or_grows_past_its_size(intent: str) -> None:
    lines = _answer(intent).splitlines()
    assert lines and not lines[-1].endswith(":"), "a lead-in without what it announces"
    said = [line for line in lines if line not in NOTES and not line.startswith("(and ")]
    assert len("\n".join(said)) <= SHORT_ANSWER_CHARS or len(said) == 1  # a long first paragraph stays whole


def test_where_we_ship_from_names_every_warehouse() -> None:
    text = _answer("ships_from")
    assert all(f"• {warehouse.name}" in text.splitlines() for warehouse in get_policy().store.warehouses)


def test_what_cant_be_returned_names_every_kind_with_why() -> None:
    text = _answer("non_returnable")
    for kind in get_policy().returns.non_returnable:
        assert f"• {kind.name}: {kind.reason}" in text.splitlines()


def test_a_list_that_fits_is_given_whole() -> None:
    html = "<p>Three ways:</p><ul><li>By <strong>card</strong>.</li><li>By bank&nbsp;transfer.</li><li>In shop.</li></ul><p>Later.</p>"
    assert _short_answer(html) == "Three ways:\n• By card.\n• By bank\xa0transfer.\n• In shop."


def test_a_long_list_says_how_many_items_the_article_has_beyond_it() -> None:
    items = "".join(f"<li>{f'Reason number {i}, said at some length. ' * 4}</li>" for i in range(12))
    text = _short_answer(f"<p>The usual reasons:</p><ul>{items}</ul>")
    given = [line for line in text.splitlines() if line.startswith("• ")]
    assert 0 < len(given) < 12
    assert text.splitlines()[-1] == f"(and {12 - len(given)} more in the article)"
    assert len(text) - len(text.splitlines()[-1]) <= SHORT_ANSWER_CHARS


def test_a_paragraph_that_announces_nothing_comes_alone() -> None:
    assert _short_answer("<p>We ship fast.</p><ul><li>Today</li></ul>") == "We ship fast."
    assert _short_answer("<p>Ready:</p><p>Next paragraph.</p>") == "Ready:"


def test_items_written_as_headings_with_a_paragraph_are_a_list_up_to_another_level() -> None:
    html = (
        "<p>These can't:</p><h3>Gift cards</h3><p>Not for cash.</p><h3>Socks</h3><p>For hygiene.</p>"
        "<h2>Something else</h2><p>Other.</p>"
    )
    assert _short_answer(html) == "These can't:\n• Gift cards: Not for cash.\n• Socks: For hygiene."


def test_a_table_is_given_whole_or_not_at_all() -> None:
    rows = "".join(f"<tr><td>Method {i}</td><td>{i} days</td></tr>" for i in range(3))
    table = f"<table><thead><tr><th>Method</th><th>Time</th></tr></thead><tbody>{rows}</tbody></table>"
    assert (
        _short_answer(f"<p>It takes:</p>{table}")
        == "It takes:\nMethod 0: 0 days\nMethod 1: 1 days\nMethod 2: 2 days"
    )
    big = "".join(f"<tr><td>Method {i}</td><td>{'x' * 80}</td></tr>" for i in range(9))
    assert _short_answer(f"<p>It takes:</p><table>{big}</table>") == "It takes:\n(listed in the article)"


def test_headings_with_their_lists_read_as_one_line_or_as_bullets_for_sentences() -> None:
    html = (
        "<p>In short:</p><h2>Everywhere</h2><ul><li>Cards</li><li>PayPal</li></ul>"
        "<h2>Fees</h2><ul><li>Remote areas: $6. Shown at checkout.</li></ul><p>Done.</p>"
    )
    assert (
        _short_answer(html)
        == "In short:\nEverywhere: Cards, PayPal\nFees:\n• Remote areas: $6. Shown at checkout."
    )


def test_a_note_in_italics_is_skipped_and_a_first_heading_leads_its_paragraph() -> None:
    assert (
        _short_answer("<p><em>Last updated today.</em></p><p>These terms apply.</p>") == "These terms apply."
    )
    assert (
        _short_answer("<h2>Before it ships</h2><p>Change it.</p><h2>After</h2>")
        == "Before it ships\nChange it."
    )
    assert _short_answer("") == ""
