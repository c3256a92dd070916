"""`samskab analyse FILE.jsonl --out DIR`: files, exit codes and messages per the contracts."""

import gc
import itertools
import json

import pytest
from analysis_cases import COPIES, OTHERS
from hypothesis import given, settings
from hypothesis import strategies as st

from samskab.analysis.cli import main

pytestmark = pytest.mark.nodb


def write_jsonl(path, rows, extra_lines=()):
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        for line in extra_lines:
            f.write(line + "\n")
    return path


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def responses_file(tmp_path):
    rows = [{"id": f"c-{i}", "text": t, "respondent_kind": "citizen"}
            for i, t in enumerate(COPIES)]
    rows += [{"id": f"o-{i}", "text": t, "organisation": "Foreningen X", "language": "da"}
             for i, t in enumerate(OTHERS)]
    return write_jsonl(tmp_path / "in.jsonl", rows)


def test_writes_every_file_of_the_contract(responses_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([str(responses_file), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {"responses.jsonl", "groups.jsonl",
                                               "ideas.jsonl", "summary.json", "rejected.jsonl"}
    responses = read_jsonl(out / "responses.jsonl")
    assert len(responses) == len(COPIES) + len(OTHERS)
    for r in responses:
        assert set(r) == {"id", "language", "group", "proposals", "tags", "set_aside"}
        for p in r["proposals"]:
            assert set(p) == {"id", "start", "end", "idea"} and 0 <= p["start"] < p["end"]
        for x in r["set_aside"]:
            assert set(x) == {"start", "end", "reason"} and 0 <= x["start"] < x["end"]
        assert all(0 <= t["score"] <= 1 and set(t) == {"code", "score"} for t in r["tags"])
    [group] = read_jsonl(out / "groups.jsonl")
    assert group["size"] == len(COPIES) == len(group["members"])
    assert group["canonical"] in group["members"] and group["template"]
    assert {r["id"]: r["group"] for r in responses}["c-0"] == group["id"]
    ideas = read_jsonl(out / "ideas.jsonl")
    assert all({"id", "label", "keywords", "size", "members", "representative"} <= set(i)
               for i in ideas)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["responses"] == len(responses) and summary["rejected"] == 0
    assert {"read", "groups", "proposals", "ideas", "tags", "write"} <= set(summary["seconds"])
    assert (out / "rejected.jsonl").read_text() == ""
    assert "samskab analyse:" in capsys.readouterr().err
    assert gc.isenabled()  # the run went without the cyclic collector, the caller does not


def test_rejected_lines_are_reported_with_line_number_and_reason_and_exit_3(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": OTHERS[0]}], extra_lines=[
        "{not json", json.dumps({"id": "b"}), json.dumps({"id": "a", "text": "again"}),
        json.dumps({"id": "c", "text": "x", "respondent_kind": "alien"}), "",
        # JSON allows half a surrogate pair alone; it is no character, and no text holds it
        '{"id": "s", "text": "Vi foresl\\u00e5r \\ud800 \u00e5bne data"}',
        '{"id": "\\udc00", "text": "Vi foresl\u00e5r"}',
        json.dumps({"id": "d", "text": OTHERS[1]})])
    out = tmp_path / "out"
    assert main([str(path), "--out", str(out)]) == 3
    rejected = read_jsonl(out / "rejected.jsonl")
    assert [r["line"] for r in rejected] == [2, 3, 4, 5, 7, 8]
    assert "JSON" in rejected[0]["reason"] and "text" in rejected[1]["reason"]
    assert "duplicate" in rejected[2]["reason"] and "respondent_kind" in rejected[3]["reason"]
    assert rejected[4] == {"line": 7, "id": "s",
                           "reason": "text holds a lone surrogate escape (not a Unicode character)"}
    assert rejected[5] == {"line": 8,
                           "reason": "id holds a lone surrogate escape (not a Unicode character)"}
    assert [r["id"] for r in read_jsonl(out / "responses.jsonl")] == ["a", "d"]


def test_stages_option_runs_only_those(responses_file, tmp_path):
    out = tmp_path / "out"
    assert main([str(responses_file), "--out", str(out), "--stages", "groups"]) == 0
    responses = read_jsonl(out / "responses.jsonl")
    assert all(r["proposals"] == [] and r["tags"] == [] for r in responses)
    assert read_jsonl(out / "groups.jsonl") and not read_jsonl(out / "ideas.jsonl")


def test_themes_file_adds_theme_tags(responses_file, tmp_path):
    themes = tmp_path / "themes.json"
    themes.write_text(json.dumps([{"slug": "sundhed", "keywords": ["telemedicin", "sygehus"]}]))
    out = tmp_path / "out"
    assert main([str(responses_file), "--out", str(out), "--themes", str(themes)]) == 0
    tags = {r["id"]: {t["code"]: t["score"] for t in r["tags"]}
            for r in read_jsonl(out / "responses.jsonl")}
    assert tags["o-0"]["theme:sundhed"] >= 0.5


@pytest.mark.parametrize("args", [
    ["missing.jsonl", "--out", "x"],
    ["{file}", "--out", "x", "--stages", "groups,sorting"],
    ["{file}"],
    ["{file}", "--out", "x", "--bogus"],
])
def test_usage_errors_exit_2_with_one_line(args, responses_file, tmp_path, capsys):
    args = [a.replace("{file}", str(responses_file)) for a in args]
    with pytest.raises(SystemExit) as exc_info:
        raise SystemExit(main([a if a != "x" else str(tmp_path / "x") for a in args]))
    assert exc_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("samskab analyse: error:") and "\n" not in err


def test_dask_option_without_the_extra_says_what_to_install(responses_file, tmp_path,
                                                            monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    assert main([str(responses_file), "--out", str(tmp_path / "out"), "--dask",
                 "tcp://127.0.0.1:1"]) == 2
    assert "samskab[dask]" in capsys.readouterr().err


def _read_line_by_line(path):
    """The reference: every line through the line-by-line reader."""
    from samskab.analysis import cli

    part, line_of, rejected, _ = cli._parse_lines(path.read_bytes())
    seen, records = set(), []
    for r, k in zip(part, line_of, strict=True):
        if r.id in seen:
            rejected.append({"line": k, "reason": f"duplicate id {r.id!r}", "id": r.id})
        else:
            seen.add(r.id)
            records.append(r)
    return records, sorted(rejected, key=lambda r: r["line"])


ODD_LINES = [
    "{not json", "", "   ", json.dumps({"id": "r-3", "text": "a duplicate in a later part"}),
    json.dumps({"id": "x", "text": "y", "respondent_kind": "alien"}),
    json.dumps({"id": "z", "text": "after a Windows line end"}) + "\r",
    json.dumps({"id": "two-1", "text": "a"}) + " " + json.dumps({"id": "two-2", "text": "b"}),
    '{"id": "split",', '"text": "over two lines"}',
    json.dumps({"id": 7, "text": "a number for an id"}),
    json.dumps({"id": " ", "text": "a blank id"}),
    json.dumps({"id": "lang", "text": "t", "language": ["da"]}),
    json.dumps({"id": "nul", "text": None}),
    json.dumps({"id": "cr", "text": "x"}) + "\r" + json.dumps({"id": "cr2", "text": "y"}),
    json.dumps({"id": "braces", "text": "kode: {a} {b}", "extra": {"nested": [1, {}]}}),
    json.dumps({"id": "last", "text": "ingen linjeskift til sidst"}),
]


@pytest.mark.parametrize("odd", [[], ODD_LINES[:1], ODD_LINES[6:7], ODD_LINES[7:9],
                                 ODD_LINES[1:3], ODD_LINES[13:14], ODD_LINES])
@pytest.mark.parametrize("part_bytes", [300, 1 << 20])
def test_every_part_gives_what_the_line_by_line_reader_gives(tmp_path, odd, part_bytes):
    """Parts decoded in one call and parts read line by line agree, across part cuts, on
    records, their line numbers and every rejection."""
    from samskab.analysis import cli

    rows = [{"id": f"r-{i}", "text": OTHERS[i % len(OTHERS)] + f" – nr. {i} „citat“",
             "language": "da" if i % 3 else None,
             "respondent_kind": "citizen" if i % 2 else None} for i in range(40)]
    path = write_jsonl(tmp_path / "in.jsonl", rows[:20], extra_lines=odd)
    with path.open("a", encoding="utf-8") as f:
        for row in rows[20:]:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    assert cli.read_records(path, part_bytes) == _read_line_by_line(path)
    records, rejected = cli.read_records(path, part_bytes)
    assert [r.id for r in records][:20] == [f"r-{i}" for i in range(20)]
    if odd == ODD_LINES:
        reasons = [r["reason"].split()[0] for r in rejected]
        assert reasons.count("duplicate") == 1 and "unknown" in reasons
        assert "two-1" not in {r.id for r in records}  # two objects on a line: not JSON
        assert {"z", "braces", "last"} <= {r.id for r in records}


def test_invalid_utf8_is_read_with_replacement_characters(tmp_path):
    from samskab.analysis import cli

    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n{"id": "b", "text": "ok"}\n')
    records, rejected = cli.read_records(path)
    assert [(r.id, r.text) for r in records] == [("a", "caf\ufffd"), ("b", "ok")]
    assert rejected == []


def test_a_plain_responses_line_is_written_as_the_json_encoder_writes_it():
    from samskab.analysis.cli import _ENCODE, _response_row
    from samskab.analysis.types import ResponseAnalysis, TagScore

    for rid, language, group in [("r-1", "da", "g-000001"), ('a "quoted" \\ id\n', None, None),
                                 ("ø–„x“ ☺", "en", None)]:
        r = ResponseAnalysis(rid, language, group)
        assert _response_row(r) == _ENCODE({"id": rid, "language": language, "group": group,
                                             "proposals": [], "tags": [], "set_aside": []})
    tagged = ResponseAnalysis("r-2", "da", None, tags=[TagScore("GC1", 0.7)])
    assert _response_row(tagged)["tags"] == [{"code": "GC1", "score": 0.7}]


def test_a_fits_rows_read_from_its_arrays_are_its_objects_rows():
    """responses.jsonl of a fit is written from the results' arrays, block by block; each row
    is what the response's object gives."""
    from samskab.analysis import Record, analyse, results
    from samskab.analysis.cli import _response_row, _response_rows

    records = [Record(f"r-{i}", text) for i, text in enumerate(COPIES * 2 + OTHERS + [""])]
    fitted = analyse(records, stages=("groups", "proposals", "ideas", "tags")).responses
    assert isinstance(fitted, results.Responses)
    objects = list(fitted)
    assert any(r.proposals for r in objects) and any(r.tags for r in objects)
    assert any(r.group for r in objects) and any(not r.proposals for r in objects)
    for block in (1, 3, results.BLOCK):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(results, "BLOCK", block)
            assert list(_response_rows(fitted)) == [_response_row(r) for r in objects]


def _odd_lines_reference(data: bytes) -> tuple[list[int], list[int]]:
    """What scan_lines must find, said the slow way."""
    import re

    starts, odd, at = [], [], 0
    for k, line in enumerate(data.split(b"\n")[:-1] if data.endswith(b"\n")
                             else data.split(b"\n") if data else []):
        ended = at + len(line) < len(data)  # a line feed follows
        lone_cr = b"\r" in (line[:-1] if ended and line.endswith(b"\r") else line)
        if not line.strip(b" \t\r") or lone_cr or re.search(rb"\}[ \t]*\{", line):
            odd.append(k)
        starts.append(at)
        at += len(line) + 1
    return starts, odd


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"{", b"}", b" ", b"\t", b"\r", b"\n", b"x", b'"', b"\xc3\xa6",
                                 b'{"id": "a", "text": "b"}']), max_size=40))
