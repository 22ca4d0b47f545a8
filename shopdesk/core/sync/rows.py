"""Multi-row INSERTs for a store's first import: many rows of one table per statement, ids back in order.

`bulk_create` builds a model instance per row and compiles every value of every row through the ORM;
for 100,000 orders of eight rows each that was most of an import's time. `rows_insert` takes plain
dicts (a field's attname → value), fills what a row leaves out the way `Model.save()` would (the
field's default, `auto_now` columns to one `now`), and sends one `INSERT … VALUES (…), (…) RETURNING`
per chunk on SQLite, or one `INSERT … SELECT * FROM UNNEST(array per column) RETURNING` on
PostgreSQL. Both return the rows in the order given, which is also what `bulk_create` relies on.
`conflict_ignore` adds `ON CONFLICT (…) DO NOTHING`: only the rows inserted come back, so ask for a
column that names them in `returning`. No `save()`, no signals: the caller writes every side effect.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

# SQLite: a statement stays under the driver's limit of variables, one round trip per few hundred rows.
ROWS_PER_STATEMENT = 1000
_SQLITE_VARIABLE_LIMIT = 9  # sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER


@dataclass(frozen=True, slots=True)
class _Column:
    attname: str
    column: str
    field: models.Field[Any, Any]
    default: Callable[[], Any]
    auto_now: bool


def _identity(value: Any) -> Any:
    return value


def _preparer(field: models.Field[Any, Any], db: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """How a value reaches the driver: only types the driver can't take as they are go through the field."""
    if isinstance(field, models.DateTimeField):
        adapt = db.ops.adapt_datetimefield_value
        return lambda value: adapt(value) if isinstance(value, dt.datetime) else value
    if isinstance(field, models.DecimalField):
        return lambda value: (
            value if value is None or isinstance(value, Decimal) else field.get_db_prep_save(value, db)
        )
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, db)
    return _identity


@functools.cache
def _columns(model: type[models.Model]) -> list[_Column]:
    columns = []
    for field in model._meta.concrete_fields:
        if field is model._meta.auto_field:  # the database numbers the rows
            continue
        auto_now = bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
        # What Model() would set: the default, "" for text, None for the rest (a NOT NULL refuses it).
        columns.append(_Column(field.attname, str(field.column), field, field.get_default, auto_now))
    return columns


def _sqlite_rows_per_statement(width: int) -> int:
    try:
        limit = connection.connection.getlimit(_SQLITE_VARIABLE_LIMIT)
    except (AttributeError, TypeError):
        limit = connection.features.max_query_params or 999
    return max(1, min(ROWS_PER_STATEMENT, limit // width))


def rows_insert(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: Sequence[str] = ("id",),
    conflict_ignore: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> list[tuple[Any, ...]]:
    """Insert `rows` (attname → value) into `model`'s table; the `returning` columns of each inserted row."""
    if not rows:
        return []
    connection.ensure_connection()
    columns = _columns(model)
    moment = now or timezone.now()
    fills = {c.attname: moment if c.auto_now else c.default() for c in columns}
    quote = connection.ops.quote_name
    names = ", ".join(quote(c.column) for c in columns)
    # Only the model's own table and column names, quoted; every value goes as a parameter.
    head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
    tail = ""
    if conflict_ignore:
        tail += f" ON CONFLICT ({', '.join(quote(name) for name in conflict_ignore)}) DO NOTHING"
    if returning:
        tail += f" RETURNING {', '.join(quote(name) for name in returning)}"
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: `connection` is a per-thread proxy
    prepared = [(c.attname, _preparer(c.field, db)) for c in columns]
    values = [
        [prepare(row[name] if name in row else fills[name]) for name, prepare in prepared] for row in rows
    ]
    answers: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column: a short statement that psycopg and the planner take at once, however
            # many rows (a VALUES list of thousands of placeholders costs more to parse than to insert).
            arrays = ", ".join(f"(%s)::{_array_type(c.field)}[]" for c in columns)
            statement = f"{head}SELECT * FROM UNNEST({arrays}){tail}"  # noqa: S608 - as above
            cursor.execute(statement, [list(column) for column in zip(*values, strict=True)])
            return [tuple(answer) for answer in cursor.fetchall()] if returning else []
        chunk = _sqlite_rows_per_statement(len(columns))
        placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            params = [value for row in part for value in row]
            cursor.execute(f"{head}VALUES {', '.join([placeholder] * len(part))}{tail}", params)
            if returning:
                answers.extend(tuple(answer) for answer in cursor.fetchall())
    return answers


def _array_type(field: models.Field[Any, Any]) -> str:
    # The column's type without its length (varchar, numeric): an array of it takes every row's value.
    return str(field.db_type(connection)).split("(")[0]


def rows_insert_ids(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], **options: Any
) -> list[int]:
    """`rows_insert` answering the new ids, in the order of `rows`."""
    return [int(answer[0]) for answer in rows_insert(model, rows, returning=("id",), **options)]


def instances_insert(objects: Sequence[models.Model], *, now: dt.datetime | None = None) -> None:
    """Insert unsaved instances of one model in a few statements and give each its id, as `bulk_create`."""
    if not objects:
        return
    model = type(objects[0])
    names = [column.attname for column in _columns(model)]
    moment = now or timezone.now()
    for column in _columns(model):
        if column.auto_now:  # as save() does: the instance shows what was written
            for obj in objects:
                setattr(obj, column.attname, moment)
    rows = [{name: getattr(obj, name) for name in names} for obj in objects]
    for obj, pk in zip(objects, rows_insert_ids(model, rows, now=moment), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
