"""Lookups whose SQL the ORM builds once per process and database, then only binds with new values.

For a one-row read on an indexed column, building the statement (the filters, the joins, the
compiler's select list) costs the ORM more than running it. The reads every chat message repeats go
through here:

    BY_ID = PreparedLookup(lambda pk: Conversation.objects.filter(pk=pk))
    conversation = BY_ID.first(conversation_id)        # None when no row matches

`build` receives one marker string per value and must return the queryset; its SQL is compiled the
first time the lookup runs on a database, with the markers standing for the values. Only string values
bound as they are (exact matches on text columns) can be markers: a value the ORM converts or escapes
on the way (a date, a number, a pattern) would be bound unconverted, so building such a lookup raises. Rows come back through
`QuerySet.raw`, with each field's converters (JSON, dates) as the ORM applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

# A value no real lookup carries, holding what the ORM escapes in the values of pattern lookups (`%`,
# `_`, a backslash): a lookup that rewrites its value (iexact, contains…) then no longer finds it.
_MARKER = "\x00prepared-{}%_\\\x00"


class PreparedLookup(Generic[M]):
    def __init__(self, build: Callable[..., models.QuerySet[M]]) -> None:
        self.build = build
        # Per database: the SQL, then for each of its parameters the index of the value bound there,
        # or None for a constant of the queryset itself (kept in the third item).
        self._compiled: dict[str, tuple[str, list[int | None], tuple[object, ...]]] = {}
        self._model: type[M] | None = None

    def first(self, *values: str) -> M | None:
        """The first row the queryset built for these values returns, or None."""
        compiled = self._compiled.get(connection.alias)
        if compiled is None:
            compiled = self._compiled[connection.alias] = self._compile(len(values))
        sql, positions, constants = compiled
        params = [constants[i] if at is None else values[at] for i, at in enumerate(positions)]
        assert self._model is not None  # set by _compile
        return next(iter(self._model._default_manager.raw(sql, params)), None)

    def _compile(self, count: int) -> tuple[str, list[int | None], tuple[object, ...]]:
        markers = [_MARKER.format(i) for i in range(count)]
        queryset = self.build(*markers)
        self._model = queryset.model
        sql, params = queryset.query.get_compiler(connection=connection).as_sql()
        positions = [markers.index(p) if isinstance(p, str) and p in markers else None for p in params]
        missing = set(range(count)) - {at for at in positions if at is not None}
        if missing:  # a value the ORM converted, or one the queryset ignores: it can't be bound later
            raise ValueError(f"the lookup's values {sorted(missing)} are not bound as given")
        return str(sql), positions, tuple(params)
