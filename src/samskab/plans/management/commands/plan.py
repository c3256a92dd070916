"""`samskab plan validate|import|export` (contracts/README.md)."""

import json
import sys
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import translation

from samskab.core.actions import SystemActor
from samskab.plans.exports import initiatives_for_rules, plan_as_dict
from samskab.plans.files import PlanFileError, load_plan_file, load_strategies_file
from samskab.plans.models import ActionPlan
from samskab.plans.rules_ogp import Initiative, check_plan


class Command(BaseCommand):
    help = ("Action plans: validate FILE.json (OGP rule findings), import FILE.json, "
            "export ID -o FILE.json")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        validate = sub.add_parser("validate", help="OGP rule findings for a plan file; exit 0 "
                                  "without errors, 1 with errors, 2 when the file is unreadable")
        validate.add_argument("file")
        validate.add_argument("--strategies", help="JSON file of existing strategies' "
                              "initiatives (besides those imported in the database)")
        validate.add_argument("--language", default="da", choices=["da", "en"],
                              help="language of the messages (default da)")
        imp = sub.add_parser("import", help="import a plan file as a new plan; prints its id "
                             "last")
        imp.add_argument("file")
        imp.add_argument("--language", default="da", choices=["da", "en"])
        exp = sub.add_parser("export", help="write a plan (id or slug) to a JSON file")
        exp.add_argument("plan", metavar="ID")
        exp.add_argument("-o", "--output", required=True, help="file to write ('-': stdout)")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _load(self, path: str) -> dict:
        try:
            return load_plan_file(path)
        except PlanFileError as error:
            for problem in error.problems:
                self.stderr.write(f"{path}: {problem}")
            raise CommandError(f"{path} is not a readable action plan", returncode=2) from error

    def _validate(self, *, file, strategies=None, language="da", **_options):
        data = self._load(file)
        initiatives = []
        if strategies:
            try:
                for s in load_strategies_file(strategies):
                    initiatives += [Initiative(label=f"{s['slug']}:{i.get('identifier')}",
                                               title=str(i.get("title") or ""),
                                               text=str(i.get("text") or ""))
                                    for i in s["initiatives"]]
            except PlanFileError as error:
                raise CommandError(str(error), returncode=2) from error
        try:
            initiatives += initiatives_for_rules()
        except DatabaseError:
            pass  # validating a file needs no database; without one, only --strategies count
        with translation.override(language):
            findings = check_plan(data, initiatives=initiatives, translations=translation)
        for finding in findings:
            self.stdout.write(finding.line())
        errors = sum(f.level == "ERROR" for f in findings)
        self.stderr.write(f"{file}: {errors} errors, {len(findings) - errors} warnings")
        if errors:
            sys.exit(1)

    def _import(self, *, file, language="da", **_options):
        from samskab.plans.services import plan_import

        data = self._load(file)
        with translation.override(language):
            result = plan_import(actor=SystemActor("cli"), data=data)
            for config in apps.get_app_configs():  # e.g. tracking: progress, assessments
                if hasattr(config, "plan_import"):
                    result.notes += config.plan_import(actor=SystemActor("cli"),
                                                       plan=result.plan, data=data)
            for finding in result.findings:
                self.stdout.write(finding.line())
            for note in result.notes:
                self.stderr.write(note)
        state = "draft" if result.plan.status == "drafting" else result.plan.status
        self.stdout.write(f"imported ({state}, {len(result.findings)} findings): plan "
                          f"{result.plan.pk}")

    def _export(self, *, plan, output, **_options):
        found = (ActionPlan.objects.filter(pk=int(plan)).first() if plan.isdigit()
                 else ActionPlan.objects.filter(slug=plan).first())
        if found is None:
            raise CommandError(f"no action plan {plan!r}", returncode=2)
        data = plan_as_dict(found)
        for config in apps.get_app_configs():  # e.g. tracking: progress, assessments
            if hasattr(config, "plan_export"):
                data = config.plan_export(found, data)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"plan {found.pk} written to {output}")
