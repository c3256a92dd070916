"""The høringsnotat's content: what was said in a consultation and what the authority says to it.

`notat_build(consultation)` gathers plain data (NotatData) in a handful of queries through the
public read model (`publishing.selectors`) only: organisations by name, private persons by name
only when they consented, everything else by reference; quotes and campaign texts from the
published versions; unpublished responses in the annex by reference and kind only.
`to_json`/`from_json` store it with each publication. Rendering it to HTML/PDF/ODT/DOCX is
`publishing.notat_documents`; publishing a version is `services.notat_publish`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from samskab.consultations.models import Channel, Consultation, RespondentKind
from samskab.core.text import danish_sort_key
from samskab.publishing import selectors
from samskab.publishing.models import NotatText


@dataclass
class Party:
    name: str
    replied: bool


@dataclass
class Count:
    label: str
    count: int


@dataclass
class Campaign:
    label: str
    size: int
    excerpt: str


@dataclass
class Section:
    number: str
    title: str
    response_count: int
    summary: str
    quote: str
    respondents: list[str]
    position: str
    comments: str
    changes: str


@dataclass
class AnnexRow:
    reference: str
    respondent: str
    kind: str
    received: str
    channel: str
    late: bool


@dataclass
class NotatData:
    consultation_title: str
    authority: str
    opens: date
    closes: date
    days: int
    published_where: str
    parties: list[Party]
    other_respondents: list[str]
    total: int
    late: int
    by_kind: list[Count]
    by_channel: list[Count]
    campaigns: list[Campaign]
    general_remarks: str
    sections: list[Section]
    other_matters: str
    annex: list[AnnexRow] = field(default_factory=list)
    dated: date | None = None


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def notat_build(consultation: Consultation, *, dated: date | None = None) -> NotatData:
    """Everything the notat says, as plain data, read only through the public read model
    (`publishing.selectors`): quotes and campaign texts from published versions, citizens'
    names only with consent, unpublished responses by reference and kind only, idea names and
    keywords checked. `dated` is the notat's own date (its publication), default today."""
    with translation.override("da"):
        responses = selectors.notat_responses(consultation)
        kind_names = {value: str(label) for value, label in RespondentKind.choices}
        channel_names = {value: str(label) for value, label in Channel.choices}
        labels: dict[str, str] = {}
        annex, orgs = [], set()
        kinds, channels = Counter(), Counter()
        for r in responses:
            kinds[r.kind] += 1
            channels[r.channel] += 1
            if r.public:
                labels[r.reference] = r.label
                if r.kind != RespondentKind.CITIZEN and not r.label.startswith("Borger ("):
                    orgs.add(r.label)
                annex.append(AnnexRow(r.reference, r.label, kind_names.get(r.kind, r.kind),
                                      _local_date(r.received_at).strftime("%d.%m.%Y"),
                                      channel_names.get(r.channel, r.channel), r.late))
            else:
                annex.append(AnnexRow(r.reference, "(ikke offentliggjort)",
                                      kind_names.get(r.kind, r.kind), "", "", False))
        parties = sorted((Party(name, replied) for name, replied in
                          selectors.party_replies(consultation)),
                         key=lambda p: danish_sort_key(p.name))
        party_keys = {danish_sort_key(p.name) for p in parties}
        others = sorted((o for o in orgs if danish_sort_key(o) not in party_keys),
                        key=danish_sort_key)
        text = NotatText.objects.filter(consultation=consultation).first()
        published_where = (text.published_where if text and text.published_where else
                           settings.SITE_URL.rstrip("/")
                           + reverse("consultations:detail", args=[consultation.slug]))
        sections = _sections(selectors.notat_ideas(consultation), labels)
        return NotatData(
            consultation_title=consultation.title_da,
            authority=consultation.authority,
            opens=_local_date(consultation.opens_at),
            closes=_local_date(consultation.last_moment),
            days=consultation.period_days,
            published_where=published_where,
            parties=parties,
            other_respondents=others,
            total=len(responses),
            late=sum(1 for r in responses if r.late),
            by_kind=[Count(kind_names[k], kinds[k]) for k in RespondentKind.values if kinds[k]],
            by_channel=[Count(channel_names[c], channels[c]) for c in Channel.values
                        if channels[c]],
            campaigns=[Campaign(c.label, c.size, c.excerpt)
                       for c in selectors.campaigns(consultation)],
            general_remarks=text.general_remarks_da if text else "",
            sections=sections,
            other_matters=text.other_matters_da if text else "",
            annex=annex,
            dated=dated or timezone.localdate(),
        )


UNANSWERED = "Ikke behandlet endnu"


def _sections(ideas: list[selectors.NotatIdea], labels: dict[str, str]) -> list[Section]:
    sections = []
    for idea in ideas:
        count = len(idea.references)
        # Public responses by their public label, the others by reference only.
        named = sorted({labels.get(ref, ref) for ref in idea.references}, key=danish_sort_key)
        summary = (f"{count} høringssvar rejser dette forslag"
                   + (f" (nøgleord: {', '.join(idea.keywords)})." if idea.keywords else "."))
        if idea.position_kind:
            position, comments, changes = (idea.position_label, idea.justification,
                                           idea.changes)
        else:
            position, comments, changes = (UNANSWERED, "Styrelsen har endnu ikke taget stilling.",
                                           "")
        sections.append(Section(number="", title=idea.label, response_count=count,
                                summary=summary, quote=idea.quote, respondents=named,
                                position=position, comments=comments, changes=changes))
    # Ideas with a position first, the rest after, each by size.
    sections.sort(key=lambda s: (s.position == UNANSWERED, -s.response_count))
    for i, section in enumerate(sections, start=1):
        section.number = f"3.{i}"
    return sections


def to_json(data: NotatData) -> dict:
    """The notat's data as JSON (stored with each publication, so a published version is
    rendered, and re-rendered, from exactly what was published)."""
    out = asdict(data)
    for key in ("opens", "closes", "dated"):
        out[key] = out[key].isoformat() if out[key] else None
    return out


def from_json(raw: dict) -> NotatData:
    raw = dict(raw)
    for key in ("opens", "closes", "dated"):
        raw[key] = date.fromisoformat(raw[key]) if raw.get(key) else None
    raw["parties"] = [Party(**p) for p in raw["parties"]]
    raw["by_kind"] = [Count(**c) for c in raw["by_kind"]]
    raw["by_channel"] = [Count(**c) for c in raw["by_channel"]]
    raw["campaigns"] = [Campaign(**c) for c in raw["campaigns"]]
    raw["sections"] = [Section(**s) for s in raw["sections"]]
    raw["annex"] = [AnnexRow(**a) for a in raw["annex"]]
    return NotatData(**raw)
