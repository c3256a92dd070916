"""Staff changes take one path: `core.actions.staff_action`. This guard watches every SQL
statement the test suite sends (a database execute wrapper, so bulk `update()`/`delete()` and
`bulk_create()` are seen too, which model signals would miss) and fails a test when a row of a
model staff change is inserted, updated or deleted with no action running, unless the write
comes from

- one of the declared paths below that are not staff changes (the intake's one door in, the
  analysis engine's runs), or
- the test itself setting up data (no project code in the call stack except models).

The Django admin counts as project code: an admin save that bypasses the services fails too.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import samskab
from samskab.core.actions import current_action

SRC = str(Path(samskab.__file__).resolve().parent)
DJANGO_ADMIN = "django/contrib/admin/"

# Models whose rows staff change (through the workspace, analysis, publishing, API tokens,
# organisations). Response and RawSubmission: the intake writes them (allowed below), staff
# moderate and retry them (actions).
STAFF_MODELS = [
    "consultations.Response",
    "consultations.RawSubmission",
    "workspace.Redaction",
    "workspace.ModerationDecision",
    "workspace.PublishedVersion",
    "consultations.InvitedParty",
    "workspace.InvitedPartyMatch",
    "insights.TagSuggestion",
    "insights.GroupMembership",
    "insights.ResponseGroup",
    "insights.Idea",
    "insights.Proposal",
    "insights.Position",
    "publishing.NotatText",
    "api.ApiToken",
    "core.Organisation",
    "core.OrganisationDomain",
    "core.Membership",
    "plans.ActionPlan",
    "plans.Commitment",
    "plans.Milestone",
    "plans.CommitmentSource",
]

# Writers that are not staff changes, by module and function: where they are entered, the
# whole call below them may write.
ALLOWED_OUTSIDE_ACTIONS = {
    # the one door in: every channel ends here
    ("samskab.consultations.services", "response_receive"),
    ("samskab.consultations.services", "response_receive_many"),  # the batch door (API)
    # e-mail intake stores the raw message and its outcome before and after receiving
    ("samskab.consultations.intake.mail", "mail_ingest"),
    ("samskab.consultations.intake.mail", "_store"),
    # the analysis engine's runs replace engine output (staff decisions are kept)
    ("samskab.insights.services", "consultation_analyse"),
    ("samskab.insights.services", "responses_analyse"),
    ("samskab.insights.services", "tag_feedback_apply"),
    # the API's last-used stamp on a token (not a change of the token)
    ("samskab.api.services", "api_token_authenticate"),
    # the demo's seed data, like a fixture (its organisations go through the service)
    ("samskab.demo.load", "demo_load"),
}

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


class StaffWriteOutsideAction(AssertionError):
    pass


def staff_tables() -> dict[str, str]:
    from django.apps import apps

    return {apps.get_model(label)._meta.db_table: label for label in STAFF_MODELS}


def _project_frames():
    """(module, function, filename) of the project's frames in the current stack, innermost
    first, leaving out models (a model's own save) and the action layer."""
    frame = sys._getframe(2)
    admin = False
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(SRC):
            if not filename.endswith(("/models.py", "/core/actions.py")) and (
                    "/migrations/" not in filename):
                yield frame.f_globals.get("__name__", ""), frame.f_code.co_name, filename
        elif DJANGO_ADMIN in filename:
            admin = True
        frame = frame.f_back
    if admin:
        yield "django.contrib.admin", "", ""


class Guard:
    """The execute wrapper; `violations` collects what it refused."""

    def __init__(self):
        self.tables = staff_tables()
        self.violations: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql) if isinstance(sql, str) else None
        if match and match.group(1) in self.tables and current_action() is None:
            frames = list(_project_frames())
            if frames and not any((m, f) in ALLOWED_OUTSIDE_ACTIONS for m, f, _ in frames):
                where = " < ".join(f"{m}.{f}" for m, f, _ in frames[:4])
                message = (f"{self.tables[match.group(1)]} written outside "
                           f"core.actions.staff_action by {where}")
                self.violations.append(message)
                raise StaffWriteOutsideAction(message)
        return execute(sql, params, many, context)
