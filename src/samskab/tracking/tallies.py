"""Maintained response counts behind the consultation dashboard.

Counting a million responses by hour, kind and channel on every page view is too slow on
SQLite (a full scan per figure), so the counts are kept in `ResponseTally`:

- **Incremental**: responses arrive with growing ids, so a refresh counts only those after
  `last_response_id` (one small GROUP BY per dimension) and adds them.
- **Recount**: a response's status (and so whether it is public) changes only through staff
  actions, and every staff action writes an AuditEvent. When an audit event about responses or
  their moderation is newer than `last_audit_id`, the consultation's tallies are recounted
  from scratch by the worker (`tasks.response_tallies_refresh`, every minute); page views
  only add new responses, so a publication shows in the public counts within a minute and no
  page waits for a recount (except the very first view of a consultation, which counts it).

`tally_refresh` runs under a row lock on the consultation's state, so two refreshes never add
the same responses twice. Public counts are counted from `Response.objects.public()`, the same
selector every public output uses.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import CharField, Count, F, Func, Max, Q, Value
from django.db.models.functions import Cast, Concat

from samskab.consultations.models import Consultation, Response
from samskab.core.models import AuditEvent
from samskab.tracking.models import ResponseTally, ResponseTallyState

SCOPES = ("all", "public")
# AuditEvent object types whose changes can change what is public or counted.
WATCHED = ("consultations.", "workspace.")


class UtcHour(Func):
    """"YYYY-MM-DD HH" of a datetime in UTC, in the database's native functions."""

    output_field = CharField()

    def as_sqlite(self, compiler, conn, **extra):
        # SQLite stores datetimes as UTC text: the first 13 characters are date and hour.
        return self.as_sql(compiler, conn, template="substr(%(expressions)s, 1, 13)", **extra)

    def as_postgresql(self, compiler, conn, **extra):
        return self.as_sql(compiler, conn, template="to_char(%(expressions)s AT TIME ZONE "
                           "'UTC', 'YYYY-MM-DD HH24')", **extra)


def _base(consultation: Consultation, scope: str, after_id: int):
    qs = Response.objects.of(consultation).filter(id__gt=after_id)
    return qs.public() if scope == "public" else qs


def _counts(consultation: Consultation, after_id: int) -> dict[tuple[str, str, str], int]:
    """(scope, dimension, key) → count for responses after `after_id` (GROUP BY queries)."""
    out: dict[tuple[str, str, str], int] = {}
    late_text = Cast("late", CharField())
    dims = {
        "hour": Concat(UtcHour("received_at"), Value("|"), late_text,
                       output_field=CharField()),
        "kind": F("respondent__kind"),
        "channel": F("channel"),
        "late": late_text,
    }
    for scope in SCOPES:
        base = _base(consultation, scope, after_id)
        for dimension, expression in dims.items():
            rows = base.annotate(k=expression).values_list("k").annotate(n=Count("id"))
            for key, n in rows.order_by():
                out[(scope, dimension, _normal_key(dimension, str(key)))] = n
    return out


def _normal_key(dimension: str, key: str) -> str:
    # Booleans cast to text read "1"/"0" on SQLite and "true"/"false" on PostgreSQL.
    if dimension in ("hour", "late"):
        head, _sep, flag = key.rpartition("|") if dimension == "hour" else ("", "", key)
        flag = "1" if flag.lower() in ("1", "true", "t") else "0"
        return f"{head}|{flag}" if dimension == "hour" else flag
    return key


def tally_refresh(consultation: Consultation, *, full: bool = False,
                  allow_recount: bool = True) -> str:
    """Bring the tallies of `consultation` up to date; returns "recount", "added" or
    "current". A recount when asked (`full`), the first time, or after a staff change to
    responses; otherwise only new responses are counted. With `allow_recount=False` (page
    views) a recount that a staff change calls for is left to the worker: new responses are
    still added, and the staff change is counted at the worker's next run."""
    with transaction.atomic():
        state, created = ResponseTallyState.objects.get_or_create(consultation=consultation)
        state = ResponseTallyState.objects.select_for_update().get(pk=state.pk)
        audit_q = Q(id__gt=state.last_audit_id) & Q(
            *[Q(object_type__startswith=w) for w in WATCHED], _connector=Q.OR)
        last_audit = AuditEvent.objects.filter(audit_q).aggregate(m=Max("id"))["m"]
        last_response = Response.objects.of(consultation).aggregate(m=Max("id"))["m"] or 0
        recount = full or created or (last_audit is not None and allow_recount)
        if not recount:
            last_audit = None  # seen later, by a refresh that may recount
        if not recount and last_response <= state.last_response_id:
            return "current"
        after = 0 if recount else state.last_response_id
        counts = _counts(consultation, after)
        if recount:
            ResponseTally.objects.filter(consultation=consultation).delete()
            ResponseTally.objects.bulk_create([
                ResponseTally(consultation=consultation, scope=s, dimension=d, key=k, n=n)
                for (s, d, k), n in counts.items()], batch_size=1000)
        else:
            existing = {(t.scope, t.dimension, t.key): t for t in ResponseTally.objects.filter(
                consultation=consultation, key__in={k for _, _, k in counts})}
            new, changed = [], []
            for (s, d, k), n in counts.items():
                tally = existing.get((s, d, k))
                if tally is None:
                    new.append(ResponseTally(consultation=consultation, scope=s, dimension=d,
                                             key=k, n=n))
                else:
                    tally.n += n
                    changed.append(tally)
            ResponseTally.objects.bulk_create(new, batch_size=1000)
            ResponseTally.objects.bulk_update(changed, ["n"], batch_size=1000)
        state.last_response_id = last_response
        if last_audit is not None:
            state.last_audit_id = last_audit
        elif created:
            state.last_audit_id = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0
        state.save()
    return "recount" if recount else "added"


def tallies(consultation: Consultation, scope: str) -> dict[str, dict[str, int]]:
    """dimension → key → count, after a refresh that adds new responses (recounts after
    staff changes are the worker's, `tasks.response_tallies_refresh`, every minute)."""
    tally_refresh(consultation, allow_recount=False)
    out: dict[str, dict[str, int]] = {}
    for dimension, key, n in ResponseTally.objects.filter(
            consultation=consultation, scope=scope).values_list("dimension", "key", "n"):
        out.setdefault(dimension, {})[key] = n
    return out


