"""Querysets compiled to SQL once per process and run again with new values.

Compiling a queryset to SQL costs the ORM more CPU than SQLite or PostgreSQL spend answering a
lookup by a unique key: on the response form and its receipt (the hottest pages of the site at a
deadline) it was a third of each request. `Prepared` builds the queryset once with stand-in
values, compiles it once per database connection object, and from then on only executes the
SQL with the real values, turning the rows into model instances (with their `select_related`
relations) exactly as the queryset itself would: the same columns, the same converters.

Only plain model querysets (filters, `select_related`, `order_by`, slicing), not `values()`,
annotations or prefetches. Each stand-in must be a value the query passes through unchanged
(a string, an int), so it can be found among the compiled parameters; a value the ORM would
transform (a datetime, a model instance: pass its pk) is refused when the query is compiled.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


class _Compiled:
    __slots__ = ("sql", "params", "positions", "compiler", "converters", "model_start",
                 "model_end", "init_list", "related", "model", "fetch_mode")

    def __init__(self, queryset: QuerySet, stand_ins: dict[str, Any], alias: str):
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.positions: dict[str, list[int]] = {}
        for name, stand_in in stand_ins.items():
            found = [i for i, value in enumerate(self.params)
                     if type(value) is type(stand_in) and value == stand_in]
            if not found:
                raise ValueError(f"the stand-in for {name!r} is not among the query's parameters")
            self.positions[name] = found
        self.compiler = compiler
        select = compiler.select
        self.converters = compiler.get_converters([column for column, _sql, _alias in select])
        klass_info = compiler.klass_info
        fields = klass_info["select_fields"]
        self.model_start, self.model_end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname
                          for column in select[self.model_start:self.model_end]]
        self.fetch_mode = queryset._fetch_mode
        self.related = get_related_populators(klass_info, select, alias, self.fetch_mode)
        self.model = klass_info["model"]


class Prepared:
    """`build(**stand_ins)` → a queryset; `prepared.all(**values)` → its model instances.

        by_slug = Prepared(lambda slug: Consultation.objects.filter(slug=slug), slug="\\0s")
        consultation = by_slug.first(slug="ogp-2026")
    """

    def __init__(self, build: Callable[..., QuerySet], **stand_ins: Any):
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[int, tuple[Any, _Compiled]] = {}
        self._lock = threading.Lock()

    def _for(self, alias: str) -> _Compiled:
        connection = connections[alias]
        entry = self._compiled.get(id(connection))
        if entry is None or entry[0] is not connection:
            with self._lock:
                # A connection object per thread (gthread workers): a few entries at most.
                entry = (connection, _Compiled(self._build(**self._stand_ins), self._stand_ins,
                                               alias))
                self._compiled[id(connection)] = entry
        return entry[1]

    def all(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list:
        compiled = self._for(using)
        params = list(compiled.params)
        for name, value in values.items():
            for position in compiled.positions[name]:
                params[position] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        found: list = []
        start, end = compiled.model_start, compiled.model_end
        fetch_mode = compiled.fetch_mode
        peers: list = []
        for row in rows:
            instance = compiled.model.from_db(using, compiled.init_list, row[start:end],
                                              fetch_mode=fetch_mode)
            if fetch_mode.track_peers:  # as ModelIterable does
                peers.append(weakref.ref(instance))
                instance._state.peers = peers
            for populator in compiled.related:
                populator.populate(row, instance)
            found.append(instance)
        return found

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any):
        found = self.all(using=using, **values)
        return found[0] if found else None
