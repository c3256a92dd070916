"""Forms of the workspace: they parse and validate input, nothing more (style rule 4)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import Consultation, RespondentKind
from samskab.workspace import selectors


class SearchInput(forms.TextInput):
    input_type = "search"


class InboxForm(forms.Form):
    """Search, sort and the registered filters (selectors.INBOX_FILTERS), built per request."""

    q = forms.CharField(
        label=_("Søg i svar og bilag"), required=False, max_length=200,
        help_text=_("Alle ord skal forekomme; ordformer findes også (»forslag« finder "
                    "»forslagene«)."),
        widget=SearchInput(attrs={"class": "form-input"}),
    )
    sort = forms.ChoiceField(
        label=_("Sortering"), required=False,
        choices=list(selectors.INBOX_SORT_LABELS.items()),
    )

    def __init__(self, data, *, consultation: Consultation):
        super().__init__(data)
        self.filter_names = []
        for inbox_filter in selectors.INBOX_FILTERS:
            self.fields[inbox_filter.name] = forms.ChoiceField(
                label=inbox_filter.label, required=False,
                choices=[("", _("Alle")), *inbox_filter.choices(consultation)],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.filter_names.append(inbox_filter.name)
        self.fields["sort"].widget.attrs.update({"class": "form-select"})

    def filter_fields(self):
        return [self[name] for name in self.filter_names]

    def values(self) -> dict[str, str]:
        """Valid input only; an invalid value (hand-edited URL) counts as no filter."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in [*self.filter_names, "q", "sort"]}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse"), max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )


class RedactionDecisionForm(forms.Form):
    reason = forms.CharField(label=_("Begrundelse (valgfri)"), required=False, max_length=2000)


class RedactionAddForm(forms.Form):
    phrase = forms.CharField(
        label=_("Tekst der skal maskeres"), max_length=300,
        help_text=_("Skriv teksten præcis som i svaret; alle forekomster maskeres."),
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    reason = forms.CharField(
        label=_("Begrundelse"), required=False, max_length=2000,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )


class InvitedPartyForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=300,
                           widget=forms.TextInput(attrs={"class": "form-input"}))
    kind = forms.ChoiceField(label=_("Type"), choices=RespondentKind.choices,
                             initial=RespondentKind.NGO,
                             widget=forms.Select(attrs={"class": "form-select"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"class": "form-input"}))
    email_domain = forms.CharField(
        label=_("E-maildomæne"), required=False, max_length=200,
        help_text=_("Fx »kl.dk«: svar fra adresser på domænet foreslås som svar fra parten."),
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )


class LetterForm(forms.Form):
    scan = forms.FileField(
        label=_("Scannet brev"),
        help_text=_("PDF, PNG, JPEG eller TIFF. Teksten genkendes automatisk (OCR)."),
        widget=forms.ClearableFileInput(attrs={
            "class": "form-file-input",
            "accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff,application/pdf,image/png,image/jpeg,"
                      "image/tiff",
        }),
    )
    kind = forms.ChoiceField(label=_("Afsendertype"), choices=RespondentKind.choices,
                             initial=RespondentKind.CITIZEN,
                             widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label=_("Afsenderens navn"), required=False, max_length=300,
                           widget=forms.TextInput(attrs={"class": "form-input"}))
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=300,
                                   widget=forms.TextInput(attrs={"class": "form-input"}))
    address = forms.CharField(
        label=_("Postadresse (valgfri)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )
    received_on = forms.DateField(
        label=_("Modtaget den"), initial=timezone.localdate,
        widget=forms.DateInput(attrs={"class": "form-input", "type": "date"}),
    )
    text = forms.CharField(
        label=_("Brevets tekst (valgfri)"), required=False, max_length=100_000,
        help_text=_("Udfyld kun, hvis du vil skrive teksten af; ellers bruges OCR."),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 5}),
    )
    consent_publish_response = forms.BooleanField(
        label=_("Svaret må offentliggøres"), required=False, initial=True)
    consent_publish_name = forms.BooleanField(
        label=_("Afsenderens navn må offentliggøres"), required=False)
