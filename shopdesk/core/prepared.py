"""Lookups whose SQL the ORM builds once per process and database, then only binds with new values.

For a one-row read on an indexed column, building the statement (the filters, the joins, the
compiler's select list) costs the ORM more than running it. The reads every chat message repeats go
through here:

    BY_ID = PreparedLookup(lambda pk: Conversation.objects.filter(pk=pk))
    conversation = BY_ID.first(conversation_id)        # None when no row matches

`build` receives one marker string per value and must return the queryset; its SQL is compiled the
first time the lookup runs on a database, with the markers standing for the values. Only string values
bound as they are (exact matches on text columns) can be markers: a value the ORM converts or escapes
on the way (a date, a number, a pattern) would be bound unconverted, so building such a lookup raises.
A row becomes a model instance as the ORM's own iterator makes it (each column through the field's
converters: JSON, dates), so only lookups of whole rows of one model can be prepared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

# A value no real lookup carries, holding what the ORM escapes in the values of pattern lookups (`%`,
# `_`, a backslash): a lookup that rewrites its value (iexact, contains…) then no longer finds it.
_MARKER = "\x00prepared-{}%_\\\x00"


@dataclass(frozen=True, slots=True)
class _Compiled(Generic[M]):
    model: type[M]
    sql: str
    positions: list[int | None]  # per parameter: the index of the value bound there, None for a constant
    constants: tuple[Any, ...]  # the parameters as compiled (the constants of the queryset itself)
    attnames: list[str]  # the fields the row's columns fill, in order
    converters: list[tuple[int, list[Any], Any]]  # (column, the ORM's converters, their expression)


class PreparedLookup(Generic[M]):
    def __init__(self, build: Callable[..., models.QuerySet[M]]) -> None:
        self.build = build
        self._compiled: dict[str, _Compiled[M]] = {}  # per database alias

    def first(self, *values: str) -> M | None:
        """The first row the queryset built for these values returns, or None."""
        compiled = self._compiled.get(connection.alias)
        if compiled is None:
            compiled = self._compiled[connection.alias] = self._compile(len(values))
        params = [
            compiled.constants[i] if at is None else values[at] for i, at in enumerate(compiled.positions)
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            row = list(row)
            for column, converters, expression in compiled.converters:
                for converter in converters:
                    row[column] = converter(row[column], expression, connection)
        # What the ORM's own iterator does with a row of a plain model query.
        return compiled.model.from_db(connection.alias, compiled.attnames, row)

    def _compile(self, count: int) -> _Compiled[M]:
        markers = [_MARKER.format(i) for i in range(count)]
        queryset = self.build(*markers)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = [markers.index(p) if isinstance(p, str) and p in markers else None for p in params]
        missing = set(range(count)) - {at for at in positions if at is not None}
        if missing:  # a value the ORM converted, or one the queryset ignores: it can't be bound later
            raise ValueError(f"the lookup's values {sorted(missing)} are not bound as given")
        columns = [expression for expression, _sql, _alias in compiler.select]
        concrete = [field.attname for field in queryset.model._meta.concrete_fields]
        attnames = [getattr(getattr(column, "target", None), "attname", None) for column in columns]
        if attnames != concrete:  # annotations, deferred fields, related rows: not a plain row
            raise ValueError("only a lookup of whole rows of one model can be prepared")
        converters = [
            (column, found, expression)
            for column, (found, expression) in compiler.get_converters(columns).items()
        ]
        return _Compiled(queryset.model, str(sql), positions, tuple(params), concrete, converters)
