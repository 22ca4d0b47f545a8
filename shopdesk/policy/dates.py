"""Dates as the customer reads them: one format per kind, in the store's language and calendar, on every
page, chat message and email (as `money_text` is for amounts).

    day_text(day)                          "December 29, 2026"
    day_text(day, year=False)              "December 29"
    day_text(day, weekday=True, year=False) "Tuesday, December 29"
    moment_text(moment)                     "December 29 at 9:06 PM EST"   (the store's time zone)
    moment_text(moment, weekday=True)       "Tuesday, December 29 at 9:06 PM EST"

The order and punctuation come from the store's locale (CLDR through Babel): an en_GB store reads
"Tuesday 29 December", a de_DE one "Dienstag, 29. Dezember".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, match_skeleton

from shopdesk.policy.loader import get_policy


@functools.cache
def _pattern(locale: str, *, weekday: bool, year: bool) -> str:
    """The locale's pattern for a day written out ("MMMM d, y"), the weekday in full when asked for."""
    parsed = Locale.parse(locale)
    skeletons = parsed.datetime_skeletons
    wanted = ("y" if year else "") + "MMMM" + ("EEEE" if weekday else "") + "d"
    found = match_skeleton(wanted, skeletons.keys())
    # A locale without a close skeleton writes the day in its long format (with the year).
    pattern = str(
        skeletons[found].pattern if found else parsed.date_formats["full" if weekday else "long"].pattern
    )
    # Skeletons often give the weekday short ("Tue"): in a sentence it reads in full.
    return re.sub(r"(?<![E'])E{1,3}(?!E)", "EEEE", pattern) if weekday else pattern


def day_text(day: dt.date, *, weekday: bool = False, year: bool = True) -> str:
    """A calendar day (already the store's day, e.g. from `local_date`) in the store's language."""
    locale = get_policy().store.locale
    return format_date(day, _pattern(locale, weekday=weekday, year=year), locale=locale)


def moment_text(moment: dt.datetime, *, weekday: bool = False) -> str:
    """A moment as the store's day (no year) and time with its zone, in the store's language."""
    store = get_policy().store
    zone = ZoneInfo(store.timezone)
    day = day_text(moment.astimezone(zone).date(), weekday=weekday, year=False)
    time = format_time(moment, "short", tzinfo=zone, locale=store.locale)
    return f"{day} at {time} {format_datetime(moment, 'z', tzinfo=zone, locale=store.locale)}"
