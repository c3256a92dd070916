"""Staff use cases of the workspace. Every change takes this one path (style rule 5):
check the actor's permission, make the change and append an AuditEvent in one transaction.

Services raise `PermissionDenied` when the actor may not act, and `WorkspaceError` (with a
translated message fit to show a person) when the domain's rules forbid the change.
"""

import hashlib
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from pathlib import PurePath
from typing import Any

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.consultations import services as consultation_services
from samskab.consultations.models import (
    Attachment,
    Channel,
    Consultation,
    ExtractionStatus,
    InvitedParty,
    RespondentKind,
    Response,
    ResponseStatus,
)
from samskab.core.services import audit_record
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


class WorkspaceError(Exception):
    """A change the domain's rules forbid; `message` is translated and fit to show a person."""

    def __init__(self, code: str, message: Any):
        super().__init__(str(message))
        self.code = code
        self.message = message


def _require(actor: Any, perm: str, obj: Any = None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


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
    _require(actor, "workspace.moderate_response", response)
    if not redaction_scan_due(response=response):
        return []
    return _propose(actor=actor, response=response)


@transaction.atomic
def _propose(*, actor: Any, response: Response) -> list[Redaction]:
    response = _lock(response)
    created, stale = _plan(response)
    if stale:
        Redaction.objects.filter(pk__in=[r.pk for r in stale]).delete()
    Redaction.objects.bulk_create(created)
    if created or stale:
        audit_record(
            actor=actor, action="redaction.propose", obj=response,
            before={"removed_stale": [_redaction_state(r) for r in stale]} if stale else None,
            after={"proposed": [_redaction_state(r) for r in created]},
        )
    return created


def _decide(*, actor: Any, redaction: Redaction, state: str, reason: str) -> Redaction:
    _require(actor, "workspace.moderate_response", redaction.response)
    redaction = Redaction.objects.select_for_update().get(pk=redaction.pk)
    if redaction.kind == RedactionKind.CPR and state != RedactionState.ACCEPTED:
        raise WorkspaceError("cpr_always_masked", _("Et CPR-nummer maskeres altid."))
    before = _redaction_state(redaction)
    redaction.state = state
    redaction.reason = reason
    redaction.decided_by = actor
    redaction.decided_at = timezone.now()
    redaction.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor, action=f"redaction.{'accept' if state == 'accepted' else 'reject'}",
        obj=redaction, before=before, after=_redaction_state(redaction),
    )
    return redaction


@transaction.atomic
def redaction_accept(*, actor: Any, redaction: Redaction, reason: str = "") -> Redaction:
    """Decide that the span is masked in the published text."""
    return _decide(actor=actor, redaction=redaction, state=RedactionState.ACCEPTED,
                   reason=reason.strip())


@transaction.atomic
def redaction_reject(*, actor: Any, redaction: Redaction, reason: str = "") -> Redaction:
    """Decide that the span stays in the published text (e.g. a public official's name)."""
    return _decide(actor=actor, redaction=redaction, state=RedactionState.REJECTED,
                   reason=reason.strip())


@transaction.atomic
def redaction_add(*, actor: Any, response: Response, phrase: str, reason: str) -> list[Redaction]:
    """Mask every occurrence of `phrase` (exact, case-sensitive), in the text and the
    attachments' extracted text, that no redaction covers yet.

    For what the finders miss: a neighbour's name, an address, a health detail."""
    _require(actor, "workspace.moderate_response", response)
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
                    state=RedactionState.ACCEPTED, reason=reason.strip(), decided_by=actor,
                    decided_at=now,
                )
                existing.append(redaction)
                created.append(redaction)
            start = text.find(phrase, end)
    if not created:
        raise WorkspaceError(
            "phrase_not_found", _("Teksten findes ikke (umaskeret) i høringssvaret."),
        )
    Redaction.objects.bulk_create(created)
    audit_record(
        actor=actor, action="redaction.add", obj=response,
        after={"added": [_redaction_state(r) for r in created]},
    )
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
        defaults={"status": status, "reason": reason, "decided_by": actor, "decided_at": now},
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
    _require(actor, "workspace.moderate_response", response)
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


