"""Shared services: the audit trail every staff change passes through, and organisations."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext as _

from samskab.core.actions import actor_label, staff_action, user_or_none
from samskab.core.errors import DomainError
from samskab.core.maildomains import domain_candidates, is_free_mail
from samskab.core.models import (
    AuditEvent,
    Membership,
    Organisation,
    OrganisationDomain,
    OrganisationKind,
)
from samskab.core.text import organisation_key


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one AuditEvent. Call inside the transaction that makes the change, so the event
    and the change commit or roll back together."""
    return AuditEvent.objects.create(
        actor=user_or_none(actor),
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )


# --- Organisations ----------------------------------------------------------------------------

def _organisation_state(org: Organisation) -> dict[str, Any]:
    return {"name": org.name, "short_name": org.short_name, "kind": org.kind, "cvr": org.cvr,
            "website": org.website, "domains": sorted(d.domain for d in org.domains.all())}


def normalise_domain(domain: str) -> str:
    """A domain an organisation may own: lower case, no "@" or trailing dot; never a free-mail
    provider's (`core.maildomains`: anybody can write from gmail.com)."""
    domain = domain.strip().lower().lstrip("@").rstrip(".")
    if not domain or "." not in domain or any(c.isspace() for c in domain):
        raise DomainError("invalid_domain", _("%(domain)s er ikke et e-maildomæne.")
                          % {"domain": domain or "–"}, "domains")
    if is_free_mail(domain):
        raise DomainError("free_mail_domain", _("%(domain)s er en gratis e-mailtjeneste og kan "
                                                "ikke høre til en organisation.")
                          % {"domain": domain}, "domains")
    return domain


@dataclass(frozen=True)
class OrganisationInput:
    """An organisation's fields as `organisation_check` cleaned them."""

    name: str
    kind: str
    short_name: str
    cvr: str
    website: str
    domains: list[str]


def organisation_check(*, name: str, kind: str = OrganisationKind.OTHER, short_name: str = "",
                       cvr: str = "", website: str = "", domains: Iterable[str] = (),
                       organisation: Organisation | None = None) -> OrganisationInput:
    """Clean an organisation's fields or raise the DomainError naming the field: a name, not
    another organisation's; CVR of eight digits; e-mail domains (`normalise_domain`: never free
    mail) that no other organisation owns. `organisation_save` and the admin's form ask this."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("name_required", _("Organisationen skal have et navn."), "name")
    cvr = cvr.replace(" ", "")
    if cvr and not (len(cvr) == 8 and cvr.isdigit()):
        raise DomainError("invalid_cvr", _("Et CVR-nummer har otte cifre."), "cvr")
    wanted = sorted({normalise_domain(d) for d in domains if d.strip()})
    own = organisation.pk if organisation is not None else None
    if Organisation.objects.filter(name__iexact=name).exclude(pk=own).exists():
        raise DomainError("name_taken", _("Der findes allerede en organisation med det navn."),
                          "name")
    taken = list(OrganisationDomain.objects.filter(domain__in=wanted).exclude(organisation=own)
                 .values_list("domain", flat=True)[:1])
    if taken:
        raise DomainError("domain_taken", _("Domænet %(domain)s hører til en anden "
                                            "organisation.") % {"domain": taken[0]}, "domains")
    return OrganisationInput(name=name, kind=kind, short_name=short_name.strip(), cvr=cvr,
                             website=website.strip(), domains=wanted)


def organisation_save(
    *,
    actor: Any,
    name: str,
    kind: str = OrganisationKind.OTHER,
    short_name: str = "",
    cvr: str = "",
    website: str = "",
    domains: Iterable[str] = (),
    organisation: Organisation | None = None,
) -> Organisation:
    """Create an organisation (`organisation` None, or a new unsaved instance to fill), or
    change `organisation`; its e-mail domains are replaced by `domains`. Checked by
    `organisation_check`, audited."""
    existing = organisation is not None and organisation.pk is not None
    perm = "core.change_organisation" if existing else "core.add_organisation"
    with staff_action(actor=actor, perm=perm, obj=organisation if existing else None,
                      name="organisation.change" if existing else "organisation.create"
                      ) as act:
        clean = organisation_check(name=name, kind=kind, short_name=short_name, cvr=cvr,
                                   website=website, domains=domains, organisation=organisation)
        before = _organisation_state(organisation) if existing else None
        org = organisation if organisation is not None else Organisation()
        org.name, org.kind, org.short_name, org.cvr, org.website = (
            clean.name, clean.kind, clean.short_name, clean.cvr, clean.website)
        org.save()
        org.domains.exclude(domain__in=clean.domains).delete()
        have = set(org.domains.values_list("domain", flat=True))
        OrganisationDomain.objects.bulk_create(
            [OrganisationDomain(organisation=org, domain=d) for d in clean.domains
             if d not in have])
        act.audit(org, before=before, after=_organisation_state(org))
    return org


def membership_add(*, actor: Any, organisation: Organisation, user: Any) -> Membership:
    """Make `user` a member of `organisation` (idempotent). Audited."""
    with staff_action(actor=actor, perm="core.change_organisation", obj=organisation,
                      name="organisation.member_add") as act:
        membership, created = Membership.objects.get_or_create(user=user,
                                                               organisation=organisation)
        act.audit(organisation, after={"member": user.get_username(), "created": created})
    return membership


def membership_remove(*, actor: Any, organisation: Organisation, user: Any) -> None:
    with staff_action(actor=actor, perm="core.change_organisation", obj=organisation,
                      name="organisation.member_remove") as act:
        Membership.objects.filter(user=user, organisation=organisation).delete()
        act.audit(organisation, before={"member": user.get_username()})


def organisation_for_email(address: str) -> Organisation | None:
    """The organisation that owns the address's domain or a parent domain of it
    (`jens@kbh.kk.dk` → the owner of `kk.dk`), None when none does or the address is free
    mail."""
    candidates = domain_candidates(address)
    if not candidates:
        return None
    found = {d.domain: d.organisation for d in
             OrganisationDomain.objects.filter(domain__in=candidates).select_related(
                 "organisation")}
    for candidate in candidates:  # most specific first
        if candidate in found:
            return found[candidate]
    return None


def organisation_by_name(name: str) -> Organisation | None:
    """The organisation with this name or short name, compared without case and spacing."""
    name = " ".join(name.split())
    if not name:
        return None
    return (Organisation.objects.filter(name__iexact=name).first()
            or Organisation.objects.filter(short_name__iexact=name).first())


# --- Recognising organisations -----------------------------------------------------------------

def sender_organisation_id(*, email: str, organisation: str) -> int | None:
    """The id of the organisation behind a sender, or None: the owner of the address's domain
    (or a parent domain; never free mail), else the organisation whose name or short name the
    typed organisation matches by `core.text.organisation_key` (a full name before a short
    name, then the oldest). Used at receipt, so every respondent points to its organisation
    from the start: one indexed statement, none when there is nothing to look up (a citizen
    writing from gmail.com); plain SQL because the ORM's compilation would cost more than the
    look-up itself in the door's hot path."""
    candidates = domain_candidates(email)
    key = organisation_key(organisation)
    if not candidates and not key:
        return None
    domains, organisations = OrganisationDomain._meta.db_table, Organisation._meta.db_table
    # Only our own table names and placeholders go into the statement; values are parameters.
    parts, params = [], []
    if candidates:
        marks = ", ".join(["%s"] * len(candidates))
        parts.append(f"SELECT 0, domain, organisation_id FROM {domains} "  # noqa: S608
                     f"WHERE domain IN ({marks})")
        params += candidates
    if key:
        parts.append(f"SELECT 1, name_key, id FROM {organisations} "  # noqa: S608
                     "WHERE name_key = %s")
        parts.append(f"SELECT 2, short_name_key, id FROM {organisations} "  # noqa: S608
                     "WHERE short_name_key = %s")
        params += [key, key]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    owners = {value: pk for rank, value, pk in rows if rank == 0}
    for candidate in candidates:  # most specific first
        if candidate in owners:
            return owners[candidate]
    named = sorted((rank, pk) for rank, _value, pk in rows if rank > 0)
    return named[0][1] if named else None


