"""Forms of the tracking pages: they only parse input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.consultations.forms import MultipleFileField
from samskab.plans.models import MilestoneStatus
from samskab.tracking import irm
from samskab.tracking.irm_labels import choices as _choices
from samskab.tracking.models import Framework, ReportKind


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)
    reported_on = forms.DateField(label=_("Dato"), widget=forms.DateInput(attrs={
        "type": "date", "class": "form-input"}))
    note = forms.CharField(label=_("Note"), max_length=10_000, widget=forms.Textarea(attrs={
        "rows": 4, "class": "form-input"}),
        help_text=_("Hvad er gjort, hvad mangler, og hvorfor."))
    links = forms.CharField(
        label=_("Links til dokumentation"), required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
        help_text=_("Én webadresse pr. linje."))
    files = MultipleFileField(label=_("Filer som dokumentation"), required=False,
                              help_text=_("Samme filtyper og størrelser som høringssvar."))

    def links_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("links", "").splitlines()
                if line.strip()]


class AssessmentForm(forms.Form):
    """The codings of every era side by side; the service checks them against the chosen
    framework's scales. There is no field for starred: it is computed."""

    framework = forms.ChoiceField(label=_("IRM-ramme"), choices=Framework.choices)
    specificity = forms.ChoiceField(label=_("Specificitet (til 2020)"), required=False,
                                    choices=_choices("specificity", irm.SPECIFICITY))
    verifiable = forms.ChoiceField(label=_("Verificerbar (fra 2021)"), required=False,
                                   choices=[("", "–"), ("yes", _("Ja")), ("no", _("Nej"))])
    relevant_values = forms.MultipleChoiceField(
        label=_("Relevante OGP-værdier"), required=False,
        choices=_choices("relevant_values", irm.VALUES, False),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}))
    potential_impact = forms.ChoiceField(label=_("Potentiel virkning (til 2020)"),
                                         required=False,
                                         choices=_choices("potential_impact", irm.POTENTIAL_IMPACT))
    potential_for_results = forms.ChoiceField(
        label=_("Potentiale for resultater (fra 2021)"), required=False,
        choices=_choices("potential_for_results", irm.POTENTIAL_FOR_RESULTS))
    completion = forms.ChoiceField(label=_("Gennemførelse"), required=False,
                                   choices=_choices("completion", irm.COMPLETION))
    did_it_open_government = forms.ChoiceField(
        label=_("Åbnede det forvaltningen?"), required=False,
        choices=_choices("did_it_open_government", irm.DID_IT_OPEN_GOVERNMENT))
    early_results = forms.ChoiceField(label=_("Tidlige resultater (fra 2021)"), required=False,
                                      choices=_choices("early_results", irm.EARLY_RESULTS))
    assessed_on = forms.DateField(label=_("Vurderet"), required=False, widget=forms.DateInput(
        attrs={"type": "date", "class": "form-input"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(
        attrs={"rows": 3, "class": "form-input"}))

    def codings(self) -> dict:
        data = self.cleaned_data
        out = {name: data[name] for name in (
            "specificity", "relevant_values", "potential_impact", "potential_for_results",
            "completion", "did_it_open_government", "early_results") if data.get(name)}
        if data.get("verifiable"):
            out["verifiable"] = data["verifiable"] == "yes"
        return out


class ForumMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Dato"), widget=forms.DateInput(attrs={
        "type": "date", "class": "form-input"}))
    government = forms.CharField(label=_("Deltagere fra myndigheder"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
                                 help_text=_("Én pr. linje."))
    civil_society = forms.CharField(label=_("Deltagere fra civilsamfundet"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2,
                                                                 "class": "form-input"}),
                                    help_text=_("Én pr. linje."))
    minutes = forms.CharField(label=_("Referat"), widget=forms.Textarea(attrs={
        "rows": 4, "class": "form-input"}))
    decisions = forms.CharField(label=_("Beslutninger"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}))

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SelfAssessmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ReportKind.choices)
    as_of = forms.DateField(label=_("Opgjort pr."), widget=forms.DateInput(attrs={
        "type": "date", "class": "form-input"}))
    closes_on = forms.DateField(label=_("Frist for kommentarer"), widget=forms.DateInput(
        attrs={"type": "date", "class": "form-input"}),
        help_text=_("OGP anbefaler typisk to uger."))
