"""The audit log in words: what each action code means and who a non-person actor is, for pages
that show history (codes such as ``redaction.accept`` stay in the log and in exports)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "redaction.propose": _("Personoplysninger fundet og foreslået maskeret"),
    "redaction.accept": _("Maskering godkendt"),
    "redaction.reject": _("Maskering fravalgt"),
    "redaction.add": _("Tekst maskeret"),
    "response.publish": _("Svaret offentliggjort"),
    "response.withhold": _("Svaret tilbageholdt"),
    "response.reject": _("Svaret afvist"),
    "response.letter_register": _("Brev registreret"),
    "invited_party.add": _("Høringspart tilføjet"),
    "invited_party.update": _("Høringspart rettet"),
    "invited_party.remove": _("Høringspart fjernet"),
    "invited_party.match_propose": _("Svar fra høringsparter fundet"),
    "invited_party.match_confirmed": _("Svar bekræftet som høringspartens"),
    "invited_party.match_rejected": _("Svar afvist som høringspartens"),
    "invited_party.match_add": _("Svar knyttet til høringspart"),
    "tag.confirm": _("Emnemærke bekræftet"),
    "tag.reject": _("Emnemærke afvist"),
    "group.split_member": _("Taget ud af gruppe"),
    "group.confirm_member": _("Bekræftet i gruppe"),
    "group.merge": _("Grupper flettet"),
    "idea.rename": _("Idé omdøbt"),
    "idea.merge": _("Idéer flettet"),
    "idea.split": _("Idé delt"),
    "proposal.move": _("Forslag flyttet"),
    "position.set": _("Stillingtagen gemt"),
    "notat_text.update": _("Høringsnotatets tekst ændret"),
    "api_token.create": _("API-nøgle oprettet"),
    "api_token.revoke": _("API-nøgle tilbagekaldt"),
    "raw_submission.retry": _("E-mail prøvet igen"),
    "organisation.create": _("Organisation oprettet"),
    "organisation.change": _("Organisation ændret"),
    "organisation.member_add": _("Medlem tilføjet"),
    "organisation.member_remove": _("Medlem fjernet"),
}

SYSTEM_ACTORS = {
    "cli": _("kommandolinjen"),
    "demo": _("demoen"),
    "worker": _("baggrundsjobbet"),
    "import": _("filimporten"),
}


def action_label(code: str) -> str:
    """The action in words; an unknown code is shown as it is."""
    return str(ACTION_LABELS.get(code, code))


def actor_display(label: str) -> str:
    """Who did it: a user name as it is, a system actor (``system:demo``) in words."""
    if label.startswith("system:"):
        name = label.partition(":")[2]
        return str(SYSTEM_ACTORS.get(name, name))
    return label