@dataclass
class OrganisationIndex:
    """Every organisation's e-mail domains and name keys in memory, to recognise many senders
    in one pass (a consultation's replies) with two queries. Names compare by
    `core.text.organisation_key` (case, Danish spellings, legal forms ignored)."""

    by_domain: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)

    def for_email(self, address: str) -> int | None:
        """The id of the organisation owning the address's domain or a parent of it (never
        for free mail)."""
        for candidate in domain_candidates(address):  # most specific first
            found = self.by_domain.get(candidate)
            if found is not None:
                return found
        return None

    def for_sender(self, *, email: str, organisation: str) -> int | None:
        """`sender_organisation_id` from memory: the domain's owner, else the name's."""
        by_domain = self.for_email(email)
        return by_domain if by_domain is not None else self.for_name(organisation)

    def for_name(self, name: str) -> int | None:
        key = organisation_key(name)
        return self.by_name.get(key) if key else None


def organisation_index() -> OrganisationIndex:
    index = OrganisationIndex()
    index.by_domain = dict(OrganisationDomain.objects.values_list("domain", "organisation_id"))
    rows = list(Organisation.objects.values_list("pk", "name_key", "short_name_key")
                .order_by("-pk"))
    # As `sender_organisation_id`: a full name wins over a short name, then the oldest.
    for column in (2, 1):
        for row in rows:
            if row[column]:
                index.by_name[row[column]] = row[0]
    return index


def organisation_for_party(*, name: str, kind: str, domain: str = "") -> Organisation:
    """The organisation behind a party on a høringsliste: the owner of its e-mail domain, or
    the one of its name; created (with the domain, if no one owns it) when there is none.
    Call inside the staff action that adds the party: the creation is part of that change."""
    domain = "" if is_free_mail(domain) else domain  # gmail.com is nobody's
    owner = organisation_for_email(f"x@{domain}") if domain else None
    if owner is not None:
        return owner
    wanted = organisation_key(name)
    organisation = organisation_by_name(name) or (
        Organisation.objects.filter(name_key=wanted).order_by("pk").first()
        or Organisation.objects.filter(short_name_key=wanted).order_by("pk").first()
        if wanted else None)
    if organisation is None:
        kind = kind if kind in OrganisationKind.values else OrganisationKind.OTHER
        organisation = Organisation.objects.create(name=" ".join(name.split())[:200], kind=kind)
    if domain and not OrganisationDomain.objects.filter(domain=domain).exists():
        OrganisationDomain.objects.create(organisation=organisation, domain=domain)
    return organisation