def test_the_kernel_finds_every_line_and_every_odd_one(pieces):
    import numpy as np

    from samskab.analysis import hashing

    data = b"".join(pieces)
    starts, odd = hashing.KERNEL.scan_lines(data)
    assert ([int(x) for x in np.frombuffer(starts, dtype=np.int64)],
            [int(x) for x in np.frombuffer(odd, dtype=np.int64)]) == _odd_lines_reference(data)


@pytest.mark.parametrize("odd", [[], ODD_LINES[:1], ODD_LINES[6:7], ODD_LINES])
def test_a_scanned_file_reads_as_the_line_by_line_reader_reads_it(tmp_path, odd):
    from samskab.analysis import cli

    rows = [{"id": f"r-{i}", "text": OTHERS[i % len(OTHERS)] + f" nr. {i}"} for i in range(40)]
    path = write_jsonl(tmp_path / "in.jsonl", rows[:25], extra_lines=odd)
    with path.open("a", encoding="utf-8") as f:
        for row in rows[25:]:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    for part_bytes in (200, 1 << 20):
        assert (cli.read_records(path, part_bytes, lines=cli.scan_lines(path))
                == _read_line_by_line(path))


def _many_rows(n):
    """Short varied responses: campaign copies, other answers, typographic characters, a
    Polish name now and then (outside Latin-1), and empty texts."""
    texts = [*COPIES, *OTHERS, "„Ja“ – tak…", "Hilsen Łukasz Wąs", ""]
    return [{"id": f"r-{i}", "text": f"{texts[i % len(texts)]} {i % 97}"} for i in range(n)]


