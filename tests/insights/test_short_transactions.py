"""A full analysis run stores its results in short transactions (issue 15): no transaction
writes more than STORE_CHUNK rows, so SQLite's write lock is held only briefly at a time."""

import itertools
import threading

import pytest
from django.db import connection

from factories import ConsultationFactory, receive
from samskab.insights import bulk_writes, selectors, services
from samskab.insights.models import AnalysedResponse, AnalysisRun, GroupMembership, Proposal

CAMPAIGN = ("Jeg støtter kravet om, at alle kommunale budgetter og regnskaber offentliggøres som "
            "åbne data i et maskinlæsbart format, så borgerne selv kan følge med.")
SINGLES = [
    "Vi foreslår, at ventetiden på digital selvbetjening nedbringes. For det andet bør "
    "telemedicin tilbydes til patienter med kroniske sygdomme.",
    "Der bør oprettes et offentligt lobbyregister, og ministrenes kalendere bør offentliggøres.",
    "Offentlige indkøb og udbud skal offentliggøres med kontrakter og leverandører.",
    "Kommunen bør varsle borgerne ved oversvømmelse med SMS, og klimatilpasning skal "
    "prioriteres.",
]


class RowsPerTransaction:
    """Counts the rows each database transaction writes (a statement outside an atomic block
    is its own transaction; inside, the outermost block is the transaction)."""

    def __init__(self):
        self.rows: dict[int, int] = {}
        self._keys = itertools.count()
        self._key: int | None = None
        self._block = None

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb not in {"INSERT", "UPDATE", "DELETE"}:
            return result
        conn = context["connection"]
        block = conn.atomic_blocks[0] if conn.in_atomic_block else None
        if block is None or block is not self._block:
            self._key = next(self._keys)
        self._block = block
        written = len(params) if many else max(context["cursor"].rowcount, 0)
        self.rows[self._key] = self.rows.get(self._key, 0) + written
        if block is None:
            self._block = None
        return result


