"""Forms of the plan editor's pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.models import GrandChallenge, OgpValue, Organisation
from samskab.plans.models import MilestoneStatus, StrategyInitiative

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class PlanForm(forms.Form):
    title_da = forms.CharField(label=_("Titel (dansk)"), max_length=300)
    title_en = forms.CharField(label=_("Titel (engelsk)"), max_length=300, required=False)
    country = forms.CharField(label=_("Land"), max_length=2, initial="DK",
                              help_text=_("ISO 3166-1 alpha-2, fx DK."))
    period_start = forms.DateField(label=_("Periode fra"), required=False, widget=DATE)
    period_end = forms.DateField(label=_("Periode til"), required=False, widget=DATE)
    uses_grand_challenges = forms.BooleanField(
        label=_("Planen bruger OGP's hovedudfordringer (2012)"), required=False, initial=True)
    consultation = forms.ModelChoiceField(label=_("Høringen planen bygger på"), queryset=None,
                                          required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from samskab.consultations.models import Consultation

        self.fields["consultation"].queryset = Consultation.objects.filter(
            plan_version__isnull=True)

    @classmethod
    def initial_for(cls, plan) -> dict:
        return {name: getattr(plan, name) for name in cls.base_fields if name != "consultation"
                } | {"consultation": plan.consultation_id}

    def service_kwargs(self) -> dict:
        """The cleaned input as `services.plan_save` takes it."""
        return dict(self.cleaned_data)


class CommitmentForm(forms.Form):
    identifier = forms.CharField(label=_("Nummer"), max_length=20, required=False,
                                 help_text=_("Fx DK0001. Tomt: næste ledige nummer."))
    title_da = forms.CharField(label=_("Titel (dansk)"), max_length=300)
    title_en = forms.CharField(label=_("Titel (engelsk)"), max_length=300, required=False)
    problem_da = forms.CharField(label=_("Problemet (dansk)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Det offentlige problem forpligtelsen løser, med "
                                             "udgangspunktet i dag. Afsnit adskilles af en "
                                             "tom linje."))
    problem_en = forms.CharField(label=_("Problemet (engelsk)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    description_da = forms.CharField(label=_("Hvad forpligtelsen er (dansk)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}),
                                     help_text=_("Mål og forventede resultater."))
    description_en = forms.CharField(label=_("Hvad forpligtelsen er (engelsk)"),
                                     required=False, widget=forms.Textarea(attrs={"rows": 3}))
    how_it_helps_da = forms.CharField(label=_("Hvordan den løser problemet (dansk)"),
                                      required=False, widget=forms.Textarea(attrs={"rows": 3}))
    how_it_helps_en = forms.CharField(label=_("Hvordan den løser problemet (engelsk)"),
                                      required=False, widget=forms.Textarea(attrs={"rows": 3}))
    relevance_da = forms.CharField(label=_("Relevans for OGP's værdier (dansk)"),
                                   required=False, widget=forms.Textarea(attrs={"rows": 3}))
    relevance_en = forms.CharField(label=_("Relevans for OGP's værdier (engelsk)"),
                                   required=False, widget=forms.Textarea(attrs={"rows": 3}))
    ambition_da = forms.CharField(label=_("Ambition (dansk)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    ambition_en = forms.CharField(label=_("Ambition (engelsk)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    ogp_values = forms.MultipleChoiceField(label=_("OGP-værdier"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    grand_challenges = forms.MultipleChoiceField(label=_("Hovedudfordringer"), required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    themes = forms.CharField(label=_("Temaer"), required=False,
                             help_text=_("Adskilt af komma."))
    lead_agency = forms.ModelChoiceField(label=_("Ansvarlig myndighed"), required=False,
                                         queryset=Organisation.objects.none())
    contact_name = forms.CharField(label=_("Kontaktperson"), max_length=200, required=False)
    contact_title = forms.CharField(label=_("Stilling"), max_length=200, required=False)
    contact_department = forms.CharField(label=_("Afdeling"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    contact_phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    actors_government = forms.CharField(label=_("Andre offentlige aktører"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text=_("Én pr. linje."))
    actors_civil_society = forms.CharField(label=_("Civilsamfundet"), required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}),
                                           help_text=_("Én pr. linje."))
    actors_private_sector = forms.CharField(
        label=_("Private, multilaterale og arbejdsgrupper"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Én pr. linje."))
    new_initiative = forms.BooleanField(label=_("Nyt initiativ"), required=False)
    existing_strategy = forms.ModelChoiceField(
        label=_("Viderefører initiativ i eksisterende strategi"), required=False,
        queryset=StrategyInitiative.objects.none())
    existing_strategy_text = forms.CharField(
        label=_("Viderefører (anden strategi eller indsats)"), max_length=300, required=False)
    period_start = forms.DateField(label=_("Start"), required=False, widget=DATE)
    period_end = forms.DateField(label=_("Slut"), required=False, widget=DATE)
    budget = forms.CharField(label=_("Budget"), max_length=300, required=False)

    LIST_FIELDS = ("actors_government", "actors_civil_society", "actors_private_sector")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ogp_values"].choices = [(v.code, v.title) for v in OgpValue.objects.all()]
        self.fields["grand_challenges"].choices = [
            (g.code, str(g)) for g in GrandChallenge.objects.all()]
        self.fields["lead_agency"].queryset = Organisation.objects.all()
        self.fields["existing_strategy"].queryset = (
            StrategyInitiative.objects.select_related("strategy"))

    @classmethod
    def initial_for(cls, c) -> dict:
        data = {name: getattr(c, name) for name in cls.base_fields
                if name not in ("ogp_values", "grand_challenges", "themes", "lead_agency",
                                "existing_strategy", *cls.LIST_FIELDS)}
        data.update(
            ogp_values=[v.code for v in c.ogp_values.all()],
            grand_challenges=[g.code for g in c.grand_challenges.all()],
            themes=", ".join(c.themes or []), lead_agency=c.lead_agency_id,
            existing_strategy=c.existing_strategy_id,
            **{f: "\n".join(getattr(c, f) or []) for f in cls.LIST_FIELDS})
        return data

    def service_kwargs(self) -> dict:
        """The cleaned input as `services.commitment_save` takes it."""
        d = dict(self.cleaned_data)
        values = {k: v for k, v in d.items()
                  if k not in ("identifier", "ogp_values", "grand_challenges", "lead_agency",
                               "existing_strategy")}
        values["themes"] = [t.strip() for t in (d.get("themes") or "").split(",") if t.strip()]
        for f in self.LIST_FIELDS:
            values[f] = _lines(d.get(f) or "")
        for k, v in list(values.items()):
            if v is None and k not in ("period_start", "period_end"):
                values[k] = ""
        return {"values": values, "identifier": d.get("identifier") or "",
                "ogp_values": list(d.get("ogp_values") or []),
                "grand_challenges": list(d.get("grand_challenges") or []),
                "lead_agency": d.get("lead_agency"),
                "existing_strategy": d.get("existing_strategy")}


class MilestoneForm(forms.Form):
    identifier = forms.CharField(label=_("Nummer"), max_length=30, required=False)
    title_da = forms.CharField(label=_("Aktivitet (dansk)"), max_length=500)
    title_en = forms.CharField(label=_("Aktivitet (engelsk)"), max_length=500, required=False)
    deliverable_da = forms.CharField(
        label=_("Leverance, der kan efterprøves (dansk)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hvad offentliggøres, vedtages, lanceres eller nås – og hvornår."))
    deliverable_en = forms.CharField(label=_("Leverance (engelsk)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    start = forms.DateField(label=_("Start"), required=False, widget=DATE)
    end = forms.DateField(label=_("Slut"), required=False, widget=DATE)
    new = forms.BooleanField(label=_("Ny (ikke en igangværende aktivitet)"), required=False,
                             initial=True)
    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices,
                               initial=MilestoneStatus.NOT_STARTED)

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        identifier = d.pop("identifier") or ""
        return {"values": d, "identifier": identifier}


class VersionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PublishForm(forms.Form):
    closes_at = forms.DateField(label=_("Frist for kommentarer"), widget=DATE,
                                help_text=_("OGP's vejledning: mindst to uger."))


class StrategyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Strategiens initiativer (JSON)"),
        help_text=_("En JSON-fil med slug, title og en liste initiatives (identifier, title, "
                    "text)."))


class CommentForm(forms.Form):
    """A public comment on a draft plan (whole plan, a commitment or one paragraph)."""

    text = forms.CharField(label=_("Din kommentar"), widget=forms.Textarea(attrs={"rows": 6}))
    paragraph = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Navn"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False,
                             help_text=_("Bruges kun til kvittering; offentliggøres aldrig."))
    organisation = forms.CharField(label=_("Organisation"), max_length=300, required=False)
    consent_publish_name = forms.BooleanField(
        label=_("Mit navn må offentliggøres sammen med kommentaren"), required=False)
