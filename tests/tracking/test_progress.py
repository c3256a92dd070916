"""Progress updates by agency officers: own agency only, checked, audited, history kept."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from factories import MembershipFactory, UserFactory
from samskab.consultations.services import IncomingFile
from samskab.core import roles
from samskab.core.errors import DomainError
from samskab.core.models import AuditEvent
from samskab.tracking.models import ProgressEvidence, ProgressUpdate
from samskab.tracking.services import progress_record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def record(actor, milestone, **kwargs):
    values = {"status": "limited", "reported_on": date(2012, 9, 1),
              "note": "Første datasæt er lagt ud."}
    return progress_record(actor=actor, milestone=milestone, **{**values, **kwargs})


def test_officer_updates_own_agency_milestone_and_it_is_audited(plan_2012):
    milestone = plan_2012["c1"].milestones.first()
    update = record(plan_2012["officer_digst"], milestone, status="substantial",
                    links=["https://digst.example/udgifter"],
                    files=[IncomingFile("rapport.pdf", PDF, "application/pdf")])
    milestone.refresh_from_db()
    assert milestone.status == "substantial"
    assert update.author_label == "anne" and update.links == ["https://digst.example/udgifter"]
    evidence = update.evidence.get()
    assert evidence.original_name == "rapport.pdf" and evidence.size == len(PDF)
    assert default_storage.exists(evidence.file.name)
    event = AuditEvent.objects.get(action="progress.record")
    assert event.actor.username == "anne" and event.after["status"] == "substantial"
    assert AuditEvent.objects.filter(action="milestone.status", object_id=str(milestone.pk),
                                     after={"status": "substantial"}).exists()


def test_officer_of_another_agency_is_refused_and_nothing_is_stored(plan_2012):
    milestone = plan_2012["c1"].milestones.first()
    with pytest.raises(PermissionDenied):
        record(plan_2012["officer_erst"], milestone)
    assert not ProgressUpdate.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == "not_started"


def test_roles_matrix(plan_2012):
    c1 = plan_2012["c1"]
    allowed = {
        "anne (officer of the lead agency)": plan_2012["officer_digst"],
        "plan editor": UserFactory(roles=[roles.PLAN_EDITOR]),
        "administrator": UserFactory(roles=[roles.ADMINISTRATOR]),
    }
    refused = {
        "bo (officer of another agency)": plan_2012["officer_erst"],
        "officer of no agency": UserFactory(roles=[roles.AGENCY_OFFICER]),
        "analyst": UserFactory(roles=[roles.ANALYST]),
        "moderator": UserFactory(roles=[roles.MODERATOR]),
    }
    for name, user in allowed.items():
        assert user.has_perm("tracking.update_progress", c1), name
    for name, user in refused.items():
        assert not user.has_perm("tracking.update_progress", c1), name
    # A member of the lead agency who is not an agency officer may not either.
    member = UserFactory(roles=[roles.ANALYST])
    MembershipFactory(user=member, organisation=plan_2012["digst"])
    assert not member.has_perm("tracking.update_progress", c1)


def test_latest_update_by_date_sets_the_status_and_history_is_kept(plan_2012):
    officer, milestone = plan_2012["officer_digst"], plan_2012["c1"].milestones.first()
    record(officer, milestone, status="complete", reported_on=date(2012, 10, 1))
    record(officer, milestone, status="limited", reported_on=date(2012, 8, 1),
           note="Sent indberettet: status i august.")
    milestone.refresh_from_db()
    assert milestone.status == "complete"
    assert list(milestone.progress_updates.values_list("status", flat=True)) == [
        "complete", "limited"]


@pytest.mark.parametrize("kwargs,code,field", [
    ({"status": "done"}, "status_invalid", "status"),
    ({"note": "   "}, "note_required", "note"),
    ({"reported_on": date(2999, 1, 1)}, "date_in_future", "reported_on"),
    ({"links": ["javascript:alert(1)"]}, "link_invalid", "links"),
    ({"links": ["https://x.example/"] * 11}, "too_many_links", "links"),
    ({"files": [IncomingFile("virus.exe", b"MZ", "")]}, "attachment_type", "evidence"),
])
def test_bad_input_is_refused_with_a_clear_error(plan_2012, kwargs, code, field):
    with pytest.raises(DomainError) as caught:
        record(plan_2012["officer_digst"], plan_2012["c1"].milestones.first(), **kwargs)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not ProgressUpdate.objects.exists()


def test_too_large_evidence_is_refused(plan_2012, settings):
    settings.SAMSKAB_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(DomainError) as caught:
        record(plan_2012["officer_digst"], plan_2012["c1"].milestones.first(),
               files=[IncomingFile("big.pdf", PDF)])
    assert caught.value.code == "attachment_too_large"


def test_a_failure_after_the_file_was_written_leaves_no_file(plan_2012, monkeypatch):
    from samskab.tracking import services

    def explode(obj, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_snapshot_update", explode)
    content = PDF + b"unique-bytes-for-this-test"
    with pytest.raises(RuntimeError):
        record(plan_2012["officer_digst"], plan_2012["c1"].milestones.first(),
               files=[IncomingFile("r.pdf", content)])
    assert not ProgressEvidence.objects.exists()
    import hashlib
    digest = hashlib.sha256(content).hexdigest()
    assert not default_storage.exists(f"evidence/{digest[:2]}/{digest}")