@pytest.mark.django_db(transaction=True)
def test_a_full_run_writes_at_most_a_chunk_per_transaction(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(bulk_writes, "STORE_CHUNK", 7)
    consultation = ConsultationFactory()
    for i in range(24):
        receive(consultation, text=f"Hej {i}.\n{CAMPAIGN}")
    for text in SINGLES * 3:
        receive(consultation, text=text)

    for attempt in ("first run", "rerun"):
        counter = RowsPerTransaction()
        with connection.execute_wrapper(counter):
            run = services.consultation_analyse(consultation=consultation)
        written = sorted(counter.rows.values())
        assert sum(written) > 7 * 5, attempt  # enough rows to need many transactions
        assert written[-1] <= 7 + 2, (attempt, written[-5:])  # a chunk (+ the run's own row)
        run.refresh_from_db()
        assert run.finished_at is not None
        assert AnalysedResponse.objects.filter(run=run).count() == 36
        assert GroupMembership.objects.filter(group__consultation=consultation).count() >= 24
        assert Proposal.objects.filter(response__consultation=consultation).exists()
    assert AnalysisRun.objects.filter(consultation=consultation, finished_at__isnull=True
                                      ).count() == 0


@pytest.mark.django_db
def test_answers_that_arrive_while_the_run_stores_are_left_to_the_sweep(settings, tmp_path):
    """The run stores only what it read (ids up to the largest when it read); an answer an
    incremental run marked meanwhile is marked unanalysed again at the switch."""
    settings.VAR_DIR = tmp_path / "var"
    consultation = ConsultationFactory()
    for text in SINGLES:
        receive(consultation, text=text)
    services.consultation_analyse(consultation=consultation)
    upto = consultation.responses.order_by("-pk").first().pk
    real_lock = services.full_run_lock
    late: list[int] = []

    def lock_after_a_late_answer(c):
        # Storing starts here: an answer arrives and an incremental run takes it.
        receipt = receive(consultation, text=SINGLES[1])
        services.response_analyse(response=consultation.responses.get(pk=receipt.response_id))
        late.append(receipt.response_id)
        return real_lock(c)

    services.full_run_lock = lock_after_a_late_answer
    try:
        run = services.consultation_analyse(consultation=consultation)
    finally:
        services.full_run_lock = real_lock
    assert late and late[0] > upto
    assert not AnalysedResponse.objects.filter(response_id=late[0]).exists()
    assert set(selectors.responses_pending(consultation).values_list("pk", flat=True)) == {
        late[0]}
    assert AnalysedResponse.objects.filter(run=run).count() == len(SINGLES)
    services.consultation_analyse_pending(consultation=consultation, enqueue=False)
    assert AnalysedResponse.objects.filter(response_id=late[0]).exists()


@pytest.mark.django_db
def test_on_sqlite_an_incremental_run_steps_aside_while_a_full_run_stores(settings, tmp_path):
    """It must not wait for the full run's lock while holding SQLite's write lock."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's incremental runs wait on the advisory lock instead")
    from samskab.insights import tasks

    settings.VAR_DIR = tmp_path / "var"
    consultation = ConsultationFactory()
    for text in SINGLES:
        receive(consultation, text=text)
    services.consultation_analyse(consultation=consultation)
    new = consultation.responses.get(
        pk=receive(consultation, text=SINGLES[2]).response_id)
    with services.full_run_lock(consultation):
        with pytest.raises(services.AnalysisBusy):
            services.response_analyse(response=new)
        assert tasks.response_analyse_task.call(new.pk) is None
    assert not AnalysedResponse.objects.filter(response=new).exists()
    assert services.response_analyse(response=new) is not None


def test_chunks_shrink_when_rows_are_slow_to_write_and_grow_back_when_fast(monkeypatch):
    """A chunk that took longer than HOLD_TARGET makes the next one smaller, in proportion;
    chunks that take less than half of it double back up to the most rows asked for. Every
    item comes once, in order."""
    monkeypatch.setattr(bulk_writes, "HOLD_TARGET", 0.04)
    items = list(range(400))
    sizes, seen = [], []
    for chunk in bulk_writes.chunks(items, 64):
        sizes.append(len(chunk))
        seen.extend(chunk)
        if len(sizes) == 1:
            threading.Event().wait(0.16)  # the first chunk is slow: four times the target
    assert seen == items
    assert sizes[0] == 64
    assert sizes[1] <= 16  # scaled to the target by the time it took (at least 0.16 s)
    assert max(sizes[2:]) == 64  # fast again: back to the most, by doublings
    growth = sizes[1:sizes.index(64, 1) + 1]
    assert all(b <= 2 * a for a, b in zip(growth, growth[1:], strict=False))


def test_the_next_run_of_the_same_writes_starts_at_the_size_the_last_ended_at(monkeypatch):
    monkeypatch.setattr(bulk_writes, "HOLD_TARGET", 0.04)
    monkeypatch.setattr(bulk_writes, "_last_size", {})
    items = list(range(12))
    first = []
    for chunk in bulk_writes.chunks(items, 64, kind="slow rows"):
        first.append(len(chunk))
        threading.Event().wait(0.16)  # every chunk slow: they shrink (8, then at most 2)
    again = next(iter(bulk_writes.chunks(items, 64, kind="slow rows")))
    other = next(iter(bulk_writes.chunks(list(range(100)), 64, kind="other rows")))
    unnamed = next(iter(bulk_writes.chunks(list(range(100)), 64)))
    assert first[0] == 8 and first[1] <= 2  # a kind not written yet starts at an eighth
    assert len(again) <= first[-1]  # where the last run of the kind ended, not at 8 or 64
    assert len(again) < 8
    assert len(other) == 8 and len(unnamed) == 64
    fast = [len(chunk) for chunk in bulk_writes.chunks(list(range(500)), 64, kind="fast rows")]
    assert fast[0] == 8 and max(fast) == 64  # doubling while fast
