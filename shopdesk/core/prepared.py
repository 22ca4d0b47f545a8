"""Queries whose SQL the ORM builds once per process and database, then only binds with new values.

For a read on an indexed column, building the statement (the filters, the joins, the compiler's select
list, its ordering) costs the ORM more than running it. The reads every chat message repeats, and the
rows of an order's page, go through here:

    BY_ID = PreparedLookup(lambda pk: Conversation.objects.filter(pk=pk))
    conversation = BY_ID.first(conversation_id)        # None when no row matches
    LINES = PreparedLookup(lambda order: OrderLine.objects.filter(order_id=order).order_by("id"))
    lines = LINES.all(order.pk)                         # every row, in the queryset's order

`build` receives one marker per value and must return the queryset; its SQL is compiled the first time
the lookup runs on a database, with the markers standing for the values. A marker is a string for a
string value and an integer for an integer one (an id), and a value can only be a marker where the ORM
binds it as it is (an exact match, a comparison): a value the ORM converts or escapes on the way (a
date, a pattern) would be bound unconverted, so building such a lookup raises. A row becomes model
instances as the ORM's own iterator makes them (each column through the field's converters: JSON,
dates; the rows `select_related` joins set on it), so only querysets of whole model rows can be
prepared: no `values()`, no annotations, no deferred fields.

`PreparedValues` does the same for a `values_list()` query (columns, sums per group): each row a tuple,
each column through the ORM's converters, as the queryset itself returns them.

    IN_RETURNS = PreparedValues(lambda order: ReturnLine.objects.filter(order_line__order=order)
                                .values("order_line_id").annotate(units=Sum("quantity"))
                                .values_list("order_line_id", "units"))
    IN_RETURNS.all(order.pk)                            # [(line id, units), …]

`prefetched(instances, "lines", rows)` hands rows read that way to a reverse relation, as
`prefetch_related` leaves them: `instance.lines.all()` answers from them and each row knows its instance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connection, models
from django.db.models.fields.related_descriptors import ReverseManyToOneDescriptor
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

M = TypeVar("M", bound=models.Model)

# Values no real lookup carries. The string one holds what the ORM escapes in the values of pattern
# lookups (`%`, `_`, a backslash): a lookup that rewrites its value (iexact, contains…) no longer finds it.
_MARKER = "\x00prepared-{}%_\\\x00"
_INT_MARKER = -(2**62) - 7919  # below any id; the i-th value's marker is this minus i

Converters = list[tuple[int, list[Any], Any]]  # (column, the ORM's converters, their expression)


@dataclass(frozen=True, slots=True)
class _Compiled(Generic[M]):
    model: type[M]
    sql: str
    positions: list[int | None]  # per parameter: the index of the value bound there, None for a constant
    constants: tuple[Any, ...]  # the parameters as compiled (the constants of the queryset itself)
    own: slice  # the row's columns that fill the model itself
    attnames: list[str]  # the fields those columns fill, in order
    converters: Converters
    related: list[Any]  # the ORM's populators of the rows select_related joins


def _kind(value: object) -> type:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"a prepared lookup's values are strings or integers, not {type(value).__name__}")
    return str if isinstance(value, str) else int


def _marker(index: int, kind: type) -> str | int:
    return _MARKER.format(index) if kind is str else _INT_MARKER - index


class PreparedLookup(Generic[M]):
    def __init__(self, build: Callable[..., models.QuerySet[M]]) -> None:
        self.build = build
        self._compiled: dict[tuple[str, tuple[type, ...]], _Compiled[M]] = {}  # per database and value kinds

    def first(self, *values: str | int) -> M | None:
        """The first row the queryset built for these values returns, or None."""
        compiled, rows = self._rows(values, many=False)
        return self._instance(compiled, rows[0]) if rows else None

    def all(self, *values: str | int) -> list[M]:
        """Every row the queryset built for these values returns, in its order."""
        compiled, rows = self._rows(values, many=True)
        return [self._instance(compiled, row) for row in rows]

    def _rows(self, values: tuple[str | int, ...], *, many: bool) -> tuple[_Compiled[M], list[Any]]:
        compiled = _compiled_for(self._compiled, values, self._compile)
        return compiled, _execute(compiled.sql, compiled.positions, compiled.constants, values, many=many)

    @staticmethod
    def _instance(compiled: _Compiled[M], row: Any) -> M:
        # What the ORM's own iterator does with a row of a model query.
        if compiled.converters:
            row = _converted(row, compiled.converters)
        instance = compiled.model.from_db(connection.alias, compiled.attnames, row[compiled.own])
        for populator in compiled.related:
            populator.populate(row, instance)
        return instance

    def _compile(self, kinds: tuple[type, ...]) -> _Compiled[M]:
        queryset, compiler, sql, params, positions = _statement(self.build, kinds)
        klass_info = compiler.klass_info
        plain = (
            queryset._iterable_class is ModelIterable
            and klass_info is not None
            and not compiler.annotation_col_map
            and not queryset._known_related_objects  # type: ignore[attr-defined]
        )
        if not plain or klass_info["model"] is not queryset.model:
            raise ValueError("only a lookup of whole rows of one model can be prepared")
        select = compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        attnames = [
            getattr(getattr(column, "target", None), "attname", None) for column, *_ in select[start:end]
        ]
        if attnames != [field.attname for field in queryset.model._meta.concrete_fields]:
            raise ValueError("only a lookup of whole rows of one model can be prepared")  # deferred fields
        columns = [expression for expression, _sql, _alias in select]
        return _Compiled(
            model=queryset.model,
            sql=str(sql),
            positions=positions,
            constants=tuple(params),
            own=slice(start, end),
            attnames=[str(name) for name in attnames],
            converters=_converters(compiler, columns),
            # Django 5.2's signature (the stubs follow 6.x, which adds a fetch mode).
            related=get_related_populators(klass_info, select, connection.alias),  # type: ignore[call-arg]
        )


C = TypeVar("C")


def _compiled_for(
    compiled: dict[tuple[str, tuple[type, ...]], C],
    values: tuple[str | int, ...],
    compile_: Callable[[tuple[type, ...]], C],
) -> C:
    """The statement for these values' kinds on this database, compiled the first time it is asked for."""
    kinds = tuple(_kind(value) for value in values)
    key = (connection.alias, kinds)
    found = compiled.get(key)
    if found is None:
        found = compiled[key] = compile_(kinds)
    return found