def test_slots_and_signatures_made_while_reading_are_the_groups_stages_own(tmp_path):
    """17,000 lines: the slot sample takes every other line, so line k must be record k."""
    import numpy as np

    from samskab.analysis import cli, hashing

    path = write_jsonl(tmp_path / "in.jsonl", _many_rows(17_000))
    lines = cli.scan_lines(path)
    early = cli.EarlySignatures.start(path, lines, threads=2)
    try:
        records, rejected = cli.read_records(path, 1 << 16, lines=lines,
                                             on_part=early.add_records)
        prepared = early.finish(records, None, lambda message: None)
    finally:
        early.close()
    assert rejected == [] and prepared is not None
    texts = [r.text for r in records]
    slots = hashing.slots_of(texts)
    assert slots.size > 0  # the campaign copies make slots
    for key, value in slots.to_arrays().items():
        assert np.array_equal(prepared.slots.to_arrays()[key], value), key
    sig, words = hashing.signatures(texts, slots)
    assert np.array_equal(prepared.sig, sig) and np.array_equal(prepared.words, words)


@pytest.mark.parametrize("spoil", ["duplicate", "bad line", "blank line"])
def test_a_file_that_is_not_clean_is_signed_after_reading_with_the_same_result(
        tmp_path, monkeypatch, spoil):
    from samskab.analysis import cli

    rows = _many_rows(3_000)
    extra = {"duplicate": [json.dumps(rows[5])], "bad line": ["{not json"],
             "blank line": [""]}[spoil]
    path = write_jsonl(tmp_path / "in.jsonl", rows[:2_000], extra_lines=extra)
    with path.open("a", encoding="utf-8") as f:
        for row in rows[2_000:]:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    lines = cli.scan_lines(path)
    early = cli.EarlySignatures.start(path, lines, threads=2)
    if early is not None:  # a blank line is seen before reading; the others while reading
        try:
            records, _ = cli.read_records(path, 1 << 14, lines=lines,
                                          on_part=early.add_records)
            assert early.finish(records, None, lambda message: None) is None
        finally:
            early.close()
    outputs = []
    for early_bytes in (0, 1 << 40):  # signed while reading (when clean) / after reading
        monkeypatch.setattr(cli, "EARLY_WORKERS_BYTES", early_bytes)
        out = tmp_path / f"out-{early_bytes}"
        status = main([str(path), "--out", str(out), "--stages", "groups"])
        assert status == (0 if spoil == "blank line" else 3)  # a blank line is no response
        outputs.append([(out / name).read_text(encoding="utf-8")
                        for name in ("responses.jsonl", "groups.jsonl", "rejected.jsonl")])
    assert outputs[0] == outputs[1]


