"""Staff use cases of the workspace. Every change takes the one path (style rule 5),
`core.actions.staff_action`: the actor's permission, one transaction, the AuditEvent, side
effects after commit.

Services raise `PermissionDenied` when the actor may not act, and `WorkspaceError` (with a
translated message fit to show a person) when the domain's rules forbid the change.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import PurePath
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.consultations import services as consultation_services
from samskab.consultations.models import (
    Attachment,
    Channel,
    Consultation,
    ExtractionStatus,
    InvitedParty,
    Respondent,
    RespondentKind,
    Response,
    ResponseStatus,
)
from samskab.core.actions import Action, require, staff_action, user_or_none
from samskab.core.errors import DomainError
from samskab.core.maildomains import email_domain, is_free_mail
from samskab.core.services import organisation_for_party, organisation_index
from samskab.workspace import redaction as finder
from samskab.workspace.models import (
    REDACTION_MASKS,
    InvitedPartyMatch,
    MatchMethod,
    MatchState,
    ModerationDecision,
    PublishedVersion,
    Redaction,
    RedactionKind,
    RedactionState,
)

MODERATE = "workspace.moderate_response"
PARTIES = "workspace.manage_invited_parties"
LETTER = "workspace.register_letter"


class WorkspaceError(DomainError):
    """A change the workspace's rules forbid; `message` is translated and fit to show a person."""


def _lock(response: Response) -> Response:
    """The response's row, locked until commit, so two moderators never interleave."""
    return (
        Response.objects.select_for_update(of=("self",))
        .select_related("consultation", "respondent")
        .get(pk=response.pk)
    )


# --- Redaction --------------------------------------------------------------------------------

# Heading of an attachment's text in the published version (the public page is Danish-first).
ATTACHMENT_HEADING = "[Bilag %(n)s]"


def _redaction_state(redaction: Redaction) -> dict[str, Any]:
    return {"kind": redaction.kind, "attachment": redaction.attachment_id,
            "start": redaction.start, "end": redaction.end, "state": redaction.state,
            "reason": redaction.reason}


def _sources(response: Response) -> list[tuple[Attachment | None, str]]:
    """What is published: the response's text, then each attachment's extracted text."""
    attachments = [a for a in response.attachments.order_by("id") if a.extracted_text]
    return [(None, response.text), *[(a, a.extracted_text) for a in attachments]]


def _source_text(redaction: Redaction, sources: list[tuple[Attachment | None, str]]) -> str:
    for attachment, text in sources:
        if (attachment.pk if attachment else None) == redaction.attachment_id:
            return text
    return ""


def _covered(existing: list[Redaction], attachment: Attachment | None, start: int, end: int
             ) -> bool:
    key = attachment.pk if attachment else None
    return any(r.attachment_id == key and start < r.end and r.start < end for r in existing)


def _plan(response: Response) -> tuple[list[Redaction], list[Redaction]]:
    """What a scan would change, without changing it: (new redactions, unsaved; stale ones).

    New: a Redaction for every span found that none covers yet, in the text and in every
    attachment's extracted text; CPR numbers accepted at once (they are never published), the
    rest proposals. Stale: redactions whose text is no longer where they point (an attachment
    extracted again)."""
    respondent = response.respondent
    name_consented = (
        response.consent_publish_name and respondent.kind == RespondentKind.CITIZEN
    )
    sources = _sources(response)
    existing, stale = [], []
    for redaction in response.redactions.all():
        text = _source_text(redaction, sources)
        if text[redaction.start:redaction.end][:300] == redaction.found_text:
            existing.append(redaction)
        else:
            stale.append(redaction)
    now = timezone.now()
    created = []
    for attachment, text in sources:
        spans = finder.find_redactions(
            text, respondent_name=respondent.name, name_consented=name_consented,
        )
        for span in spans:
            if _covered(existing, attachment, span.start, span.end):
                continue
            cpr = span.kind == RedactionKind.CPR
            redaction = Redaction(
                response=response, attachment=attachment, kind=span.kind, start=span.start,
                end=span.end, found_text=span.text[:300],
                state=RedactionState.ACCEPTED if cpr else RedactionState.PROPOSED,
                automatic=cpr,
                reason=str(_("CPR-numre offentliggøres aldrig.")) if cpr else "",
                decided_at=now if cpr else None,
            )
            existing.append(redaction)
            created.append(redaction)
    return created, stale


