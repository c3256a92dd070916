"""Samskab's analysis engine: campaigns, proposals, ideas and tags, Danish first.

A pure-Python library (numpy, snowballstemmer, xxhash; Dask optional) that imports nothing
from Django. The platform feeds it plain records and stores the plain results it returns; the
``samskab analyse`` command runs it on a JSONL file (:mod:`samskab.analysis.cli`).

Public API::

    from samskab.analysis import Record, Theme, analyse, Analyser

    result = analyse([Record(id="r-1", text="Vi foreslår ..."), ...],
                     stages=("groups", "proposals", "ideas", "tags"),
                     themes=[Theme("sundhed", ("sundhed", "telemedicin"))],
                     dask_address=None)
    result.responses   # [ResponseAnalysis(id, language, group, proposals, tags)]
    result.groups      # [Group(id, members, canonical, template, additions)]
    result.ideas       # [Idea(id, label, keywords, members, representative)]
    result.summary     # counts and seconds per stage

    analyser = Analyser(themes=...)       # the incremental form
    analyser.fit(records)                 # a batch
    analyser.add(Record(...))             # one more response, against what is known
    analyser.feedback(text, "GC2", True)  # staff confirmed a tag: the model learns
    analyser.save(path); Analyser.load(path)

How it works (details in each module's docstring and in README.md beside this file):

- :mod:`.text` — normal form (lower case, æ/ae ø/oe å/aa folded), OCR repair learnt from the
  corpus, language detection, Snowball stems, stop words, character n-grams.
- :mod:`.hashing` — the vectorised part: words hashed from bytes with numpy, template slots of
  "mad-libs" campaigns learnt and collapsed, word 3-shingles, one-permutation MinHash.
- :mod:`.groups` — LSH banding with star links (never all pairs), verification, connected
  components, canonical member, template and each member's personal additions.
- :mod:`.proposals` — proposals with character offsets into the original text.
- :mod:`.ideas` — TF-IDF leader clustering of proposals with a pair-of-top-terms index.
- :mod:`.tags` — lexicon-initialised, online-learnt, calibrated logistic tag scores; review
  order; evaluation.
- :mod:`.engine` — the :class:`Analyser` (state, incremental add, save/load) and
  :func:`analyse`; :mod:`.dask_backend` — the signature stage on a Dask cluster.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Analyser, analyse
    from .groups import GroupParams
    from .ideas import IdeaParams
    from .tags import TagModel, Theme, evaluate, review_order
    from .types import (
        STAGES,
        AnalysisResult,
        Group,
        Idea,
        Proposal,
        Record,
        RecordHead,
        ResponseAnalysis,
        SetAside,
        TagScore,
    )

# Imported on first use (PEP 562), so that ``samskab analyse`` can start its worker processes
# before it imports numpy and the stages, and a module of the package costs only its own imports.
_WHERE = {
    "Analyser": "engine", "analyse": "engine", "GroupParams": "groups", "IdeaParams": "ideas",
    "TagModel": "tags", "Theme": "tags", "evaluate": "tags", "review_order": "tags",
    **dict.fromkeys(("STAGES", "AnalysisResult", "Group", "Idea", "Proposal", "Record",
                     "RecordHead", "ResponseAnalysis", "SetAside", "TagScore"), "types"),
}

__all__ = [
    "STAGES", "AnalysisResult", "Analyser", "Group", "GroupParams", "Idea", "IdeaParams",
    "Proposal", "Record", "RecordHead", "ResponseAnalysis", "SetAside", "TagModel",
    "TagScore", "Theme", "analyse", "evaluate", "review_order",
]


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