def test_a_clean_file_gives_the_same_groups_signed_while_reading_or_after(tmp_path,
                                                                          monkeypatch, capsys):
    from samskab.analysis import cli

    path = write_jsonl(tmp_path / "in.jsonl", _many_rows(3_000))
    outputs = []
    for early_bytes in (0, 1 << 40):
        monkeypatch.setattr(cli, "EARLY_WORKERS_BYTES", early_bytes)
        out = tmp_path / f"out-{early_bytes}"
        assert main([str(path), "--out", str(out), "--stages", "groups"]) == 0
        outputs.append([(out / name).read_text(encoding="utf-8")
                        for name in ("responses.jsonl", "groups.jsonl")])
    assert outputs[0] == outputs[1]
    assert "while reading" in capsys.readouterr().err


def test_a_clean_files_heads_and_lines_read_apart_are_its_records(tmp_path):
    from samskab.analysis import cli

    path = write_jsonl(tmp_path / "in.jsonl", [
        {**row, "respondent_kind": "citizen" if i % 2 else None, "language": "da"}
        for i, row in enumerate(_many_rows(500))])
    lines = cli.scan_lines(path)
    records, rejected = cli.read_records(path, lines=lines)
    handed = []
    heads = cli.read_heads(path, lines, lambda *part: handed.append(part), part_bytes=1 << 12)
    assert rejected == [] and heads is not None and len(handed) > 1
    assert [(h.id, h.language, h.respondent_kind) for h in heads] == [
        (r.id, r.language, r.respondent_kind) for r in records]
    assert [first for first, *_ in handed] == [0, *itertools.accumulate(
        len(starts) for _, _, starts, _ in handed[:-1])]
    assert [json.loads(data[a:b])["text"] for _, data, starts, ends in handed
            for a, b in zip(starts, ends, strict=True)] == [r.text for r in records]
    texts = cli.FileTexts(path, lines)
    try:
        assert len(texts) == 500 and list(texts) == [r.text for r in records]
        assert texts[::7] == [r.text for r in records][::7] and texts[-1] == records[-1].text
        with pytest.raises(IndexError):
            texts[500]
    finally:
        texts.close()
    for spoil in ['{"id": "r-3", "text": "again"}', '{"id": 5, "text": "x"}', "{not json"]:
        dirty = write_jsonl(tmp_path / "dirty.jsonl", _many_rows(50), extra_lines=[spoil])
        assert cli.read_heads(dirty, cli.scan_lines(dirty), lambda *part: None) is None