def redaction_scan_due(*, response: Response) -> bool:
    """True when `redaction_propose` would add or replace something (a read, no change)."""
    created, stale = _plan(response)
    return bool(created or stale)


def redaction_propose(*, actor: Any, response: Response) -> list[Redaction]:
    """Find personal data in the response's text and its attachments' extracted text, and
    store proposals for masking. Idempotent: spans already proposed or decided are left as
    they are, and when nothing is new no transaction is opened. Returns the new ones."""
    require(actor, MODERATE, response)
    if not redaction_scan_due(response=response):
        return []
    with staff_action(actor=actor, perm=MODERATE, obj=response, name="redaction.propose",
                      audit_required=False) as act:
        response = _lock(response)
        created, stale = _plan(response)
        if stale:
            Redaction.objects.filter(pk__in=[r.pk for r in stale]).delete()
        Redaction.objects.bulk_create(created)
        if created or stale:
            act.audit(
                response,
                before={"removed_stale": [_redaction_state(r) for r in stale]} if stale else None,
                after={"proposed": [_redaction_state(r) for r in created]},
            )
    return created


def _decide(*, actor: Any, redaction: Redaction, state: str, reason: str) -> Redaction:
    name = f"redaction.{'accept' if state == RedactionState.ACCEPTED else 'reject'}"
    with staff_action(actor=actor, perm=MODERATE, obj=redaction.response, name=name) as act:
        redaction = Redaction.objects.select_for_update().get(pk=redaction.pk)
        if redaction.kind == RedactionKind.CPR and state != RedactionState.ACCEPTED:
            raise WorkspaceError("cpr_always_masked", _("Et CPR-nummer maskeres altid."))
        before = _redaction_state(redaction)
        redaction.state = state
        redaction.reason = reason
        redaction.decided_by = user_or_none(actor)
        redaction.decided_at = timezone.now()
        redaction.save(update_fields=["state", "reason", "decided_by", "decided_at"])
        act.audit(redaction, before=before, after=_redaction_state(redaction))
    return redaction


def redaction_accept(*, actor: Any, redaction: Redaction, reason: str = "") -> Redaction:
    """Decide that the span is masked in the published text."""
    return _decide(actor=actor, redaction=redaction, state=RedactionState.ACCEPTED,
                   reason=reason.strip())


def redaction_reject(*, actor: Any, redaction: Redaction, reason: str = "") -> Redaction:
    """Decide that the span stays in the published text (e.g. a public official's name)."""
    return _decide(actor=actor, redaction=redaction, state=RedactionState.REJECTED,
                   reason=reason.strip())


def redaction_add(*, actor: Any, response: Response, phrase: str, reason: str) -> list[Redaction]:
    """Mask every occurrence of `phrase` (exact, case-sensitive), in the text and the
    attachments' extracted text, that no redaction covers yet.

    For what the finders miss: a neighbour's name, an address, a health detail."""
    with staff_action(actor=actor, perm=MODERATE, obj=response, name="redaction.add") as act:
        return _redaction_add(act, response=response, phrase=phrase, reason=reason)


def _redaction_add(act: Action, *, response: Response, phrase: str, reason: str
                   ) -> list[Redaction]:
    phrase = phrase.strip()
    if len(phrase) < 2:
        raise WorkspaceError("phrase_too_short", _("Skriv den tekst, der skal maskeres."))
    response = _lock(response)
    existing = list(response.redactions.all())
    now = timezone.now()
    created = []
    for attachment, text in _sources(response):
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            if not _covered(existing, attachment, start, end):
                redaction = Redaction(
                    response=response, attachment=attachment, kind=RedactionKind.MANUAL,
                    start=start, end=end, found_text=phrase[:300],
                    state=RedactionState.ACCEPTED, reason=reason.strip(),
                    decided_by=user_or_none(act.actor), decided_at=now,
                )
                existing.append(redaction)
                created.append(redaction)
            start = text.find(phrase, end)
    if not created:
        raise WorkspaceError(
            "phrase_not_found", _("Teksten findes ikke (umaskeret) i høringssvaret."),
        )
    Redaction.objects.bulk_create(created)
    act.audit(response, after={"added": [_redaction_state(r) for r in created]})
    return created


