"""Dates in the words customers use, resolved against ``now``: "last Tuesday", "3 weeks ago",
"on the 5th", "March 3", "yesterday", "2025-03-03".

Without a year or a "next", a date is taken as the most recent one not after today: customers
mostly tell us when something already happened (ordered, shipped, returned).
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterator

from .types import Date, Entity

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})
WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3, "weds": 2})
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
}
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_COUNT = r"\d{1,3}|" + "|".join(re.escape(w) for w in sorted(NUMBER_WORDS, key=len, reverse=True))
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"

RELATIVE_DAY = re.compile(r"\b(the day before yesterday|yesterday|today|tonight|tomorrow)\b", re.IGNORECASE)
AGO = re.compile(rf"\b({_COUNT})\s+(day|week|month|year)s?\s+ago\b", re.IGNORECASE)
IN_N = re.compile(rf"\bin\s+({_COUNT})\s+(day|week)s?\b", re.IGNORECASE)
LAST_PERIOD = re.compile(r"\b(last|this|next)\s+(week|month)\b", re.IGNORECASE)
WEEKDAY = re.compile(rf"\b(?:(last|this|next|on|past)\s+)?({_WEEKDAY})\b\.?", re.IGNORECASE)
MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(?:the\s+)?{_ORD}\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
DAY_MONTH = re.compile(rf"\b(?:the\s+)?{_ORD}\s+(?:of\s+)?({_MONTH})\b\.?(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
ON_THE = re.compile(r"\b(?:on|since|by|before|after|until)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def find_dates(text: str, now: datetime.datetime) -> Iterator[Entity]:
    today = now.date()
    for match in RELATIVE_DAY.finditer(text):
        word = match.group(1).lower()
        offset = {"the day before yesterday": -2, "yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[
            word
        ]
        yield _date(match, today + datetime.timedelta(days=offset))
    for match in AGO.finditer(text):
        shifted = _shift(today, -_count(match.group(1)), match.group(2).lower())
        if shifted:
            yield _date(match, shifted)
    for match in IN_N.finditer(text):
        shifted = _shift(today, _count(match.group(1)), match.group(2).lower())
        if shifted:
            yield _date(match, shifted)
    for match in LAST_PERIOD.finditer(text):
        direction = {"last": -1, "this": 0, "next": 1}[match.group(1).lower()]
        shifted = _shift(today, direction, match.group(2).lower())
        if shifted:
            yield _date(match, shifted)
    for match in WEEKDAY.finditer(text):
        yield _date(match, _weekday(today, WEEKDAYS[match.group(2).lower()], (match.group(1) or "").lower()))
    for match in MONTH_DAY.finditer(text):
        found = _month_day(today, MONTHS[match.group(1).lower()], int(match.group(2)), match.group(3))
        if found:
            yield _date(match, found)
    for match in DAY_MONTH.finditer(text):
        found = _month_day(today, MONTHS[match.group(2).lower()], int(match.group(1)), match.group(3))
        if found:
            yield _date(match, found)
    for match in ON_THE.finditer(text):
        found = _day_of_month(today, int(match.group(1)))
        if found:
            yield _date(match, found)
    for match in ISO.finditer(text):
        try:
            yield _date(match, datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        except ValueError:
            continue


def _date(match: re.Match[str], value: datetime.date) -> Date:
    return Date(
        value=value.isoformat(),
        text=match.group().rstrip("."),
        start=match.start(),
        end=match.start() + len(match.group().rstrip(".")),
        date=value,
    )


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _shift(today: datetime.date, amount: int, unit: str) -> datetime.date | None:
    """``today`` moved by ``amount`` units; None past the calendar's ends ("99999999 years ago")."""
    try:
        if unit == "day":
            return today + datetime.timedelta(days=amount)
        if unit == "week":
            return today + datetime.timedelta(weeks=amount)
        months = today.year * 12 + today.month - 1 + (amount if unit == "month" else 12 * amount)
        year, month = divmod(months, 12)
        return datetime.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))
    except (ValueError, OverflowError):
        return None


def _weekday(today: datetime.date, weekday: int, qualifier: str) -> datetime.date:
    back = (today.weekday() - weekday) % 7
    if qualifier == "next":
        return today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    if qualifier == "this":
        return today + datetime.timedelta(days=weekday - today.weekday())
    if qualifier in ("last", "past"):
        return today - datetime.timedelta(days=back or 7)
    return today - datetime.timedelta(days=back)


def _month_day(today: datetime.date, month: int, day: int, year: str | None) -> datetime.date | None:
    try:
        if year:
            return datetime.date(int(year), month, day)
        found = datetime.date(today.year, month, day)
        return found if found <= today else datetime.date(today.year - 1, month, day)
    except ValueError:
        return None


def _day_of_month(today: datetime.date, day: int) -> datetime.date | None:
    year, month = today.year, today.month
    for _ in range(3):  # this month, else the last month that has that day
        if day <= calendar.monthrange(year, month)[1] and datetime.date(year, month, day) <= today:
            return datetime.date(year, month, day)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None
