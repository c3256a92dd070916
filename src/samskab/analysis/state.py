"""The analyser's state on disk: ``state.json`` and ``arrays.npz`` of plain arrays, never pickle
(a state file may come from elsewhere)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
import numpy as np

from . import groups as gr
from . import hashing
from . import text as tx
from .groupstage import _GroupState
from .ideas import IdeaIndex, json_default
from .tags import TagModel, Theme
from .textfile import TextFile, write_texts
from .textpass import _Words

if TYPE_CHECKING:
    from .engine import Analyser

STATE_VERSION = 2  # 2: the texts in texts.bin, not in state.json
Progress = Callable[[str], None]


class State:
    """Saving and loading (a mixin of :class:`samskab.analysis.engine.Analyser`)."""

    def save(self, directory: str | Path) -> None:
        """Write the state to ``directory`` (``state.json``, ``arrays.npz`` and the texts in
        ``texts.bin``, see :mod:`samskab.analysis.textfile`)."""
        self._check_state()
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        tag_meta, tag_arrays = self.tag_model.to_arrays()
        state = {
            "version": STATE_VERSION,
            "stages": self.stages,
            "themes": [{"slug": t.slug, "keywords": list(t.keywords), "label": t.label}
                       for t in self.themes],
            "group_params": self.group_params.__dict__,
            "with_additions": self.with_additions,
            "ids": self.ids,
            "groups": [{"id": g.id, "members": g.members, "canonical": g.canonical,
                        "template": g.template.text,
                        "sentence_keys": sorted(list(k) for k in g.template.sentence_keys),
                        "vocabulary": sorted(g.template.vocabulary),
                        "sentence_norms": sorted(g.template.sentence_norms),
                        "sentences_as_written": sorted(g.template.sentences_as_written),
                        "additions": {str(k): v for k, v in g.additions.items()}}
                       for g in self.groups],
            "speller": self.speller.to_json(),
            "recurring": sorted(sorted(k) for k in self.recurring),
            "ideas": self.ideas.to_json(),
            "tags": tag_meta,
        }
        # msgspec writes the UTF-8 bytes at once: json.dumps made a str of the whole state
        # (two or four bytes a character once one character is outside Latin-1) and then
        # its UTF-8 copy, 850 MB more at the end of a run of a million responses
        (d / "state.json").write_bytes(msgspec.json.encode(state, enc_hook=json_default))
        # the texts apart, copied a block at a time (in the JSON they were the whole state's
        # size again, twice, while it was written)
        offsets = write_texts(d / "texts.bin", self.texts)
        arrays = {"sig": self.sig, "words": self.words, "label": self.label,
                  "text_offsets": offsets, **self.slots.to_arrays(), **tag_arrays}
        np.savez_compressed(d / "arrays.npz", **arrays)

    @classmethod
    def load(cls, directory: str | Path, *, progress: Progress | None = None) -> Analyser:
        """Read a state written by :meth:`save` (JSON and plain arrays; no pickle)."""
        d = Path(directory)
        state = json.loads((d / "state.json").read_text(encoding="utf-8"))
        if state.get("version") not in (1, STATE_VERSION):  # 1: the texts in the JSON
            raise ValueError("unsupported analyser state version")
        themes = [Theme(t["slug"], tuple(t["keywords"]), t.get("label", ""))
                  for t in state["themes"]]
        a = cls(stages=state["stages"], themes=themes,
                group_params=gr.GroupParams(**state["group_params"]),
                additions=state["with_additions"], progress=progress)
        with np.load(d / "arrays.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        a.ids = list(state["ids"])
        if "texts" in state:
            a.texts = list(state["texts"])
        else:  # read when asked for (a saved state's texts are not all held)
            a.texts = TextFile.open(d / "texts.bin", arrays.pop("text_offsets"))
        a.position = {rid: i for i, rid in enumerate(a.ids)}
        a.sig, a.words, a.label = arrays["sig"], arrays["words"], arrays["label"]
        a.slots = hashing.SlotTable.from_arrays(arrays)
        for g in state["groups"]:
            template = gr.Template(text=g["template"],
                                   sentence_keys={tuple(k) for k in g["sentence_keys"]},
                                   vocabulary=set(g["vocabulary"]),
                                   sentence_norms=set(g["sentence_norms"]),
                                   sentences_as_written=set(g.get("sentences_as_written", ())))
            a.groups.append(_GroupState(id=g["id"], members=list(g["members"]),
                                        canonical=int(g["canonical"]), template=template,
                                        additions={int(k): v for k, v in
                                                   g["additions"].items()}))
        a.speller = tx.Speller.from_json(state["speller"])
        a._word_cache = _Words(a.speller)
        a.ideas = IdeaIndex.from_json(state["ideas"])
        a.recurring = {frozenset(k) for k in state.get("recurring", ())}
        a.tag_model = TagModel.from_arrays(state["tags"], arrays, themes)
        return a