def published_text(response: Response, redactions: Iterable[Redaction]) -> str:
    """The response's text, then each attachment's extracted text under »[Bilag n]«, with
    every accepted redaction replaced by its mask."""
    accepted = [r for r in redactions if r.state == RedactionState.ACCEPTED]
    parts = []
    for number, (attachment, text) in enumerate(_sources(response)):
        key = attachment.pk if attachment else None
        masked = finder.apply_masks(text, [
            (r.start, r.end, REDACTION_MASKS[RedactionKind(r.kind)])
            for r in accepted if r.attachment_id == key
        ])
        if attachment is None:
            if masked:
                parts.append(masked)
        else:
            parts.append(f"{ATTACHMENT_HEADING % {'n': number}}\n{masked}")
    return "\n\n".join(parts)


# --- Moderation and publication ---------------------------------------------------------------

def _moderation_state(response: Response) -> dict[str, Any]:
    return {"status": response.status}


def _set_status(*, actor: Any, response: Response, status: str, reason: str, now: datetime
                ) -> None:
    response.status = status
    response.save(update_fields=["status"])
    ModerationDecision.objects.update_or_create(
        response=response,
        defaults={"status": status, "reason": reason, "decided_by": user_or_none(actor),
                  "decided_at": now},
    )


def response_publish(*, actor: Any, response: Response, now: datetime | None = None,
                     audit_extra: dict[str, Any] | None = None) -> PublishedVersion:
    """Publish the response's text with its accepted redactions masked.

    Refuses when the respondent asked not to be published, before the consultation's deadline,
    for a rejected response, while an attachment's text is still being extracted, and while
    any proposal for masking is undecided. First scans the text (`redaction_propose`, its own
    transaction, so its proposals stay when publication is refused), so CPR numbers are masked
    even if nobody asked for proposals. `now` is for tests; it defaults to the time now.
    `audit_extra` is added to the audit event (a bulk publication tags its events).
    The original text stays internal; the published text is stored in PublishedVersion.
    """
    require(actor, MODERATE, response)
    now = now or timezone.now()
    _check_publishable(response, now=now)
    redaction_propose(actor=actor, response=response)
    return _publish(actor=actor, response=response, now=now, audit_extra=audit_extra)


def _check_publishable(response: Response, *, now: datetime) -> None:
    if not response.consent_publish_response:
        raise WorkspaceError(
            "no_consent", _("Afsenderen har bedt om, at svaret ikke offentliggøres."),
        )
    if now < response.consultation.closes_at:
        raise WorkspaceError(
            "before_deadline", _("Høringssvar offentliggøres først efter høringsfristen."),
        )
    if response.status == ResponseStatus.REJECTED:
        raise WorkspaceError(
            "rejected", _("Et afvist høringssvar kan ikke offentliggøres."),
        )
    if response.attachments.filter(extraction_status=ExtractionStatus.PENDING).exists():
        raise WorkspaceError(
            "extraction_pending",
            _("Teksten i bilagene er ikke udtrukket endnu; prøv igen om lidt."),
        )


def _publish(*, actor: Any, response: Response, now: datetime,
             audit_extra: dict[str, Any] | None = None) -> PublishedVersion:
    with staff_action(actor=actor, perm=MODERATE, obj=response, name="response.publish") as act:
        return _publish_locked(act, response=response, now=now, audit_extra=audit_extra)


def _publish_locked(act: Action, *, response: Response, now: datetime,
                    audit_extra: dict[str, Any] | None = None) -> PublishedVersion:
    actor = act.actor
    response = _lock(response)
    _check_publishable(response, now=now)  # again, under the lock
    redactions = list(response.redactions.all())
    if any(r.state == RedactionState.PROPOSED for r in redactions):
        raise WorkspaceError(
            "undecided_redactions",
            _("Tag stilling til alle forslag til maskering, før svaret offentliggøres."),
        )
    if _scan_needed(response, redactions):
        raise WorkspaceError("text_changed", _("Svaret er ændret; prøv igen."))
    before = _moderation_state(response)
    text = published_text(response, redactions)
    count = sum(r.state == RedactionState.ACCEPTED for r in redactions)
    version, _created = PublishedVersion.objects.update_or_create(
        response=response,
        defaults={"text": text, "redaction_count": count, "published_by": user_or_none(actor),
                  "published_at": now},
    )
    _set_status(actor=actor, response=response, status=ResponseStatus.PUBLISHED, reason="",
                now=now)
    act.audit(
        response, before=before,
        after={**_moderation_state(response), "redactions": count,
               "published_text_sha256": hashlib.sha256(text.encode()).hexdigest(),
               **(audit_extra or {})},
    )
    return version


