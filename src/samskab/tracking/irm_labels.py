"""IRM's codings in words, for the screen (irm.py keeps the codes the data and exports use).

The English words are the IRM's own; the Danish follow docs/glossary.md."""

from django.utils.translation import gettext_lazy as _

CODING_NAMES = {
    "specificity": _("Specificitet"),
    "verifiable": _("Verificerbar"),
    "relevant_values": _("Relevante OGP-værdier"),
    "potential_impact": _("Potentiel virkning"),
    "potential_for_results": _("Potentiale for resultater"),
    "completion": _("Gennemførelse"),
    "did_it_open_government": _("Åbnede det forvaltningen?"),
    "early_results": _("Tidlige resultater"),
}

VALUE_LABELS = {
    "specificity": {"none": _("Ingen"), "low": _("Lav"), "medium": _("Middel"),
                    "high": _("Høj")},
    "potential_impact": {"none": _("Ingen"), "minor": _("Mindre"), "moderate": _("Moderat"),
                         "transformative": _("Transformativ")},
    "potential_for_results": {"unclear": _("Uklart"), "modest": _("Beskedent"),
                              "substantial": _("Betydeligt")},
    "completion": {"not_started": _("Ikke påbegyndt"), "limited": _("Begrænset"),
                   "substantial": _("Væsentlig"), "complete": _("Gennemført"),
                   "withdrawn": _("Trukket tilbage"), "no_evidence": _("Ingen dokumentation")},
    "did_it_open_government": {"worsened": _("Forværret"), "did_not_change": _("Uændret"),
                               "marginal": _("Marginalt"), "major": _("Markant"),
                               "outstanding": _("Enestående")},
    "early_results": {"no_notable": _("Ingen nævneværdige resultater"),
                      "moderate": _("Moderate resultater"),
                      "significant": _("Betydelige resultater"),
                      "outstanding": _("Enestående resultater")},
    "relevant_values": {"access_to_information": _("Adgang til information"),
                        "civic_participation": _("Borgerinddragelse"),
                        "public_accountability": _("Offentlig ansvarlighed"),
                        "technology_innovation": _("Teknologi og innovation")},
    "verifiable": {True: _("Ja"), False: _("Nej")},
}


def coding_name(name: str) -> str:
    return str(CODING_NAMES.get(name, name.replace("_", " ")))


def coding_value(name: str, value) -> str:
    """One coding's value in words; a list (the OGP values) joined; an unknown code as text."""
    if isinstance(value, (list, tuple)):
        return ", ".join(coding_value(name, item) for item in value)
    labels = VALUE_LABELS.get(name, {})
    if value in labels:
        return str(labels[value])
    return str(value).replace("_", " ")


def choices(name: str, values, blank: bool = True) -> list[tuple[str, str]]:
    labels = VALUE_LABELS.get(name, {})
    return ([("", "–")] if blank else []) + [
        (v, labels.get(v, v.replace("_", " "))) for v in values]
