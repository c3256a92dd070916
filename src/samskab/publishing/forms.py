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


class BulkPositionForm(forms.Form):
    """One position for many small ideas at once (the long tail before publication)."""

    ideas = forms.MultipleChoiceField(
        label=_("Idéer"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én idé.")},
    )
    kind = forms.ChoiceField(label=_("Stillingtagen"), choices=[
        ("not_adopted", _("Ikke taget med")),
        ("out_of_scope", _("Uden for handlingsplanens rammer")),
    ], initial="not_adopted", widget=forms.Select(attrs={"class": "form-select"}))
    justification_da = forms.CharField(
        label=_("Begrundelse (dansk)"), initial=_("Taget til efterretning."),
        widget=forms.Textarea(attrs={"class": "form-input input-width-xl", "rows": 3}),
        error_messages={"required": _("Skriv en begrundelse.")},
    )

    def __init__(self, *args, ideas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ideas"].choices = [
            (str(idea.pk), f"{idea.label} ({idea.n})") for idea in ideas
        ]