def _scan_needed(response: Response, redactions: list[Redaction]) -> bool:
    """True when the finders see a CPR number no accepted redaction covers, or a redaction
    no longer points at its text (a safety net for changes since the scan)."""
    sources = _sources(response)
    for redaction in redactions:
        text = _source_text(redaction, sources)
        if text[redaction.start:redaction.end][:300] != redaction.found_text:
            return True
    for attachment, text in sources:
        key = attachment.pk if attachment else None
        for span in finder.find_redactions(text):
            if span.kind == RedactionKind.CPR and not any(
                r.attachment_id == key and r.state == RedactionState.ACCEPTED
                and r.start <= span.start and span.end <= r.end
                for r in redactions
            ):
                return True
    return False


def _set_with_reason(*, actor: Any, response: Response, status: str, reason: str,
                     action: str) -> Response:
    with staff_action(actor=actor, perm=MODERATE, obj=response, name=action) as act:
        reason = reason.strip()
        if not reason:
            raise WorkspaceError("reason_required", _("Skriv en begrundelse."))
        response = _lock(response)
        before = _moderation_state(response)
        _set_status(actor=actor, response=response, status=status, reason=reason,
                    now=timezone.now())
        act.audit(response, before=before,
                  after={**_moderation_state(response), "reason": reason})
    return response


def response_withhold(*, actor: Any, response: Response, reason: str) -> Response:
    """Keep the response from the public (also after publication), with a written reason."""
    return _set_with_reason(actor=actor, response=response, status=ResponseStatus.WITHHELD,
                            reason=reason, action="response.withhold")


def response_reject(*, actor: Any, response: Response, reason: str) -> Response:
    """Reject the response (spam, abuse, not a response), with a written reason."""
    return _set_with_reason(actor=actor, response=response, status=ResponseStatus.REJECTED,
                            reason=reason, action="response.reject")


# --- Høringsliste -----------------------------------------------------------------------------

def _party_state(party: InvitedParty) -> dict[str, Any]:
    return {"name": party.name, "kind": party.kind, "email": party.email,
            "email_domain": party.email_domain, "organisation": party.organisation_id}


def _clean_party(*, name: str, kind: str, email: str, domain: str) -> dict[str, str]:
    name = " ".join((name or "").split())
    if not name:
        raise WorkspaceError("name_required", _("Skriv høringspartens navn."))
    if kind not in RespondentKind.values:
        raise WorkspaceError("invalid_kind", _("Vælg en gyldig type."))
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise WorkspaceError("invalid_email", _("E-mailadressen ser ikke gyldig ud.")) from None
    inferred = email_domain(email)
    domain = (domain or "").strip().lower().lstrip("@") or (
        "" if is_free_mail(inferred) else inferred)  # foreningen@gmail.com: no domain of its own
    return {"name": name[:300], "kind": kind, "email": email, "email_domain": domain[:200]}


def invited_party_add(*, actor: Any, consultation: Consultation, name: str,
                      kind: str = RespondentKind.NGO, email: str = "",
                      email_domain: str = "") -> InvitedParty:
    """Put an authority or organisation on the consultation's høringsliste."""
    with staff_action(actor=actor, perm=PARTIES, obj=consultation, name="invited_party.add") as act:
        fields = _clean_party(name=name, kind=kind, email=email, domain=email_domain)
        if InvitedParty.objects.filter(consultation=consultation, name=fields["name"]).exists():
            raise WorkspaceError("duplicate", _("Høringsparten står allerede på listen."))
        party = InvitedParty.objects.create(
            consultation=consultation, **fields,
            organisation=organisation_for_party(name=fields["name"], kind=fields["kind"],
                                                domain=fields["email_domain"]))
        act.audit(party, after=_party_state(party))
        return party


