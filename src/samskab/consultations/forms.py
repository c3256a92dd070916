"""The public response form. It only parses input; rules live in services.response_receive."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import RespondentKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


def form_token() -> str:
    """A random token for a form's hidden field: 128 bits written in letters only. A hex
    token sometimes holds ten digits that read as a date and so as a CPR number, which the
    checks on every public page then rightly refuse."""
    n = secrets.randbits(128)
    letters = []
    for _position in range(28):  # 26**28 > 2**128
        n, k = divmod(n, 26)
        letters.append(chr(ord("a") + k))
    return "".join(letters)


class ResponseForm(forms.Form):
    respondent_kind = forms.ChoiceField(
        label=_("Jeg svarer som"), choices=RespondentKind.choices, widget=forms.RadioSelect,
        initial=RespondentKind.CITIZEN,
    )
    name = forms.CharField(
        label=_("Navn"), max_length=300, required=False,
        help_text=_("Frivilligt. Vises kun offentligt, hvis du giver lov nedenfor."),
    )
    organisation = forms.CharField(
        label=_("Organisation, virksomhed eller myndighed"), max_length=300, required=False,
        help_text=_("Udfyld, hvis du svarer på vegne af en organisation."),
    )
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False,
        help_text=_("Frivilligt. Vi sender en kvittering og bruger den kun til høringen."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    text = forms.CharField(
        label=_("Dit høringssvar"), required=False, widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Skriv dine forslag og bemærkninger. Du kan også vedhæfte dem som fil."),
    )
    attachments = MultipleFileField(
        label=_("Bilag"), required=False,
        help_text=_("PDF, Word, ODT, RTF, tekst eller billeder."),
    )
    consent_publish_response = forms.BooleanField(
        label=_("Mit høringssvar må offentliggøres"), required=False, initial=False,
        help_text=_("Høringssvar offentliggøres normalt efter fristen. Personnumre fjernes altid."),
    )
    consent_publish_name = forms.BooleanField(
        label=_("Mit navn må offentliggøres sammen med svaret"), required=False,
        help_text=_("Organisationers navne vises altid; privatpersoners kun med samtykke."),
    )
    idempotency_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_token", form_token())
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.TextInput | forms.EmailInput | forms.Textarea):
                widget.attrs.setdefault("class", "form-input input-width-xl")


    def clean_idempotency_token(self) -> str:
        token = self.cleaned_data.get("idempotency_token", "")
        # A missing or tampered token only costs the double-submit protection.
        return token if len(token) <= 64 and token.isalnum() else ""
