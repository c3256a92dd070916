"""Real feedback from the EU "Have your say" portal (952 texts with form letters), when the
shared data directory is present; skipped in a fresh clone."""

import json
from pathlib import Path

import pytest

from samskab.analysis import Record, analyse

pytestmark = pytest.mark.nodb

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / \
    "eu_haveyoursay_feedback_snippets_cars2035.json"


@pytest.mark.skipif(not DATA.exists(), reason="shared real data not present")
def test_form_letters_in_real_feedback_are_found():
    texts = [item["text"] for item in json.loads(DATA.read_text(encoding="utf-8"))]
    result = analyse([Record(f"eu-{i}", t) for i, t in enumerate(texts)],
                     stages=["groups", "proposals"])
    largest = max(result.groups, key=lambda g: g.size)
    assert largest.size >= 30
    members = [texts[int(m.split("-")[1])] for m in largest.members]
    assert all("2030" in t and "2035" in t for t in members)
    languages = {r.language for r in result.responses}
    assert "en" in languages and "other" in languages