def _statement(
    build: Callable[..., models.QuerySet[Any]], kinds: tuple[type, ...]
) -> tuple[models.QuerySet[Any], Any, str, tuple[Any, ...], list[int | None]]:
    """The queryset built on markers, its compiler, SQL and parameters, and where each value is bound."""
    markers = [_marker(i, kind) for i, kind in enumerate(kinds)]
    queryset = build(*markers)
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    positions = [
        next((at for at, marker in enumerate(markers) if type(p) is type(marker) and p == marker), None)
        for p in params
    ]
    missing = set(range(len(markers))) - {at for at in positions if at is not None}
    if missing:  # a value the ORM converted, or one the queryset ignores: it can't be bound later
        raise ValueError(f"the lookup's values {sorted(missing)} are not bound as given")
    return queryset, compiler, str(sql), tuple(params), positions


def _execute(
    sql: str,
    positions: list[int | None],
    constants: tuple[Any, ...],
    values: tuple[str | int, ...],
    *,
    many: bool,
) -> list[Any]:
    params = [constants[i] if at is None else values[at] for i, at in enumerate(positions)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if many:
            return cursor.fetchall()
        row = cursor.fetchone()
        return [] if row is None else [row]


def _converters(compiler: Any, columns: list[Any]) -> Converters:
    """The ORM's converters of the columns that have any: (column, converters, expression)."""
    return [
        (column, found, expression)
        for column, (found, expression) in compiler.get_converters(columns).items()
    ]


def _converted(row: Sequence[Any], converters: Converters) -> list[Any]:
    """The row's columns through their converters, as the ORM's iterators do."""
    row = list(row)
    for column, found, expression in converters:
        for converter in found:
            row[column] = converter(row[column], expression, connection)
    return row


@dataclass(frozen=True, slots=True)
class _CompiledValues:
    sql: str
    positions: list[int | None]
    constants: tuple[Any, ...]
    width: int  # the columns the queryset returns (the statement may select more, for its ordering)
    converters: Converters


class PreparedValues:
    """A `values_list()` query prepared as `PreparedLookup` prepares a lookup of rows."""

    def __init__(self, build: Callable[..., models.QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: dict[tuple[str, tuple[type, ...]], _CompiledValues] = {}

    def all(self, *values: str | int) -> list[tuple[Any, ...]]:
        """Every row the queryset built for these values returns, in its order, as tuples."""
        compiled = _compiled_for(self._compiled, values, self._compile)
        rows = _execute(compiled.sql, compiled.positions, compiled.constants, values, many=True)
        if not compiled.converters:
            return [tuple(row[: compiled.width]) for row in rows]
        return [tuple(_converted(row[: compiled.width], compiled.converters)) for row in rows]

    def _compile(self, kinds: tuple[type, ...]) -> _CompiledValues:
        queryset, compiler, sql, params, positions = _statement(self.build, kinds)
        if queryset._iterable_class is not ValuesListIterable:
            raise ValueError("only a values_list() query (not flat, not named) can be prepared as values")
        # What the compiler's own results_iter reads of a row: its first col_count columns.
        columns = [expression for expression, _sql, _alias in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("a composite primary key can't be prepared as values")
        return _CompiledValues(
            sql=sql,
            positions=positions,
            constants=params,
            width=compiler.col_count,
            converters=_converters(compiler, columns),
        )


def prefetched(
    instances: Sequence[models.Model],
    relation: str,
    rows: Iterable[models.Model],
    queryset: models.QuerySet[Any] | None = None,
) -> None:
    """Give each instance its rows of a reverse many-to-one relation, as `prefetch_related(relation)`
    leaves them: `instance.<relation>.all()` answers from them in the order given, without a query, and
    each row's foreign key holds its instance. `rows` are every row of the relation for these instances
    (rows of other instances are left out); `queryset`, the one they were read with, is what a later
    `.filter()` on the relation starts from, as with a `Prefetch` of that queryset."""
    if not instances:
        return
    descriptor = getattr(type(instances[0]), relation, None)
    if not isinstance(descriptor, ReverseManyToOneDescriptor) or descriptor.rel.many_to_many:
        raise ValueError(f"{relation!r} is not a reverse many-to-one relation")
    field = descriptor.rel.field  # the foreign key on the rows
    key = field.target_field.attname
    by_instance: dict[Any, list[models.Model]] = {}
    for row in rows:
        by_instance.setdefault(getattr(row, field.attname), []).append(row)
    for instance in instances:
        found = by_instance.get(getattr(instance, key), [])
        for row in found:
            if not field.is_cached(row):
                setattr(row, field.name, instance)
        manager = getattr(instance, relation)
        # The manager adds its filter to the queryset it is given (a copy: these are shared).
        kept = manager._apply_rel_filters(queryset.all()) if queryset is not None else manager.get_queryset()
        kept._result_cache = found
        kept._prefetch_done = True
        instance.__dict__.setdefault("_prefetched_objects_cache", {})[field.remote_field.cache_name] = kept
