"""Texts kept in a file (``samskab.analysis.textfile``): what the database path hands the
engine, and how a saved state keeps its texts."""

import json

import pytest
from analysis_cases import FORM_LETTER, OTHERS

from samskab.analysis import Analyser, Record, RecordHead
from samskab.analysis.textfile import TextFile, TextWriter, write_texts

pytestmark = pytest.mark.nodb

ODD = ["", "æøå ÆØÅ – „citat“", "Zażółć gęślą jaźń", "\ud800 a lone surrogate", "x" * 5000]


def _file(tmp_path, texts, *, unlink=False, parts=2) -> TextFile:
    writer = TextWriter(tmp_path / "texts.tmp", unlink=unlink)
    step = max(1, -(-len(texts) // parts))
    for a in range(0, len(texts), step):
        writer.add(texts[a:a + step])
    return writer.finish()


def test_a_text_file_reads_back_every_text_by_index_slice_and_in_order(tmp_path):
    texts = [*ODD, *(f"Svar nummer {i}." for i in range(50))]
    stored = _file(tmp_path, texts, unlink=True, parts=3)
    assert not (tmp_path / "texts.tmp").exists()  # gone from the directory, still readable
    assert len(stored) == len(texts)
    assert [stored[i] for i in range(len(texts))] == texts
    assert stored[-1] == texts[-1] and stored[3:9] == texts[3:9] and stored[::7] == texts[::7]
    assert list(stored) == texts
    with pytest.raises(IndexError):
        stored[len(texts)]
    stored.append("Et nyt svar.")
    assert stored[len(texts)] == "Et nyt svar." and list(stored)[-1] == "Et nyt svar."
    assert stored[len(texts) - 1:] == [texts[-1], "Et nyt svar."]
    offsets = write_texts(tmp_path / "copy.bin", stored)
    assert list(TextFile.open(tmp_path / "copy.bin", offsets)) == [*texts, "Et nyt svar."]


def test_a_text_file_read_in_blocks_smaller_than_a_text(tmp_path, monkeypatch):
    from samskab.analysis import textfile

    monkeypatch.setattr(textfile, "BLOCK_BYTES", 16)
    texts = ["kort", "x" * 100, "", "æ" * 40, "slut"]
    assert list(_file(tmp_path, texts)) == texts


def test_texts_from_a_file_give_the_same_analysis_state_and_additions(campaign_records,
                                                                      tmp_path):
    in_memory = Analyser()
    expected = in_memory.fit(campaign_records)
    heads = [RecordHead(r.id, r.language) for r in campaign_records]
    from_file = Analyser()
    got = from_file.fit(heads, texts=_file(tmp_path, [r.text for r in campaign_records]))
    assert isinstance(from_file.texts, TextFile)  # kept as given, not copied to a list
    assert got.responses == expected.responses
    assert got.groups == expected.groups and got.ideas == expected.ideas
    record = Record("new-1", FORM_LETTER + "\nBirthe Olsen")
    assert from_file.add(record) == in_memory.add(record)
    from_file.save(tmp_path / "state")
    assert "texts" not in json.loads((tmp_path / "state" / "state.json").read_text())
    restored = Analyser.load(tmp_path / "state")
    assert list(restored.texts) == [*(r.text for r in campaign_records), record.text]
    other = Record("new-2", OTHERS[0])
    assert restored.add(other) == in_memory.add(other)
    restored.save(tmp_path / "again")  # a loaded state's texts, copied with the new one
    assert list(Analyser.load(tmp_path / "again").texts) == list(in_memory.texts)


def test_a_state_with_its_texts_in_the_json_still_loads(campaign_records, tmp_path):
    analyser = Analyser()
    analyser.fit(campaign_records)
    analyser.save(tmp_path / "state")
    state = json.loads((tmp_path / "state" / "state.json").read_text())
    state["version"], state["texts"] = 1, list(analyser.texts)  # as version 1 wrote it
    (tmp_path / "state" / "state.json").write_text(json.dumps(state))
    (tmp_path / "state" / "texts.bin").unlink()
    restored = Analyser.load(tmp_path / "state")
    assert restored.texts == analyser.texts
    record = Record("new-1", FORM_LETTER + "\nBirthe Olsen")
    assert restored.add(record) == analyser.add(record)
