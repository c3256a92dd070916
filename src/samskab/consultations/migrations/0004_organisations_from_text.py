"""Organisations from what was typed: each consultation's authority and each party on a
høringsliste becomes (or finds) a core Organisation, a party's e-mail domain becomes the
organisation's when no other owns it, and respondents whose e-mail domain or organisation name
belongs to an organisation are linked to it. The text fields stay as they were typed.
Recognition uses only organisations that exist (a respondent's typed name never creates one)."""

from django.db import migrations

from samskab.core.text import organisation_key

RESPONDENT_BATCH = 2000
KINDS = {"authority_state", "authority_region", "authority_municipality", "ngo", "business",
         "research", "other"}


def _domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower().rstrip(".") if "@" in (address or "") else ""


def forwards(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    OrganisationDomain = apps.get_model("core", "OrganisationDomain")
    Consultation = apps.get_model("consultations", "Consultation")
    InvitedParty = apps.get_model("consultations", "InvitedParty")
    Respondent = apps.get_model("consultations", "Respondent")

    by_name = {}
    for org in Organisation.objects.all():
        for text in (org.short_name, org.name):
            if organisation_key(text):
                by_name[organisation_key(text)] = org
    by_domain = {d.domain: d.organisation for d in
                 OrganisationDomain.objects.select_related("organisation")}

    def organisation(name: str, kind: str):
        name = " ".join(name.split())[:200]
        key = organisation_key(name)
        if key in by_name:
            return by_name[key]
        org = Organisation.objects.create(name=name, kind=kind if kind in KINDS else "other")
        by_name[key] = org
        return org

    for consultation in Consultation.objects.filter(authority_organisation=None).exclude(
            authority=""):
        consultation.authority_organisation = organisation(consultation.authority,
                                                           "authority_state")
        consultation.save(update_fields=["authority_organisation"])

    for party in InvitedParty.objects.filter(organisation=None):
        domain = (party.email_domain or _domain_of(party.email)).lstrip("@")
        org = by_domain.get(domain) if domain else None
        if org is None:
            org = organisation(party.name, party.kind)
            if domain:
                OrganisationDomain.objects.create(organisation=org, domain=domain)
                by_domain[domain] = org
        party.organisation = org
        party.save(update_fields=["organisation"])

    def recognise(respondent):
        domain = _domain_of(respondent.email)
        parts = domain.split(".") if domain else []
        for i in range(len(parts) - 1):
            if ".".join(parts[i:]) in by_domain:
                return by_domain[".".join(parts[i:])]
        return by_name.get(organisation_key(respondent.organisation)) if (
            organisation_key(respondent.organisation)) else None

    if not by_name and not by_domain:
        return
    last = 0
    while True:
        batch = list(Respondent.objects.filter(pk__gt=last, recognised_organisation=None)
                     .order_by("pk").only("pk", "email", "organisation")[:RESPONDENT_BATCH])
        if not batch:
            break
        last = batch[-1].pk
        changed = []
        for respondent in batch:
            org = recognise(respondent)
            if org is not None:
                respondent.recognised_organisation = org
                changed.append(respondent)
        Respondent.objects.bulk_update(changed, ["recognised_organisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_organisations"),
        ("core", "0003_organisations"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