@transaction.atomic
def _publish(*, actor: Any, response: Response, now: datetime,
             audit_extra: dict[str, Any] | None = None) -> PublishedVersion:
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
        defaults={"text": text, "redaction_count": count, "published_by": actor,
                  "published_at": now},
    )
    _set_status(actor=actor, response=response, status=ResponseStatus.PUBLISHED, reason="",
                now=now)
    audit_record(
        actor=actor, action="response.publish", obj=response, before=before,
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
    _require(actor, "workspace.moderate_response", response)
    reason = reason.strip()
    if not reason:
        raise WorkspaceError("reason_required", _("Skriv en begrundelse."))
    response = _lock(response)
    before = _moderation_state(response)
    _set_status(actor=actor, response=response, status=status, reason=reason,
                now=timezone.now())
    audit_record(actor=actor, action=action, obj=response, before=before,
                 after={**_moderation_state(response), "reason": reason})
    return response


@transaction.atomic
def response_withhold(*, actor: Any, response: Response, reason: str) -> Response:
    """Keep the response from the public (also after publication), with a written reason."""
    return _set_with_reason(actor=actor, response=response, status=ResponseStatus.WITHHELD,
                            reason=reason, action="response.withhold")


@transaction.atomic
def response_reject(*, actor: Any, response: Response, reason: str) -> Response:
    """Reject the response (spam, abuse, not a response), with a written reason."""
    return _set_with_reason(actor=actor, response=response, status=ResponseStatus.REJECTED,
                            reason=reason, action="response.reject")


# --- Høringsliste -----------------------------------------------------------------------------

def normalise_name(name: str) -> str:
    """An organisation name for comparison: case-folded, »aa«/»ae«/»oe« read as å/æ/ø,
    punctuation and legal-form noise (A/S, ApS) dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    for ascii_, danish in (("aa", "å"), ("ae", "æ"), ("oe", "ø")):
        text = text.replace(ascii_, danish)
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    words = [w for w in text.split() if w not in {"a", "s", "aps", "i", "amba", "the"}]
    return " ".join(words)


def email_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower() if "@" in (address or "") else ""


def _party_state(party: InvitedParty) -> dict[str, Any]:
    return {"name": party.name, "kind": party.kind, "email": party.email,
            "email_domain": party.email_domain}


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
    domain = (domain or "").strip().lower().lstrip("@") or email_domain(email)
    return {"name": name[:300], "kind": kind, "email": email, "email_domain": domain[:200]}


@transaction.atomic
def invited_party_add(*, actor: Any, consultation: Consultation, name: str,
                      kind: str = RespondentKind.NGO, email: str = "",
                      email_domain: str = "") -> InvitedParty:
    """Put an authority or organisation on the consultation's høringsliste."""
    _require(actor, "workspace.manage_invited_parties", consultation)
    fields = _clean_party(name=name, kind=kind, email=email, domain=email_domain)
    if InvitedParty.objects.filter(consultation=consultation, name=fields["name"]).exists():
        raise WorkspaceError("duplicate", _("Høringsparten står allerede på listen."))
    party = InvitedParty.objects.create(consultation=consultation, **fields)
    audit_record(actor=actor, action="invited_party.add", obj=party, after=_party_state(party))
    return party


@transaction.atomic
def invited_party_update(*, actor: Any, party: InvitedParty, name: str, kind: str,
                         email: str = "", email_domain: str = "") -> InvitedParty:
    _require(actor, "workspace.manage_invited_parties", party.consultation)
    fields = _clean_party(name=name, kind=kind, email=email, domain=email_domain)
    party = InvitedParty.objects.select_for_update().get(pk=party.pk)
    if InvitedParty.objects.filter(
        consultation_id=party.consultation_id, name=fields["name"]
    ).exclude(pk=party.pk).exists():
        raise WorkspaceError("duplicate", _("Høringsparten står allerede på listen."))
    before = _party_state(party)
    for key, value in fields.items():
        setattr(party, key, value)
    party.save(update_fields=list(fields))
    audit_record(actor=actor, action="invited_party.update", obj=party, before=before,
                 after=_party_state(party))
    return party


@transaction.atomic
def invited_party_remove(*, actor: Any, party: InvitedParty) -> None:
    """Take a party off the list; its matches go with it (the AuditEvent keeps what it was)."""
    _require(actor, "workspace.manage_invited_parties", party.consultation)
    party = InvitedParty.objects.select_for_update().get(pk=party.pk)
    before = {**_party_state(party),
              "matches": list(party.matches.values_list("response__reference", flat=True))}
    audit_record(actor=actor, action="invited_party.remove", obj=party, before=before)
    party.delete()


@transaction.atomic
def invited_party_match_propose(*, actor: Any, consultation: Consultation) -> int:
    """Propose a match for every response whose organisation name (normalised) or e-mail
    domain equals an invited party's. Idempotent; returns how many new proposals were made."""
    _require(actor, "workspace.manage_invited_parties", consultation)
    parties = list(consultation.invited_parties.all())
    by_name = {normalise_name(p.name): p for p in parties}
    by_domain = {p.email_domain or email_domain(p.email): p for p in parties}
    by_domain.pop("", None)
    existing = set(
        InvitedPartyMatch.objects.filter(party__consultation=consultation)
        .values_list("party_id", "response_id")
    )
    new = []
    rows = Response.objects.filter(consultation=consultation).values_list(
        "pk", "respondent__organisation", "respondent__email",
    )
    for response_id, organisation, address in rows.iterator(chunk_size=2000):
        found: dict[int, str] = {}
        name_key = normalise_name(organisation)
        if name_key and name_key in by_name:
            found[by_name[name_key].pk] = MatchMethod.ORGANISATION
        domain = email_domain(address)
        if domain in by_domain:
            found.setdefault(by_domain[domain].pk, MatchMethod.EMAIL_DOMAIN)
        for party_id, method in found.items():
            if (party_id, response_id) not in existing:
                new.append(InvitedPartyMatch(party_id=party_id, response_id=response_id,
                                             method=method))
    InvitedPartyMatch.objects.bulk_create(new, batch_size=500)
    audit_record(actor=actor, action="invited_party.match_propose", obj=consultation,
                 after={"proposed": len(new)})
    return len(new)


def _match_decide(*, actor: Any, match: InvitedPartyMatch, state: str) -> InvitedPartyMatch:
    match = InvitedPartyMatch.objects.select_for_update().select_related(
        "party__consultation").get(pk=match.pk)
    _require(actor, "workspace.manage_invited_parties", match.party.consultation)
    before = {"state": match.state}
    match.state = state
    match.confirmed_by = actor
    match.confirmed_at = timezone.now()
    match.save(update_fields=["state", "confirmed_by", "confirmed_at"])
    audit_record(actor=actor, action=f"invited_party.match_{state}", obj=match, before=before,
                 after={"state": state, "party": match.party_id,
                        "response": match.response_id})
    return match


@transaction.atomic
def invited_party_match_confirm(*, actor: Any, match: InvitedPartyMatch) -> InvitedPartyMatch:
    return _match_decide(actor=actor, match=match, state=MatchState.CONFIRMED)


@transaction.atomic
def invited_party_match_reject(*, actor: Any, match: InvitedPartyMatch) -> InvitedPartyMatch:
    return _match_decide(actor=actor, match=match, state=MatchState.REJECTED)


@transaction.atomic
def invited_party_match_add(*, actor: Any, party: InvitedParty, response: Response
                            ) -> InvitedPartyMatch:
    """Staff link a response to a party by hand (confirmed at once)."""
    _require(actor, "workspace.manage_invited_parties", party.consultation)
    if response.consultation_id != party.consultation_id:
        raise WorkspaceError("other_consultation", _("Svaret hører til en anden høring."))
    match, _created = InvitedPartyMatch.objects.update_or_create(
        party=party, response=response,
        defaults={"method": MatchMethod.MANUAL, "state": MatchState.CONFIRMED,
                  "confirmed_by": actor, "confirmed_at": timezone.now()},
    )
    audit_record(actor=actor, action="invited_party.match_add", obj=match,
                 after={"state": match.state, "party": party.pk, "response": response.pk})
    return match


# --- Paper letters ----------------------------------------------------------------------------

LETTER_TYPES = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".tif": "image/tiff", ".tiff": "image/tiff",
}


@transaction.atomic
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
    _require(actor, "workspace.register_letter", consultation)
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
    audit_record(actor=actor, action="response.letter_register", obj=response,
                 after={"reference": receipt.reference, "late": receipt.late,
                        "scan": scan_name, "kind": kind})
    return receipt
