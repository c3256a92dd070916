import pytest

from samskab.consultations import redaction

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    "text",
    ["mit cpr-nr. er 070382-1235.", "CPR 1211751234 tak", "cpr: 290200 1234", "(010180-1234)"],
)
def test_cpr_numbers_are_found_in_their_usual_spellings(text):
    kinds = [f.kind for f in redaction.find_personal_data(text)]
    assert kinds == ["cpr"]
    assert redaction.CPR_MASK in redaction.mask(text)


@pytest.mark.parametrize(
    "text",
    ["journalnummer 2011-4432", "telefon 20 45 67 89", "beløb 1.234.567 kr", "år 2012-2013",
     "dato 320182-1234"],
)
def test_things_that_are_not_cpr_numbers_are_left_alone(text):
    assert "cpr" not in [f.kind for f in redaction.find_personal_data(text)]


def test_emails_and_phones_are_masked_cpr_first():
    text = "Skriv til søren@mail.example eller ring +45 20 45 67 89; cpr 070382-1235."
    masked = redaction.mask(text)
    assert "søren@mail.example" not in masked
    assert "20 45 67 89" not in masked
    assert "070382" not in masked
    assert masked.count("fjernet") == 3


def test_mask_only_selected_kinds():
    text = "070382-1235 og a@b.dk"
    assert redaction.mask(text, frozenset({"cpr"})) == f"{redaction.CPR_MASK} og a@b.dk"


@pytest.mark.parametrize("value", ["", "Forening", "Forening 12", "0101901234", "Ane 010190-1234",
                                   "Tlf 12 34 56 78"])
def test_mask_cpr_gives_what_the_full_mask_gives(value):
    from samskab.consultations.redaction import mask, mask_cpr

    assert mask_cpr(value) == (mask(value, frozenset({"cpr"})) if value else value)
