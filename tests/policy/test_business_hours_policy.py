"""Structured support hours in the policy: validated, and the support-hours sentence written from them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shopdesk.policy import PolicyError, get_policy, load_policy_file
from shopdesk.policy.loader import DEFAULT_POLICY_FILE
from shopdesk.policy.schema import BusinessHoursPolicy


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_POLICY_FILE.read_text()
    assert old in text
    path = tmp_path / "store.toml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_the_demo_store_states_its_hours_from_the_schedule() -> None:
    store = get_policy().store
    assert store.support_hours == "Monday to Friday, 9:00 to 18:00 New York time"
    schedule = store.business_schedule()
    assert schedule.timezone == "America/New_York"
    assert schedule.week[0] == ((dt.time(9), dt.time(18)),)
    assert schedule.week[5] == ()
    assert dt.date(2026, 12, 25) in schedule.holidays


def test_the_sentence_groups_days_and_names_split_hours() -> None:
    hours = BusinessHoursPolicy(
        monday="09:00-12:30, 13:30-18:00",
        tuesday="09:00-12:30, 13:30-18:00",
        wednesday="09:00-12:30, 13:30-18:00",
        saturday="10:00-14:00",
        sunday="10:00-14:00",
    )
    assert hours.sentence("Europe/Amsterdam") == (
        "Monday to Wednesday, 9:00 to 12:30 and 13:30 to 18:00; Saturday and Sunday, 10:00 to 14:00 Amsterdam time"
    )


def test_the_contact_article_shows_the_hours_of_the_schedule(client, db) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/help/articles/contact-customer-care/")
    assert page.status_code == 200
    assert "Monday to Friday, 9:00 to 18:00 New York time" in page.content.decode()


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ('monday = "9-18"', r"store\.business_hours.*monday.*'9-18' is not a period"),
        ('monday = "18:00-09:00"', r"monday.*closes after it opens"),
        ('monday = "09:00-13:00, 12:00-18:00"', r"monday.*must not overlap"),
    ],
)
def test_a_bad_period_names_the_day(tmp_path: Path, line: str, error: str) -> None:
    path = _write(tmp_path, 'monday = "09:00-18:00"', line)
    with pytest.raises(PolicyError, match=error):
        load_policy_file(path)


def test_hours_that_never_open_are_refused(tmp_path: Path) -> None:
    text = DEFAULT_POLICY_FILE.read_text()
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        text = text.replace(f'{day} = "09:00-18:00"', f'{day} = "closed"', 1)
    path = tmp_path / "store.toml"
    path.write_text(text)
    with pytest.raises(PolicyError, match="at least one weekday"):
        load_policy_file(path)


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, 'timezone = "America/New_York"', 'timezone = "Mars/Olympus"')
    with pytest.raises(PolicyError, match="Mars/Olympus"):
        load_policy_file(path)


def test_service_levels_need_every_priority(tmp_path: Path) -> None:
    path = _write(tmp_path, "low = { first_response_hours = 24, resolution_hours = 80 }\n", "")
    with pytest.raises(PolicyError, match="add targets for low"):
        load_policy_file(path)


def test_resolution_may_not_come_before_the_first_response(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "urgent = { first_response_hours = 1, resolution_hours = 8 }",
        "urgent = { first_response_hours = 10, resolution_hours = 8 }",
    )
    with pytest.raises(PolicyError, match="resolution_hours"):
        load_policy_file(path)


def test_an_explicit_sentence_is_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'support_phone = "+1 646 555 0134"\n',
        'support_phone = "+1 646 555 0134"\nsupport_hours = "weekdays, office hours"\n',
    )
    assert load_policy_file(path).store.support_hours == "weekdays, office hours"
