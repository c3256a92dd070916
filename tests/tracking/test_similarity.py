"""Danish commitments find their English (and Danish) counterparts abroad."""

from samskab.tracking import similarity

FOREIGN = [
    ("GB0001", "Open data portal for public spending. Publish all central government spending "
               "as open data in machine-readable form.", None),
    ("NO0003", "Citizen participation in municipal planning. Municipalities shall involve "
               "citizens in planning through online consultation and public hearings.", None),
    ("KE0001", "Beneficial ownership register. Create a public register of the beneficial "
               "owners of companies.", None),
    ("ZA0011", "Service delivery complaints hotline with monthly resolution statistics.", None),
    ("DK0002", "Åbne grunddata: adresser, kort og ejendomsdata stilles frit til rådighed.", None),
]


def index():
    return similarity.SimilarityIndex(FOREIGN)


def test_danish_finds_the_english_commitment_on_the_same_subject():
    cases = {
        "Alle statslige udgifter offentliggøres som åbne, maskinlæsbare data.": "GB0001",
        "Borgerinddragelse i kommunal planlægning gennem en høringsportal.": "NO0003",
        "Et offentligt register over virksomheders reelle ejere.": "KE0001",
        "Kommunerne skal inddrage borgerne i planlægningen.": "NO0003",
    }
    for text, expected in cases.items():
        matches = index().most_similar(text, k=3)
        assert matches and matches[0].id == expected, (text, matches)


def test_compounds_are_split_into_known_parts():
    bag = similarity.features("høringsportal borgerinddragelse ejendomsdata", "da")
    for stem in ("consult", "portal", "citizen", "particip", "properti", "data"):
        assert stem in bag, (stem, bag)


def test_inflected_danish_words_meet_the_glossary():
    assert "municip" in similarity.features("kommunerne", "da")
    assert "municip" in similarity.features("kommune", "da")


def test_danish_meets_danish_on_words_the_glossary_lacks():
    matches = index().most_similar("Grunddata og ejendomsdata til alle, adresser frit", k=1)
    assert matches[0].id == "DK0002"


def test_a_match_says_which_words_it_shares_in_readable_form():
    best = index().most_similar("Et offentligt register over virksomheders reelle ejere.")[0]
    assert {"beneficial", "register", "owners"} <= set(best.shared)
    assert 0 < best.score <= 1


def test_unrelated_text_finds_nothing_and_order_is_stable():
    assert index().most_similar("Bedre cykelstier i København.") == []
    a = index().most_similar("offentlige data", k=5, min_score=0)
    b = index().most_similar("offentlige data", k=5, min_score=0)
    assert a == b
    scores = [m.score for m in a]
    assert scores == sorted(scores, reverse=True)


def test_an_empty_index_answers_empty():
    assert similarity.SimilarityIndex([]).most_similar("åbne data") == []
