"""Staff forms of the analysis pages (DKFDS-rendered through web/_field.html)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.insights.models import Idea, PositionKind, Proposal, ResponseGroup


class TagDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("Bekræft")), ("reject", _("Afvis"))])
    next = forms.CharField(required=False)


class RenameForm(forms.Form):
    label = forms.CharField(label=_("Nyt navn"), max_length=300)


class IdeaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Idea) -> str:
        return f"{obj.label} ({obj.response_count})"


class IdeaMergeForm(forms.Form):
    target = IdeaChoiceField(label=_("Flet ind i idéen"), queryset=Idea.objects.none())
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, idea: Idea, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets.exclude(pk=idea.pk)


class IdeaSplitForm(forms.Form):
    label = forms.CharField(label=_("Navn på den nye idé"), max_length=300)
    proposals = forms.ModelMultipleChoiceField(
        label=_("Forslag der flyttes til den nye idé"), queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = proposals


class ProposalMoveForm(forms.Form):
    idea = IdeaChoiceField(label=_("Flyt til idéen"), queryset=Idea.objects.none(),
                           required=False, empty_label=_("(ingen idé)"))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idea"].queryset = targets


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ResponseGroup) -> str:
        return f"{obj.label} ({obj.size})"


class GroupMergeForm(forms.Form):
    target = GroupChoiceField(label=_("Flet ind i gruppen"), queryset=ResponseGroup.objects.none())
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class PositionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Stillingtagen"), choices=PositionKind.choices,
                             widget=forms.RadioSelect)
    justification_da = forms.CharField(
        label=_("Begrundelse (dansk)"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Vises offentligt på siden »Det sagde I – det gør vi«."))
    justification_en = forms.CharField(label=_("Begrundelse (engelsk)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 4}))
    existing_strategy = forms.CharField(
        label=_("Eksisterende strategi"), required=False, max_length=300,
        help_text=_("Skal udfyldes, når forslaget allerede er dækket."))
