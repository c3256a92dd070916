"""Chunked bulk writes for the analysis runs: plain rows through the DB-API's executemany,
at most ``STORE_CHUNK`` rows per transaction and fewer when rows are slow to write, so a run
storing millions of rows never holds the database's write lock for more than about
``HOLD_TARGET`` at a time, and lets writers waiting for it go first between two chunks
(``core.writers``)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from django.db import connection, transaction

from samskab.core.writers import let_others_write

# The most rows a full run writes per transaction.
STORE_CHUNK = 1000
# How long one of a run's transactions should hold the write lock: the time an answer arriving
# meanwhile waits behind it. A row's cost varies a hundredfold with the table, the row and the
# database's size (1,000 memberships took 25-35 ms at 100,000 responses, 330 ms on average and
# up to 2.9 s at 1,000,000, logged by SAMSKAB_DB_LONG_WRITE_MS), so chunks are sized by the
# time the last one took, not by a row count alone.
HOLD_TARGET = 0.05


def insert_rows(model, fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert plain rows with the DB-API's executemany. For hundreds of thousands of rows the
    ORM's per-value SQL compilation costs many times what the database does; these models'
    other columns are nullable. Identifiers come from the model, values are parameters."""
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    executemany_chunked(sql, rows)


# The size the last chunks() of each kind of write ended at, in this process: the next run
# of the same writes starts there, a kind not written yet at an eighth of the most rows (at
# 1,000,000 responses the first 1,000 memberships of a run held the lock 1.2 s, the first
# 1,000 proposals 1.8 s, the later, smaller chunks about 50 ms).
_last_size: dict[object, int] = {}


def chunks(items: Sequence, size: int | None = None, *, kind: object = None
           ) -> Iterator[Sequence]:
    """``items`` in chunks for one transaction each: at most ``size`` (STORE_CHUNK) rows, fewer
    when the last chunk took longer than HOLD_TARGET (scaled to it), more again (doubling up
    to ``size``) when it took less than half. The time a chunk took is the caller's between
    two of them: its transaction. Writes of the same ``kind`` (the statement, the model) start
    at the size the last of them ended at, a new kind at an eighth of ``size``. Before each
    chunk, writers waiting for SQLite's lock go first (``core.writers.let_others_write``)."""
    most = size or STORE_CHUNK
    # a kind not written yet in this process starts at an eighth and doubles while fast
    size = min(most, _last_size.get(kind, max(1, most // 8))) if kind is not None else most
    start = 0
    while start < len(items):
        let_others_write()
        chunk = items[start:start + size]
        began = time.monotonic()
        yield chunk
        took = time.monotonic() - began
        start += len(chunk)
        if took > HOLD_TARGET:
            size = max(1, int(len(chunk) * HOLD_TARGET / took))
        elif took < HOLD_TARGET / 2:
            size = min(most, 2 * size)
        if kind is not None:
            _last_size[kind] = size


def orm_chunk() -> int:
    """Rows per transaction for the ORM's bulk_create and bulk_update, which compile each row's
    values inside the transaction: about 40 µs a row where executemany takes a few, so a
    STORE_CHUNK of groups held the lock 81 ms (logged at 100,000 responses,
    ``SAMSKAB_DB_LONG_WRITE_MS``) where a chunk of proposals held it 25-35 ms."""
    return max(1, STORE_CHUNK // 4)


def executemany_chunked(sql: str, rows: Sequence[tuple]) -> None:
    """At most STORE_CHUNK rows per transaction, sized by time (``chunks``); a savepoint inside
    a caller's transaction."""
    for chunk in chunks(rows, kind=sql):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, chunk)


def update_rows(model, fields: Sequence[str], rows: Sequence[tuple], *, where: str = ""
                 ) -> None:
    """``UPDATE … WHERE pk = …`` through executemany; each row is the new values, then the pk
    (what ``bulk_update``'s CASE expressions do, without their cost at scale). ``where`` is a
    further condition (constant SQL of ours, never input)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(model._meta.get_field(f).column)} = %s" for f in fields)
    sql = (f"UPDATE {qn(model._meta.db_table)} SET {sets} "  # noqa: S608
           f"WHERE {qn(model._meta.pk.column)} = %s" + (f" AND {where}" if where else ""))
    executemany_chunked(sql, rows)


def create_chunked(model, objs: Sequence) -> None:
    """``bulk_create``, at most ``orm_chunk()`` rows per transaction (``chunks``); each object
    gets its pk."""
    for chunk in chunks(objs, orm_chunk(), kind=("create", model)):
        with transaction.atomic():
            model.objects.bulk_create(chunk)


def bulk_update_chunked(model, objs: Sequence, fields: Sequence[str]) -> None:
    for chunk in chunks(objs, orm_chunk(), kind=("update", model, tuple(fields))):
        with transaction.atomic():
            model.objects.bulk_update(chunk, fields)


def delete_pks(model, pks: Sequence[int], **still) -> None:
    """Delete these rows, at most STORE_CHUNK per transaction (``chunks``); ``still`` filters
    out rows that have changed since they were read (a staff decision made while the run
    stored)."""
    for chunk in chunks(pks, kind=("delete", model)):
        model.objects.filter(pk__in=chunk, **still).delete()


def delete_by(model, column: str, values: Sequence[int]) -> None:
    for chunk in chunks(values, kind=("delete", model, column)):
        model.objects.filter(**{f"{column}__in": chunk}).delete()
