"""Splitting responses into proposals, with offsets into the original text."""

import pytest
from analysis_cases import FORM_LETTER

from samskab.analysis.proposals import split

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
    assert [t.split()[0:3] for t in got] == [
        ["Vi", "har", "læst"], ["For", "det", "første"], ["For", "det", "andet"],
        ["Desuden", "ønsker", "vi"]]


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
    assert len(split(text)) == 4


def test_ocr_noisy_text_is_split_all_the_same():
    text = ("Vi gnsker mere dbenhed i forvaltningen og vil gerne bidrage til hgringen. "
            "Vi foreslår, at alle dokumenter bliver 0ffentlige. Desuden bgr hgringsfristen "
            "forlænges til fire uger, så foreningerne kan nå at svare.")
    assert len(split(text)) == 3