def invited_party_update(*, actor: Any, party: InvitedParty, name: str, kind: str,
                         email: str = "", email_domain: str = "") -> InvitedParty:
    with staff_action(actor=actor, perm=PARTIES, obj=party.consultation,
                      name="invited_party.update") as act:
        fields = _clean_party(name=name, kind=kind, email=email, domain=email_domain)
        party = InvitedParty.objects.select_for_update().get(pk=party.pk)
        if InvitedParty.objects.filter(
            consultation_id=party.consultation_id, name=fields["name"]
        ).exclude(pk=party.pk).exists():
            raise WorkspaceError("duplicate", _("Høringsparten står allerede på listen."))
        before = _party_state(party)
        for key, value in fields.items():
            setattr(party, key, value)
        party.organisation = organisation_for_party(name=fields["name"], kind=fields["kind"],
                                                    domain=fields["email_domain"])
        party.save(update_fields=[*fields, "organisation"])
        act.audit(party, before=before,
                  after=_party_state(party))
        return party


def invited_party_remove(*, actor: Any, party: InvitedParty) -> None:
    """Take a party off the list; its matches go with it (the AuditEvent keeps what it was)."""
    with staff_action(actor=actor, perm=PARTIES, obj=party.consultation,
                      name="invited_party.remove") as act:
        party = InvitedParty.objects.select_for_update().get(pk=party.pk)
        before = {**_party_state(party),
                  "matches": list(party.matches.values_list("response__reference", flat=True))}
        act.audit(party, before=before)
        party.delete()


def invited_party_match_propose(*, actor: Any, consultation: Consultation) -> int:
    """Propose a match for every response whose sender is recognised as the organisation of an
    invited party: by the e-mail domain (or a parent domain) the organisation owns, or by its
    name (`core.text.organisation_key`). Recognised senders are stored on the respondent
    (`recognised_organisation`). Idempotent; returns how many new proposals were made."""
    with staff_action(actor=actor, perm=PARTIES, obj=consultation,
                      name="invited_party.match_propose") as act:
        parties = list(consultation.invited_parties.all())
        for party in parties:  # parties listed before organisations existed
            if party.organisation_id is None:
                party.organisation = organisation_for_party(
                    name=party.name, kind=party.kind,
                    domain=party.email_domain or email_domain(party.email))
                party.save(update_fields=["organisation"])
        by_organisation: dict[int, list[InvitedParty]] = {}
        for party in parties:
            by_organisation.setdefault(party.organisation_id, []).append(party)
        index = organisation_index()
        existing = set(
            InvitedPartyMatch.objects.filter(party__consultation=consultation)
            .values_list("party_id", "response_id")
        )
        new, recognised = [], {}
        rows = Response.objects.filter(consultation=consultation).values_list(
            "pk", "respondent_id", "respondent__organisation", "respondent__email",
            "respondent__recognised_organisation",
        )
        for response_id, respondent_id, organisation, address, known in rows.iterator(
                chunk_size=2000):
            found: dict[int, str] = {}
            by_name = index.for_name(organisation)
            for party in by_organisation.get(by_name, []) if by_name else []:
                found[party.pk] = MatchMethod.ORGANISATION
            by_domain = index.for_email(address)
            for party in by_organisation.get(by_domain, []) if by_domain else []:
                found.setdefault(party.pk, MatchMethod.EMAIL_DOMAIN)
            # The organisation recognised at receipt (it may have been renamed since).
            for party in by_organisation.get(known, []) if known else []:
                found.setdefault(party.pk, MatchMethod.ORGANISATION)
            if known is None and (by_domain or by_name):
                recognised[respondent_id] = by_domain or by_name
            for party_id, method in found.items():
                if (party_id, response_id) not in existing:
                    new.append(InvitedPartyMatch(party_id=party_id, response_id=response_id,
                                                 method=method))
        InvitedPartyMatch.objects.bulk_create(new, batch_size=500)
        respondents_recognise(recognised)
        act.audit(consultation, after={"proposed": len(new), "recognised": len(recognised)})
        return len(new)


def respondents_recognise(recognised: dict[int, int]) -> None:
    """Store recognised organisations ({respondent id: organisation id}), in batches."""
    rows = [Respondent(pk=pk, recognised_organisation_id=org) for pk, org in recognised.items()]
    Respondent.objects.bulk_update(rows, ["recognised_organisation"], batch_size=500)


