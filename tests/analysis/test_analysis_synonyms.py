"""Synonyms learnt from the consultation's co-occurrences (``samskab.analysis.synonyms``)."""

import pytest

from samskab.analysis.ideas import IdeaIndex, IdeaParams
from samskab.analysis.synonyms import learn_synonyms

pytestmark = pytest.mark.nodb

CONTEXTS = [("minist", "offentlig", "uge"), ("borg", "kommun", "net"),
            ("data", "gratis", "adress"), ("frist", "hoering", "uge"),
            ("budget", "regnskab", "csv")]


def corpus() -> list[tuple[str, ...]]:
    """"kalend" and "dagbog" keep the same company and never meet; "moed" meets "kalend"."""
    out = []
    for k, ctx in enumerate(CONTEXTS):
        for rep in range(6):
            out.append(tuple(sorted({"kalend", *ctx, f"x{k}{rep}"})))
            out.append(tuple(sorted({"dagbog", *ctx, f"y{k}{rep}"})))
            if rep < 2:
                out.append(tuple(sorted({"moed", "kalend", ctx[0], ctx[1]})))
    return out


def test_substitutes_are_joined_and_words_that_meet_are_not():
    syn = learn_synonyms(corpus(), min_df=3, threshold=0.5)
    assert syn.get("dagbog") == "kalend"  # the rarer joins the commoner
    assert "moed" not in syn and "moed" not in syn.values()
    assert all(b not in syn for b in syn.values())  # no chains
    assert learn_synonyms(corpus(), min_df=3, threshold=0.5) == syn  # deterministic
    assert learn_synonyms(corpus(), min_df=3, threshold=0.99) == {}


def test_ideas_use_learnt_synonyms_and_keep_them_in_the_state():
    rows = corpus()
    ids = [f"p{i}" for i in range(len(rows))]
    on = IdeaIndex(params=IdeaParams(synonym_threshold=0.5))
    on.cluster(ids, [list(r) for r in rows], [{t: t for t in r} for r in rows])
    assert on.synonyms.get("dagbog") == "kalend"
    back = IdeaIndex.from_json(on.to_json())
    assert back.synonyms == on.synonyms
    off = IdeaIndex(params=IdeaParams())
    off.cluster(ids, [list(r) for r in rows], [{t: t for t in r} for r in rows])
    assert off.synonyms == {}
