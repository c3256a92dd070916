"""Normal form, OCR repair, language detection and stems on small Danish cases."""

import pytest

from samskab.analysis import text as tx

pytestmark = pytest.mark.nodb


def test_danish_letters_and_digraphs_share_one_normal_form():
    assert tx.fold("Høring") == tx.fold("hoering") == tx.fold("HØRING") == "hoering"
    assert tx.fold("Åbenhed") == tx.fold("aabenhed")
    assert tx.fold("Ærlig") == tx.fold("aerlig")
    assert tx.fold("Öppen") == tx.fold("øppen")


def test_stems_join_inflections_and_spellings():
    assert tx.stem(tx.fold("høringerne")) == tx.stem(tx.fold("hoeringerne"))
    assert tx.stem(tx.fold("borgerne")) == tx.stem(tx.fold("borgere"))
    assert tx.stem("publishing", "en") == tx.stem("published", "en")


@pytest.mark.parametrize("written, meant", [
    ("dbenhed", "åbenhed"),      # å read as d
    ("hgring", "høring"),        # ø read as g
    ("0ffentlige", "offentlige"),  # zero for o
    ("hgringsfrist", "høringsfrist"),
])
def test_speller_repairs_ocr_damage(written, meant):
    speller = tx.Speller(["åbenhed", "høring", "høringsfrist", "offentlige"])
    assert speller.correct(written) == meant


def test_speller_learns_frequent_words_from_the_corpus_and_leaves_known_words_alone():
    speller = tx.Speller().learn(["Vi ønsker gennemsigtighed i forvaltningen."] * 3)
    assert speller.correct("gennemsigtighcd") == "gennemsigtighed"
    assert speller.correct("forvaltningen") == "forvaltningen"
    assert speller.correct("xyzzyq") == "xyzzyq"


def test_normalise_repairs_ocr_text_into_the_same_words_as_clean_text():
    speller = tx.Speller(["åbenhed", "høring", "offentlige"])
    clean = tx.normalise("Mere åbenhed i den offentlige høring", speller)
    noisy = tx.normalise("Mere dbenhed i den 0ffentlige hgring", speller)
    assert clean == noisy


@pytest.mark.parametrize("text, language", [
    ("Vi foreslår, at kommunerne offentliggør deres budgetter, så borgerne kan se dem.", "da"),
    ("Vi foreslaar, at kommunerne offentliggoer deres budgetter, saa borgerne kan se dem.",
     "da"),
    ("Telemedicin giver patienter bedre behandling.", "da"),
    ("We propose that the ministries publish their budgets as open data.", "en"),
    ("Wir fordern mehr Transparenz und die Veröffentlichung von Daten durch die Behörden.",
     "other"),
    ("Vi kräver mer öppenhet och att myndigheterna publicerar data för alla.", "other"),
    ("", "other"),
])
def test_language_detection(text, language):
    assert tx.detect_language(text) == language


def test_character_ngrams_find_the_word_inside_a_compound():
    inside = set(tx.char_ngrams("inddragelse", sizes=(4,))) - {"<ind", "lse>"}
    assert inside <= set(tx.char_ngrams("borgerinddragelse", sizes=(4,)))


def test_content_stems_drop_stop_words():
    stems = tx.content_stems(tx.normalise("Vi mener, at det er vigtigt med åbne data"), "da")
    assert "vi" not in stems and "det" not in stems
    assert tx.stem("data") in stems
