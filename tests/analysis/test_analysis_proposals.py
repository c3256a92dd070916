"""Splitting responses into proposals, with offsets into the original text."""

import pytest
from analysis_cases import FORM_LETTER

from samskab.analysis.proposals import split, split_with_set_aside

pytestmark = pytest.mark.nodb


def texts(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split(text)]


def test_cue_phrases_start_proposals_and_greeting_and_signoff_are_left_out():
    got = texts(FORM_LETTER + "\nAnne Jensen")
    assert len(got) == 3
    assert got[0].startswith("Vi skriver som borgere")
    assert got[1].startswith("Vi foreslår, at alle grunddata")
    assert got[2].startswith("For det andet foreslår vi")
    assert not any("Kære" in t or "hilsen" in t or "Anne" in t for t in got)


def test_cues_inside_one_paragraph_split_it():
    text = ("Vi har læst udkastet med interesse og har flere bemærkninger til det. "
            "For det første bør alle kommuner offentliggøre deres budgetter som åbne data. "
            "For det andet skal høringsfristen være mindst fire uger. "
            "Desuden ønsker vi et lobbyregister for hele centraladministrationen.")
    got = texts(text)
    # the polite preamble ("Vi har læst udkastet med interesse") is set aside, not a proposal
    assert [t.split()[0:3] for t in got] == [
        ["For", "det", "første"], ["For", "det", "andet"], ["Desuden", "ønsker", "vi"]]
    _, aside = split_with_set_aside(text)
    assert [(text[a.start:a.end].split()[:3], a.reason) for a in aside] == [
        (["Vi", "har", "læst"], "courtesy")]


def test_numbered_and_bulleted_points_are_proposals_without_their_markers():
    text = ("Vores forslag:\n\n1. Åbne data.\n2. Flere dashboards til borgerne.\n"
            "3) Telemedicin i hele landet.\n- Open source i staten.\n• Gratis aktindsigt.")
    got = texts(text)
    assert got[-5:] == ["Åbne data.", "Flere dashboards til borgerne.",
                        "Telemedicin i hele landet.", "Open source i staten.",
                        "Gratis aktindsigt."]


def test_offsets_point_into_the_original_text():
    text = "  Kære minister\r\n\r\nVi foreslår åbne data for alle borgere i landet, og " \
           "vi foreslår også, at der laves dashboards.\r\n\r\nMvh\r\nOle  "
    for span in split(text):
        piece = text[span.start:span.end]
        assert piece == piece.strip() and piece
    assert texts(text)[0].startswith("Vi foreslår åbne data")


def test_a_short_response_is_one_proposal_and_an_empty_one_none():
    assert texts("Enig!") == ["Enig!"]
    assert texts("Kære minister\n\nJeg er helt enig.\n\nMvh\nOle") == ["Jeg er helt enig."]
    assert texts("   \n ") == []


def test_english_cues():
    text = ("We have read the draft plan and have several comments on it. Firstly, budgets "
            "should be published as open data. Secondly, consultation deadlines must be at "
            "least four weeks. Finally, we suggest a lobby register.")
    # three proposals; the preamble ("We have read the draft plan …") is set aside
    assert [text[s.start:s.end].split()[0] for s in split(text)] == [
        "Firstly,", "Secondly,", "Finally,"]


def test_ocr_noisy_text_is_split_all_the_same():
    text = ("Vi gnsker mere dbenhed i forvaltningen og vil gerne bidrage til hgringen. "
            "Vi foreslår, at alle dokumenter bliver 0ffentlige. Desuden bgr hgringsfristen "
            "forlænges til fire uger, så foreningerne kan nå at svare.")
    assert len(split(text)) == 3