@pytest.mark.parametrize("line,clean", [
    (b'{"id": "x", "text": 5}', False), (b'{"id": "x", "text": null}', False),
    (b'{"id": "x"}', False), (b'{"id": "x", "text": "bad \xff byte"}', False),
    (b'{"id": "x", "text": "half a pair \\ud800 alone"}', False),
    (b'{"id": "x", "text": "one", "text": "\xe2\x80\x9ctwo\xe2\x80\x9d"}', True),
    (b'{"id": "x", "\\u0074ext": "Vi foresl\\u00e5r"}', True),
    (b'{"id": "x", "meta": {"text": "not this"}, "text": "Hilsen \xc5\x81ukasz"}', True),
    (b'{"id": "x", "text": "Vi foresl\\u00e5r \\u201e\xc3\xa5bne\\u201c data\\/"}', True),
])
def test_a_line_the_kernel_leaves_gives_what_reading_every_text_gives(tmp_path, monkeypatch,
                                                                       capsys, line, clean):
    """A groups-only run of a clean file takes its texts from the lines' bytes; the lines
    the kernel leaves are decoded and checked as before, and a text that is not one sends
    the file to the line-by-line reader, as it did."""
    from samskab.analysis import cli

    rows = _many_rows(3_000)
    path = write_jsonl(tmp_path / "in.jsonl", rows[:2_000])
    with path.open("ab") as f:
        f.write(line + b"\n")
        for row in rows[2_000:]:
            f.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
    outputs = []
    for early_bytes in (0, 1 << 40):  # signed while reading (when clean) / after reading
        monkeypatch.setattr(cli, "EARLY_WORKERS_BYTES", early_bytes)
        out = tmp_path / f"out-{early_bytes}"
        status = main([str(path), "--out", str(out), "--stages", "groups"])
        outputs.append([status, *((out / name).read_text(encoding="utf-8")
                                  for name in ("responses.jsonl", "groups.jsonl",
                                               "rejected.jsonl"))])
    assert outputs[0] == outputs[1]
    assert ("while reading" in capsys.readouterr().err) == clean


