"""Forms of the tracking pages: they only parse input; rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.consultations.forms import MultipleFileField
from samskab.plans.models import MilestoneStatus


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