@pytest.mark.parametrize(("sentence", "reason"), [
    ("Jeg har læst høringsbrevet og vil gerne bidrage.", "courtesy"),
    ("Tak for muligheden for at give input.", "courtesy"),
    ("Vi står gerne til rådighed for uddybning.", "courtesy"),
    ("Mit CPR-nummer er 010203-1234.", "about_respondent"),
    ("Som borger bruger jeg selvbetjeningen hver uge.", "about_respondent"),
    ("Vores forening har drøftet udkastet på et medlemsmøde.", "about_respondent"),
    ("Thank you for the opportunity to comment.", "courtesy"),
    ("Please do not hesitate to contact us.", "courtesy"),
    ("As a citizen of Aarhus I use digital services every day.", "about_respondent"),
    # an organisation's name as the subject
    ("Grøn Omstilling Nord har med stor interesse gennemgået høringsmaterialet.", "courtesy"),
    ("Foreningen for Bedre Byer og Veje har med interesse læst udkastet.", "courtesy"),
    ("Landsforeningen af Læsere hilser regeringens initiativ velkommen.", "courtesy"),
    ("Kystbyernes Netværk ser Open Government Partnership som en chance for dialog.",
     "courtesy"),
    ("Fjordvej Consulting ser positivt på handlingsplanen.", "courtesy"),
    ("The Open Rivers Trust welcomes the government's initiative.", "courtesy"),
    ("Citizens for Clarity have read the consultation letter with interest.", "courtesy"),
])
def test_pleasantries_are_set_aside_with_a_reason(sentence, reason):
    text = (f"{sentence}\n\nVi foreslår, at alle ministre offentliggør deres kalendere, så "
            "borgerne kan se, hvem de mødes med, og hvad møderne handler om i praksis.")
    spans, aside = split_with_set_aside(text)
    assert [text[s.start:s.end][:12] for s in spans] == ["Vi foreslår,"]
    assert [(text[a.start:a.end], a.reason) for a in aside] == [(sentence, reason)]


@pytest.mark.parametrize("sentence", [
    "Vi takker for høringen og foreslår, at fristen forlænges til seks uger.",
    "Som borger mener jeg, at kommunen bør offentliggøre sine budgetter.",
    "Thank you, and we urge you to publish the ministers' calendars.",
    # the same verbs about a matter of its own, or with a request, stay proposals
    "Foreningen hilser et lobbyregister velkommen og foreslår, at det bliver lovpligtigt.",
    "Byrådet ser OGP som en anledning, og derfor bør kommunen åbne sine data.",
])
def test_a_sentence_that_asks_for_something_is_kept(sentence):
    spans, aside = split_with_set_aside(sentence)
    assert len(spans) == 1 and aside == []


def test_greeting_and_signoff_with_name_are_set_aside_not_lost():
    text = ("Kære minister\n\nVi foreslår åbne kalendere for alle ministre, så borgerne kan "
            "følge med i, hvem der mødes med hvem, og hvorfor det sker.\n\n"
            "Med venlig hilsen\nAnne Jensen")
    spans, aside = split_with_set_aside(text)
    assert len(spans) == 1
    assert [(text[a.start:a.end], a.reason) for a in aside] == [
        ("Kære minister", "greeting"), ("Med venlig hilsen\nAnne Jensen", "signoff")]


def test_a_signoff_on_its_own_line_inside_a_paragraph_is_set_aside():
    text = ("Hej.\nVi foreslår åbne budgetter i alle kommuner, så borgerne kan følge med i, "
            "hvordan skattekronerne bruges.\nMed venlig hilsen\nBo")
    spans, aside = split_with_set_aside(text)
    assert [text[s.start:s.end] for s in spans] == [text[5:text.index("\nMed")]]
    assert [(text[a.start:a.end], a.reason) for a in aside] == [
        ("Hej.", "greeting"), ("Med venlig hilsen\nBo", "signoff")]


@pytest.mark.parametrize(("text", "starts"), [
    ("Kommunerne bør offentliggøre deres budgetter som åbne data hvert år. Det vil styrke "
     "tilliden til dem og gøre det lettere for borgerne at følge med. "
     "Staten skal oprette et lobbyregister, så alle kan se, hvem ministrene mødes med.",
     ["Kommunerne bør", "Staten skal"]),
    ("Hospitals should publish their waiting times every month. That would help patients "
     "choose where to go for treatment. Parliament must also protect whistleblowers in the "
     "public sector.",
     ["Hospitals should", "Parliament must"]),
    # a reason before the request stays with it; "ønsker" describing the writer is no request
    ("Vi er borgere, der ønsker et åbent land. Derfor bør alle data være gratis.",
     ["Vi er"]),
])
def test_each_request_is_a_proposal_with_its_reasons(text, starts):
    assert [" ".join(t.split()[:2]) for t in texts(text)] == starts
