from django import forms
from django.utils.translation import gettext_lazy as _


class NotatTextForm(forms.Form):
    published_where = forms.CharField(
        label=_("Hvor høringen blev offentliggjort"), required=False, max_length=300,
        widget=forms.TextInput(attrs={"class": "form-input input-width-xl"}),
        help_text=_("Tom: høringens adresse i Samskab."),
    )
    general_remarks_da = forms.CharField(
        label=_("2. Generelle bemærkninger"), required=False,
        widget=forms.Textarea(attrs={"class": "form-input input-width-xl", "rows": 8}),
    )
    other_matters_da = forms.CharField(
        label=_("4. Øvrige bemærkninger"), required=False,
        widget=forms.Textarea(attrs={"class": "form-input input-width-xl", "rows": 6}),
    )
