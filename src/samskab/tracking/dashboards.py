"""The numbers behind the plan and consultation dashboards, as charts (`charts.Chart`).

Every figure is one aggregate query (GROUP BY in the database); Python only pivots the few
aggregated rows into table form, never walks responses or milestones one by one. Staff and
public pages share the code: publishing passes only plans the public may read and asks for the
"public" scope of the response counts (published responses only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from samskab.consultations.models import Channel, RespondentKind
from samskab.insights.models import Idea, PositionKind, ResponseGroup
from samskab.plans.models import (
    ActionPlan,
    Commitment,
    CommitmentSource,
    Milestone,
    MilestoneStatus,
)
from samskab.tracking import tallies
from samskab.tracking.charts import Chart
from samskab.tracking.models import Assessment, ProgressUpdate

STATUSES = list(MilestoneStatus)
DONE = (MilestoneStatus.COMPLETE, MilestoneStatus.WITHDRAWN)


@dataclass
class Dashboard:
    charts: list[Chart] = field(default_factory=list)
    figures: dict[str, int | str | None] = field(default_factory=dict)
    lists: dict[str, list] = field(default_factory=dict)

    def chart(self, slug: str) -> Chart:
        return next(c for c in self.charts if c.slug == slug)


def _pivot(rows, key: str, labels: dict[str, str], order: list[str] | None = None
           ) -> tuple[tuple, ...]:
    """(group, status, n) aggregate rows → one row a group with a count per status."""
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        group = row[key] if row[key] is not None else _("(ingen)")
        table.setdefault(group, {})[row["status"]] = row["n"]
    groups = order or sorted(table)
    return tuple((labels.get(g, g), *(table.get(g, {}).get(s.value, 0) for s in STATUSES))
                 for g in groups if g in table)


def plan_dashboard(plan: ActionPlan, *, today: date | None = None) -> Dashboard:
    """Progress of one plan: overall, by grand challenge, OGP value, lead agency, over time;
    milestones due and late; completion distribution; starred commitments."""
    today = today or timezone.localdate()
    # .order_by(): no default ordering to compile (or join) into aggregate queries.
    milestones = Milestone.objects.filter(commitment__plan=plan).order_by()
    status_cols = tuple(str(s.label) for s in STATUSES)
    board = Dashboard()

    overall = dict(milestones.values_list("status").annotate(n=Count("id")))
    board.charts.append(Chart(
        "status", _("Milepæle efter status"), (_("Status"), _("Milepæle")),
        tuple((s.label, overall.get(s.value, 0)) for s in STATUSES), kind="hbar"))

    by = [
        ("challenge", _("Efter hovedudfordring"), _("Hovedudfordring"),
         "commitment__grand_challenges__code"),
        ("value", _("Efter OGP-værdi"), _("OGP-værdi"), "commitment__ogp_values__code"),
        ("agency", _("Efter ansvarlig myndighed"), _("Myndighed"),
         "commitment__lead_agency__name"),
    ]
    from samskab.core.models import GrandChallenge, OgpValue

    labels = {t.code: f"{t.code} {t.title}" if t.code.startswith("GC") else t.title
              for model in (GrandChallenge, OgpValue) for t in model.objects.all()}
    for slug, title, column, key in by:
        rows = milestones.values(key, "status").annotate(n=Count("id")).order_by(key)
        board.charts.append(Chart(
            slug, title, (column, *status_cols),
            _pivot([{"status": r["status"], "n": r["n"], key: r[key]} for r in rows], key,
                   labels), kind="hstacked"))

    # Over time: per month, milestones due by then and milestones complete by then.
    done_on = Subquery(ProgressUpdate.objects.filter(
        milestone=OuterRef("pk"), status=MilestoneStatus.COMPLETE)
        .values("milestone").annotate(first=Min("reported_on")).values("first")[:1])
    completed = dict(milestones.filter(status=MilestoneStatus.COMPLETE)
                     .annotate(done_on=done_on).exclude(done_on=None)
                     .annotate(month=TruncMonth("done_on")).values_list("month")
                     .annotate(n=Count("id")))
    due = dict(milestones.exclude(end=None).annotate(month=TruncMonth("end"))
               .values_list("month").annotate(n=Count("id")))
    months = _months(plan.period_start, min(plan.period_end or today, max(today, plan
                     .period_start or today))) if plan.period_start else []
    rows, due_sum, done_sum = [], 0, 0
    for month in months:
        due_sum += _month_get(due, month)
        done_sum += _month_get(completed, month)
        rows.append((month.strftime("%Y-%m"), due_sum, done_sum))
    board.charts.append(Chart("time", _("Over tid: milepæle forfaldne og gennemførte"),
                              (_("Måned"), _("Forfaldne i alt"), _("Gennemførte i alt")),
                              tuple(rows), kind="line"))

    # Completion distribution: each commitment's share of complete milestones, in bands.
    per_commitment = list(Commitment.objects.filter(plan=plan).order_by().annotate(
        total=Count("milestones"),
        done=Count("milestones", filter=Q(milestones__status=MilestoneStatus.COMPLETE)),
        started=Count("milestones", filter=~Q(milestones__status=MilestoneStatus.NOT_STARTED)),
    ).values_list("total", "done", "started"))
    bands = {s.value: 0 for s in STATUSES if s != MilestoneStatus.WITHDRAWN}
    for total, done, started in per_commitment:  # one row a commitment (at most ~50)
        bands[_completion_band(total, done, started)] += 1
    board.charts.append(Chart(
        "completion", _("Forpligtelser efter gennemførelse"), (_("Gennemførelse"),
                                                                _("Forpligtelser")),
        tuple((MilestoneStatus(k).label, v) for k, v in bands.items()), kind="bar"))

    open_ = milestones.exclude(status__in=DONE)
    late_q = Q(end__lt=today)
    soon_q = Q(end__gte=today, end__lte=today + timedelta(days=30))
    counts = open_.aggregate(late=Count("id", filter=late_q), soon=Count("id", filter=soon_q))
    assessed = Assessment.objects.filter(commitment__plan=plan).aggregate(
        assessed=Count("id"), starred=Count("id", filter=Q(starred=True)),
        promising=Count("id", filter=Q(promising=True)))
    board.figures = {
        "commitments": len(per_commitment),
        "milestones": sum(overall.values()),
        "complete": overall.get(MilestoneStatus.COMPLETE, 0),
        "late": counts["late"], "due_soon": counts["soon"], **assessed,
    }
    board.lists["late"] = list(open_.filter(late_q).select_related(
        "commitment__lead_agency").order_by("end", "id")[:50])
    board.lists["due_soon"] = list(open_.filter(soon_q).select_related(
        "commitment__lead_agency").order_by("end", "id")[:50])
    board.lists["starred"] = list(Commitment.objects.filter(
        plan=plan, assessment__starred=True).select_related("assessment", "plan").order_by(
        "position", "id"))
    return board


def _completion_band(total: int, done: int, started: int) -> str:
    if total == 0 or started == 0:
        return MilestoneStatus.NOT_STARTED
    if done == total:
        return MilestoneStatus.COMPLETE
    if done * 2 >= total:
        return MilestoneStatus.SUBSTANTIAL
    return MilestoneStatus.LIMITED


def _months(start: date, end: date) -> list[date]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _month_get(counts: dict, month: date) -> int:
    # TruncMonth gives dates on SQLite and PostgreSQL alike for a DateField.
    return counts.get(month, 0) or counts.get(str(month), 0)


def consultation_dashboard(consultation, scope: str = "all") -> Dashboard:
    """Responses per day (deadline marked), by respondent kind and channel; campaigns and
    their sizes; ideas and their positions; how many ideas became commitments.

    `scope` "all" counts every received response (staff), "public" the published ones
    (`Response.objects.public()`); the counts come from the maintained tallies
    (`tallies.py`), refreshed first."""
    tz = ZoneInfo(settings.TIME_ZONE)
    # The last day one could respond (a deadline at midnight closes the day before).
    deadline = timezone.localtime(consultation.closes_at - timedelta(microseconds=1), tz).date()
    board = Dashboard()
    counts = tallies.tallies(consultation, scope)
    per_day: dict[date, list[int]] = {}
    for key, n in counts.get("hour", {}).items():  # one row an hour, not a response
        hour, _sep, late = key.rpartition("|")
        moment = datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=UTC)
        day = timezone.localtime(moment, tz).date()
        per_day.setdefault(day, [0, 0])[1 if late == "1" else 0] += n
    rows = tuple((str(day) + (" ◆" if day == deadline else ""), *per_day[day])
                 for day in sorted(per_day))
    board.charts.append(Chart(
        "per-day", _("Høringssvar pr. dag"),
        (_("Dag"), _("Før fristen"), _("Efter fristen")), rows, kind="stacked",
        note=_("Høringsfristen var %(date)s (markeret ◆); svar efter fristen har deres egen "
               "farve og mønster.") % {"date": deadline.isoformat()}))
    kinds = counts.get("kind", {})
    board.charts.append(Chart(
        "kind", _("Efter afsendertype"), (_("Afsendertype"), _("Høringssvar")),
        tuple((k.label, kinds.get(k.value, 0)) for k in RespondentKind), kind="hbar"))
    channels = counts.get("channel", {})
    board.charts.append(Chart(
        "channel", _("Efter kanal"), (_("Kanal"), _("Høringssvar")),
        tuple((c.label, channels.get(c.value, 0)) for c in Channel), kind="hbar"))
    groups = (ResponseGroup.objects.filter(consultation=consultation, merged_into=None,
                                           size__gte=2).order_by("-size", "id"))
    campaign_rows = tuple((f"{_('Kampagne')} {i + 1}", size)
                          for i, size in enumerate(groups.values_list("size", flat=True)[:15]))
    board.charts.append(Chart(
        "campaigns", _("Kampagner og deres størrelse"), (_("Kampagne"), _("Svar")),
        campaign_rows, kind="hbar"))
    ideas = Idea.objects.filter(consultation=consultation, merged_into=None)
    positions = dict(ideas.values_list("position__kind").annotate(n=Count("id")))
    board.charts.append(Chart(
        "positions", _("Idéer efter stillingtagen"), (_("Stillingtagen"), _("Idéer")),
        (*((k.label, positions.get(k.value, 0)) for k in PositionKind),
         (_("Ingen stillingtagen endnu"), positions.get(None, 0))), kind="hbar"))
    became = ideas.filter(Exists(CommitmentSource.objects.filter(idea=OuterRef("pk"))))
    late = counts.get("late", {})
    board.figures = {"total": sum(late.values()), "late": late.get("1", 0),
                     "deadline": deadline.isoformat(),
                     "campaigns": groups.count(), "ideas": ideas.count(),
                     "ideas_to_commitments": became.count()}
    return board