def test_without_the_kernel_a_file_gives_what_it_gives_with_it(tmp_path, monkeypatch):
    from samskab.analysis import cli, hashing

    path = write_jsonl(tmp_path / "in.jsonl", _many_rows(3_000))
    monkeypatch.setattr(cli, "EARLY_WORKERS_BYTES", 0)
    outputs = []
    for kernel in (hashing.KERNEL, None):
        monkeypatch.setattr(hashing, "KERNEL", kernel)
        out = tmp_path / f"out-{kernel is None}"
        assert main([str(path), "--out", str(out), "--stages", "groups"]) == 0
        outputs.append([(out / name).read_text(encoding="utf-8")
                        for name in ("responses.jsonl", "groups.jsonl")])
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("gap,run", [(0, 1 << 22), (16_384, 1 << 22), (1 << 20, 300)])
def test_many_texts_read_at_once_are_each_texts_own(tmp_path, monkeypatch, gap, run):
    """FileTexts.many: any order, repeats, far and near lines, runs cut by their size, and a
    last line without its line feed."""
    import random

    from samskab.analysis import cli

    monkeypatch.setattr(cli, "READ_GAP_BYTES", gap)
    monkeypatch.setattr(cli, "READ_RUN_BYTES", run)
    path = write_jsonl(tmp_path / "in.jsonl", _many_rows(400))
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # the last line has no line feed
    texts = cli.FileTexts(path, cli.scan_lines(path))
    try:
        one_by_one = [texts[i] for i in range(400)]
        rng = random.Random(gap)
        for indexes in ([], [399], [0, 399], list(range(400)), list(range(399, -1, -3)),
                        [rng.randrange(400) for _ in range(250)], [5, 5, 6, 5]):
            assert texts.many(indexes) == [one_by_one[i] for i in indexes]
        with pytest.raises(IndexError):
            texts.many([3, 400])
        with pytest.raises(IndexError):
            texts.many([-1])
    finally:
        texts.close()


def test_text_digests_tell_exact_copies_and_only_them():
    from samskab.analysis import hashing

    texts = ["", "a", "a ", "A", "å", "aa", "ā", "Ā", "āā", "„Ja“", "„Ja“ ", "\x00", "\x00\x00",
             "😀", "x" * 7, "x" * 8, "x" * 9, "x" * 8 + "\x00", "\udc80 lone surrogate",
             *[f"Vi foreslår åbne data nr. {i}" for i in range(2_000)]]
    digests = hashing.text_digests(texts)
    assert all(len(d) == 16 for d in digests) and len(set(digests)) == len(texts)
    copies = [(t + "ā")[:-1] for t in texts]  # equal texts, built otherwise (wider at first)
    assert hashing.text_digests(copies) == digests
    twice = hashing.text_digests(texts + texts[::-1])
    assert twice[:len(texts)] == digests and twice[len(texts):] == digests[::-1]


def test_text_digests_without_the_kernel_give_the_same_verdicts(monkeypatch):
    from samskab.analysis import hashing

    texts = ["a", "b", "a", "„Ja“", "„Ja“", "", ""]
    with_kernel = hashing.text_digests(texts)
    monkeypatch.setattr(hashing, "KERNEL", None)
    without = hashing.text_digests(texts)
    assert [with_kernel.index(d) for d in with_kernel] == [without.index(d) for d in without]
