"""Forms of the staff sign-in (the password step is Django's AuthenticationForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Engangskode"), max_length=12,
        help_text=_("De 6 cifre, som godkendelsesappen viser lige nu."),
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric",
            "class": "form-input input-width-xs",
        }),
    )