def _match_decide(*, actor: Any, match: InvitedPartyMatch, state: str) -> InvitedPartyMatch:
    consultation = InvitedParty.objects.select_related("consultation").get(
        pk=match.party_id).consultation
    with staff_action(actor=actor, perm=PARTIES, obj=consultation,
                      name=f"invited_party.match_{state}") as act:
        match = InvitedPartyMatch.objects.select_for_update().select_related(
            "party__consultation").get(pk=match.pk)
        before = {"state": match.state}
        match.state = state
        match.confirmed_by = user_or_none(actor)
        match.confirmed_at = timezone.now()
        match.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        act.audit(match, before=before,
                  after={"state": state, "party": match.party_id,
                         "response": match.response_id})
    return match


def invited_party_match_confirm(*, actor: Any, match: InvitedPartyMatch) -> InvitedPartyMatch:
    return _match_decide(actor=actor, match=match, state=MatchState.CONFIRMED)


def invited_party_match_reject(*, actor: Any, match: InvitedPartyMatch) -> InvitedPartyMatch:
    return _match_decide(actor=actor, match=match, state=MatchState.REJECTED)


def invited_party_match_add(*, actor: Any, party: InvitedParty, response: Response
                            ) -> InvitedPartyMatch:
    """Staff link a response to a party by hand (confirmed at once)."""
    with staff_action(actor=actor, perm=PARTIES, obj=party.consultation,
                      name="invited_party.match_add") as act:
        if response.consultation_id != party.consultation_id:
            raise WorkspaceError("other_consultation", _("Svaret hører til en anden høring."))
        match, _created = InvitedPartyMatch.objects.update_or_create(
            party=party, response=response,
            defaults={"method": MatchMethod.MANUAL, "state": MatchState.CONFIRMED,
                      "confirmed_by": user_or_none(actor), "confirmed_at": timezone.now()},
        )
        act.audit(match,
                  after={"state": match.state, "party": party.pk, "response": response.pk})
        return match


# --- Paper letters ----------------------------------------------------------------------------

LETTER_TYPES = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".tif": "image/tiff", ".tiff": "image/tiff",
}


def letter_register(
    *,
    actor: Any,
    consultation: Consultation,
    scan_name: str,
    scan_data: bytes,
    kind: str,
    name: str = "",
    organisation: str = "",
    address: str = "",
    text: str = "",
    received_at: datetime | None = None,
    consent_publish_name: bool = False,
    consent_publish_response: bool = True,
) -> consultation_services.Receipt:
    """Register a paper letter on the respondent's behalf: the scan (PDF, PNG, JPEG or TIFF)
    goes in through the one door (`response_receive`, channel »letter«) as its attachment;
    the worker extracts or OCRs its text after commit. The postal address is kept with the
    response's source details (staff only). Letters after the deadline are stored as late."""
    with staff_action(actor=actor, perm=LETTER, obj=consultation,
                      name="response.letter_register") as act:
        suffix = PurePath(scan_name or "").suffix.lower()
        guessed = filetype.guess_mime(scan_data[:8192]) if scan_data else None
        if suffix not in LETTER_TYPES or guessed != LETTER_TYPES[suffix]:
            raise WorkspaceError(
                "scan_type", _("Scanningen skal være en PDF-, PNG-, JPEG- eller TIFF-fil."),
            )
        source: dict[str, Any] = {"registered_by": actor.get_username()}
        if address.strip():
            source["postal_address"] = address.strip()[:500]
        try:
            receipt = consultation_services.response_receive(
                consultation=consultation,
                text=text,
                channel=Channel.LETTER,
                respondent=consultation_services.RespondentData(
                    kind=kind, name=name, organisation=organisation,
                ),
                received_at=received_at,
                consent_publish_name=consent_publish_name,
                consent_publish_response=consent_publish_response,
                attachments=[consultation_services.IncomingFile(
                    name=scan_name, data=scan_data, mime_type=LETTER_TYPES[suffix])],
                source=source,
            )
        except consultation_services.ReceiveError as error:
            raise WorkspaceError(error.code, error.message) from error
        response = Response.objects.get(pk=receipt.response_id)
        act.audit(response, after={"reference": receipt.reference, "late": receipt.late,
                                   "scan": scan_name, "kind": kind})
        return receipt
