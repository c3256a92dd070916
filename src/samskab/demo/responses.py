"""Deterministic synthetic responses for the 2012 demo consultation.

`demo_responses()` returns the same list every time (seeded): individual answers from every kind
of respondent in Danish and some English, two form-letter campaigns with personal edits, a few
late e-mails, a few answers with attachments and one scanned paper letter.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from samskab.demo import files, phrases

CPH = ZoneInfo("Europe/Copenhagen")
OPENS = datetime(2012, 2, 3, 9, 0, tzinfo=CPH)
CLOSES = datetime(2012, 3, 1, 0, 0, tzinfo=CPH)


@dataclass
class DemoAttachment:
    name: str
    data: bytes
    mime_type: str


@dataclass
class DemoResponse:
    key: str
    kind: str
    name: str
    organisation: str
    email: str
    text: str
    language: str
    channel: str
    received_at: datetime
    consent_publish_name: bool
    consent_publish_response: bool = True
    attachments: list[DemoAttachment] = field(default_factory=list)
    campaign: str = ""


def _person(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(phrases.FIRST_NAMES)
    last = rng.choice(phrases.LAST_NAMES)
    local = f"{first}.{last}".lower()
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        local = local.replace(danish, ascii_)
    return f"{first} {last}", f"{local}{rng.randint(1, 99)}@mail.example"


def _when(rng: random.Random) -> datetime:
    # More answers arrive near the deadline, as in real consultations.
    span = (CLOSES - OPENS).total_seconds() - 3600
    fraction = rng.random() ** 0.6
    return OPENS + timedelta(seconds=int(span * fraction))


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    i = rng.randrange(len(words))
    word = words[i]
    if len(word) > 4:
        j = rng.randrange(1, len(word) - 2)
        words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2:]
    return " ".join(words)


def _org_domain(organisation: str) -> str:
    slug = organisation.lower()
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        slug = slug.replace(danish, ascii_)
    return "".join(ch for ch in slug if ch.isalnum())[:24] + ".example"


def _citizen_answer(rng: random.Random, n: int) -> DemoResponse:
    name, email = _person(rng)
    english = rng.random() < 0.06
    if english:
        theme = rng.choice(sorted(phrases.PROPOSALS_EN))
        body = " ".join(rng.sample(phrases.PROPOSALS_EN[theme],
                                   k=min(2, len(phrases.PROPOSALS_EN[theme]))))
        text = f"Hello,\n\n{body}\n\nKind regards\n{name}"
        language = "en"
    else:
        themes = rng.sample(sorted(phrases.PROPOSALS_DA), k=rng.choice([1, 1, 2]))
        proposals = [rng.choice(phrases.PROPOSALS_DA[t]) for t in themes]
        parts = [rng.choice(phrases.OPENINGS_DA["citizen"]),
                 rng.choice(phrases.INTROS_DA["citizen"]), "\n\n".join(proposals),
                 f"{rng.choice(phrases.CLOSINGS_DA['citizen'])}\n{name}"]
        text = "\n\n".join(p for p in parts if p)
        language = "da"
    channel = rng.choices(["email", "web", "import", "api"], weights=[68, 18, 8, 6])[0]
    return DemoResponse(
        key=f"citizen-{n}", kind="citizen", name=name, organisation="", email=email, text=text,
        language=language, channel=channel, received_at=_when(rng),
        consent_publish_name=rng.random() < 0.4, consent_publish_response=rng.random() > 0.05,
    )


def _organisation_answer(rng: random.Random, n: int, kind: str, organisation: str) -> DemoResponse:
    contact, _ = _person(rng)
    email = f"post@{_org_domain(organisation)}"
    intro_kind = "authority" if kind.startswith("authority") else kind
    english = rng.random() < 0.08
    themes = rng.sample(sorted(phrases.PROPOSALS_DA), k=rng.choice([2, 3, 4]))
    if english:
        en_themes = rng.sample(sorted(phrases.PROPOSALS_EN), k=2)
        points = [rng.choice(phrases.PROPOSALS_EN[t]) for t in en_themes]
        body = "\n\n".join(f"{i}. {p}" for i, p in enumerate(points, start=1))
        text = (f"Dear Agency for Digitisation,\n\n{organisation} welcomes Denmark's "
                f"participation in the Open Government Partnership and proposes the "
                f"following.\n\n{body}\n\nYours sincerely\n{contact}\n{organisation}")
        language = "en"
    else:
        points = [rng.choice(phrases.PROPOSALS_DA[t]) for t in themes]
        style = rng.choice(["numbered", "ordinal", "paragraphs"])
        if style == "numbered":
            body = "\n\n".join(f"{i}. {p}" for i, p in enumerate(points, start=1))
        elif style == "ordinal":
            body = "\n\n".join(
                f"{phrases.ORDINALS_DA[i]}: {p[0].lower()}{p[1:]}" for i, p in enumerate(points)
            )
        else:
            body = "\n\n".join(points)
        intro = rng.choice(phrases.INTROS_DA[intro_kind]).format(org=organisation)
        closing = rng.choice(phrases.CLOSINGS_DA["org"])
        opening = rng.choice(phrases.OPENINGS_DA["org"])
        text = f"{opening}\n\n{intro}\n\n{body}\n\n{closing}\n{contact}\n{organisation}"
        language = "da"
    return DemoResponse(
        key=f"org-{n}", kind=kind, name=contact, organisation=organisation, email=email,
        text=text, language=language,
        channel=rng.choices(["email", "web"], weights=[80, 20])[0], received_at=_when(rng),
        consent_publish_name=True,
    )


def _campaign_open_data(rng: random.Random, n: int) -> DemoResponse:
    name, email = _person(rng)
    text = phrases.CAMPAIGN_OPEN_DATA
    if rng.random() < 0.35:
        text = f"{text} {rng.choice(phrases.CAMPAIGN_OPEN_DATA_ADDITIONS)}"
    if rng.random() < 0.3:
        text = _typo(rng, text)
    greeting = rng.choice(["Hej", "Kære Digitaliseringsstyrelse", "Til OGP-sekretariatet", ""])
    text = "\n\n".join(p for p in [greeting, text, f"Venlig hilsen\n{name}"] if p)
    return DemoResponse(
        key=f"campaign-open-data-{n}", kind="citizen", name=name, organisation="", email=email,
        text=text, language="da", channel="email", received_at=_when(rng),
        consent_publish_name=rng.random() < 0.5, campaign="aabne-data-nu",
    )


def _campaign_open_source(rng: random.Random, n: int) -> DemoResponse:
    name, email = _person(rng)
    text = phrases.CAMPAIGN_OPEN_SOURCE
    for old, new in rng.sample(phrases.CAMPAIGN_OPEN_SOURCE_SWAPS, k=rng.randint(0, 2)):
        text = text.replace(old, new)
    if rng.random() < 0.25:
        text = _typo(rng, text)
    kind = "business" if rng.random() < 0.2 else "citizen"
    organisation = rng.choice(phrases.ORGANISATIONS["business"]) if kind == "business" else ""
    return DemoResponse(
        key=f"campaign-open-source-{n}", kind=kind, name=name, organisation=organisation,
        email=email, text=f"{text}\n\nMvh. {name}", language="da", channel="email",
        received_at=_when(rng), consent_publish_name=rng.random() < 0.5,
        campaign="fri-software",
    )


def _with_attachment(rng: random.Random, response: DemoResponse, n: int) -> DemoResponse:
    paragraphs = [p for p in response.text.split("\n\n") if p.strip()]
    fmt = ["docx", "pdf"][n % 2]
    title = f"Høringssvar fra {response.organisation}"
    if fmt == "docx":
        data = files.docx_bytes(title, paragraphs)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        data = files.pdf_bytes(title, paragraphs)
        mime = "application/pdf"
    response.attachments.append(DemoAttachment(f"hoeringssvar-ogp.{fmt}", data, mime))
    response.text = (
        f"Til Digitaliseringsstyrelsen\n\nHermed {response.organisation}s høringssvar "
        f"vedrørende OGP-handlingsplanen, se vedhæftede fil.\n\nMed venlig hilsen\n"
        f"{response.name}"
    )
    response.channel = "email"
    return response


def _scanned_letter(rng: random.Random) -> DemoResponse:
    name = "Karen Holm Bæk"
    paragraphs = [
        "Til Digitaliseringsstyrelsen",
        "Jeg skriver dette brev, fordi jeg ikke bruger e-mail.",
        "Jeg foreslår, at kommunen også i fremtiden tilbyder personlig betjening til ældre, "
        "der ikke kan bruge selvbetjeningsløsningerne, og at breve fra det offentlige skrives "
        "i et sprog, man kan forstå.",
        f"Venlig hilsen\n{name}",
    ]
    return DemoResponse(
        key="letter-1", kind="citizen", name=name, organisation="", email="", text="",
        language="da", channel="letter", received_at=datetime(2012, 2, 27, 10, 0, tzinfo=CPH),
        consent_publish_name=False,
        attachments=[DemoAttachment("brev-scannet.png", files.scanned_letter_png(paragraphs),
                                    "image/png")],
    )


def demo_responses(seed: int = 2012) -> list[DemoResponse]:
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data, not security
    out: list[DemoResponse] = []
    out.extend(_citizen_answer(rng, n) for n in range(190))
    n = 0
    for kind, organisations in sorted(phrases.ORGANISATIONS.items()):
        for organisation in organisations:
            out.append(_organisation_answer(rng, n, kind, organisation))
            n += 1
    # Some organisations answer twice (a short note and a longer answer) or several units do.
    for _ in range(30):
        kind = rng.choice(sorted(phrases.ORGANISATIONS))
        out.append(_organisation_answer(rng, n, kind, rng.choice(phrases.ORGANISATIONS[kind])))
        n += 1
    for i, response in enumerate(r for r in out if r.kind != "citizen" and r.language == "da"):
        if i % 9 == 4 and len([r for r in out if r.attachments]) < 6:
            _with_attachment(rng, response, i)
    out.extend(_campaign_open_data(rng, i) for i in range(42))
    out.extend(_campaign_open_source(rng, i) for i in range(26))
    # Late e-mails: the deadline has passed, but e-mail cannot be refused; they are flagged.
    for i, day in enumerate((1, 1, 2, 5)):
        late = _citizen_answer(rng, 1000 + i)
        late.key = f"late-{i}"
        late.channel = "email"
        late.received_at = datetime(2012, 3, day, 8 + 2 * i, 15, tzinfo=CPH)
        out.append(late)
    out.append(_scanned_letter(rng))
    # Personal data people really do write into answers; it must never be published unmasked.
    out[7].text += "\n\nI kan ringe til mig på 20 45 67 89, mit cpr-nr. er 070382-1235."
    out[23].text += "\n\nMin sag har journalnummer 2011-4432, CPR 1211751234."
    return out
