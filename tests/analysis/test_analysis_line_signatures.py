"""The kernel signs a response's text straight from its JSON line (``line_signatures``): bit
for bit what signing the text decoded by msgspec gives, and the lines it cannot read with
certainty left to the caller."""

import functools
import json

import msgspec
import numpy as np
import pytest
from analysis_cases import OTHERS, madlibs_text
from hypothesis import example, given, settings
from hypothesis import strategies as st

from samskab.analysis import hashing

pytestmark = pytest.mark.nodb


class _Text(msgspec.Struct):
    text: str


_TEXT = msgspec.json.Decoder(_Text)


@functools.cache
def _slots() -> hashing.SlotTable:
    table = hashing.learn_slots(*hashing.token_hashes([madlibs_text(i) for i in range(60)]))
    assert table.size  # so that collapsing is part of what is compared
    return table


def _sign_lines(lines: list[bytes], slots=None) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """The kernel's rows, word counts and left lines for ``lines``, joined as in a file."""
    data = b"".join(line + b"\n" for line in lines)
    sizes = np.array([len(line) + 1 for line in lines], dtype=np.int64)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    sig = np.full((len(lines), hashing.SIG_BINS), 7, dtype=np.uint32)
    words = np.full(len(lines), -1, dtype=np.int64)
    passes = slots.kernel_passes() if slots is not None else ()
    left = hashing.KERNEL.line_signatures(data, starts, ends, hashing.LATIN1_TABLE,
                                          hashing._PUNCT_CODES, passes, sig, words)
    return sig, words, left


def _check(lines: list[bytes], slots=None) -> list[int]:
    """Every line the kernel signs is signed as its msgspec-decoded text is; returns the
    lines it left."""
    sig, words, left = _sign_lines(lines, slots)
    signed = [k for k in range(len(lines)) if k not in set(left)]
    texts = [_TEXT.decode(lines[k]).text for k in signed]
    ref_sig, ref_words = hashing.signatures(texts, slots)
    assert np.array_equal(sig[signed], ref_sig) and np.array_equal(words[signed], ref_words)
    return left


_PUNCT = frozenset(hashing._PUNCT_CODES.tolist())
_FAST = "".join(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x100), *sorted(_PUNCT)]))
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f",
                  "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_string(text: str, forms: list[int]) -> str:
    """``text`` as a JSON string, each character written in the form ``forms`` picks: as
    itself (when JSON allows), its short escape (when it has one), ``\\uXXXX`` in lower or
    upper case hex (a surrogate pair above U+FFFF)."""
    out = ['"']
    for c, form in zip(text, forms + [0] * len(text), strict=False):
        options = []
        if c not in '"\\' and ord(c) >= 0x20:
            options.append(c)
        if c in _SHORT_ESCAPES:
            options.append(_SHORT_ESCAPES[c])
        units = [ord(c)] if ord(c) < 0x10000 else [
            0xD800 + ((ord(c) - 0x10000) >> 10), 0xDC00 + ((ord(c) - 0x10000) & 0x3FF)]
        options.append("".join(f"\\u{u:04x}" for u in units))
        options.append("".join(f"\\u{u:04X}" for u in units))
        out.append(options[form % len(options)])
    out.append('"')
    return "".join(out)


_KEYS = st.sampled_from(["text", "id", "meta", "x", "Text", "texts", "tekst"])
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=_FAST + '"\\{}[]:,\n', max_size=12) | st.just('"text": "no"'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=8)
_TEXTS = st.text(
    alphabet=st.sampled_from(_FAST) | st.characters(blacklist_categories=("Cs",)),
    max_size=80) | st.sampled_from([madlibs_text(i) for i in range(5)] + OTHERS)


@st.composite
def _lines(draw) -> tuple[bytes, bool]:
    """A response's JSON line: its text in any mix of escapes and raw UTF-8, the members in
    any order, extra members (nested objects and strings that hold "text" among them), any
    blanks; and whether the text has only characters the kernel maps itself."""
    text = draw(_TEXTS)
    forms = draw(st.lists(st.integers(0, 3), max_size=len(text)))
    extra = draw(st.dictionaries(_KEYS.filter(lambda k: k not in ("text", "id")), _VALUES,
                                 max_size=3))
    members = [("id", json.dumps(draw(st.text(max_size=5)))), ("text", _json_string(text, forms))]
    members += [(k, json.dumps(v, ensure_ascii=draw(st.booleans()))) for k, v in extra.items()]
    members = draw(st.permutations(members))
    blank = st.sampled_from(["", " ", "\t", "  "])
    body = ",".join(f'{draw(blank)}"{k}"{draw(blank)}:{draw(blank)}{v}{draw(blank)}'
                    for k, v in members)
    line = draw(blank) + "{" + body + "}" + draw(st.sampled_from(["", " ", "\r"]))
    return line.encode("utf-8"), all(ord(c) < 256 or ord(c) in _PUNCT for c in text)


@settings(max_examples=400, deadline=None)
@given(st.lists(_lines(), min_size=1, max_size=8), st.booleans())
@example([(b'{"id": "a", "text": "\\u00C6bler \\u201ej\\u00e6\\u201c \\/ \\ud83d\\ude00"}', False)],
         True)
def test_a_text_signed_from_its_line_is_signed_as_its_decoded_str(lines, with_slots):
    left = _check([line for line, _ in lines], _slots() if with_slots else None)
    # a line is left exactly when its text holds a character the kernel does not map
    assert left == [k for k, (_, fast) in enumerate(lines) if not fast]


@pytest.mark.parametrize("escape,char", [
    ('\\"', '"'), ("\\\\", "\\"), ("\\/", "/"), ("\\b", "\b"), ("\\f", "\f"), ("\\n", "\n"),
    ("\\r", "\r"), ("\\t", "\t"), ("\\u0000", "\x00"), ("\\u00e6", "æ"), ("\\u00C5", "Å"),
    ("\\u201e", "„"), ("\\u20AC", "€"), ("\\ufeff", "\ufeff"), ("\\u0061e", "ae"),
])
def test_each_escape_is_decoded_as_msgspec_decodes_it(escape, char):
    line = f'{{"id": "a", "text": "Vi foresl{escape}r {escape}bne data{escape}"}}'.encode()
    assert _TEXT.decode(line).text == f"Vi foresl{char}r {char}bne data{char}"
    assert _check([line]) == []


@pytest.mark.parametrize("raw", ["æ", "Å", "ÿ", "\xa0", "–", "“", "…", "€", "™", "\u200b"])
def test_raw_utf8_of_latin1_and_typographic_characters_is_signed_here(raw):
    assert _check([f'{{"id": "a", "text": "Vi{raw}foresl{raw}r {raw}"}}'.encode()]) == []


def test_the_text_inside_another_member_is_not_taken():
    lines = [
        b'{"id": "a", "meta": {"text": "not this"}, "text": "this one"}',
        b'{"id": "a", "note": "\\"text\\": \\"not this\\"", "text": "this one"}',
        b'{"id": "a", "list": [{"text": "no"}, ["text", {"text": 1}]], "text": "this one"}',
        b'{"text": "this one", "meta": {"text": "not this", "a": {"text": "nor this"}}}',
        b'{"id": "a", "tekst": "no", "Text": "no", "texts": "no", "text": "this one"}',
    ]
    sig, words, left = _sign_lines(lines)
    assert left == [] and (sig == sig[0]).all() and (words == 2).all()
    assert _check(lines) == []


@pytest.mark.parametrize("line", [
    # a character neither below 256 nor typographic punctuation (as today: UTF-8 in Python)
    '{"id": "a", "text": "Łukasz"}'.encode(), b'{"id": "a", "text": "\\u0141ukasz"}',
    '{"id": "a", "text": "smil 😀"}'.encode(), b'{"id": "a", "text": "\\ud83d\\ude00"}',
    # a lone surrogate, escaped or in UTF-8
    b'{"id": "a", "text": "\\ud800 x"}', b'{"id": "a", "text": "x \\udc00"}',
    b'{"id": "a", "text": "x\xed\xa0\x80"}',
    # invalid UTF-8: a stray byte, a cut sequence, an overlong form
    b'{"id": "a", "text": "x\xff"}', b'{"id": "a", "text": "x\xc3"}',
    b'{"id": "a", "text": "x\xe2\x80"}', b'{"id": "a", "text": "x\xc0\xaf"}',
    b'{"id": "a", "text": "x\xe0\x80\xa0"}',
    # no text, or not a string, or two
    b'{"id": "a"}', b"{}", b'{"id": "a", "text": 5}', b'{"id": "a", "text": null}',
    b'{"id": "a", "text": ["x"]}', b'{"id": "a", "text": "x", "text": "y"}',
    # a key written with an escape (it might be "text")
    b'{"id": "a", "\\u0074ext": "x"}', b'{"\\u0069d": "a", "text": "x"}',
    # malformed JSON
    b'{"id": "a", "text": "x\\q"}', b'{"id": "a", "text": "x\\u12g4"}',
    b'{"id": "a", "text": "x\ty"}', b'{"id": "a", "text": "x}', b'{"id": "a", "text": "x",}',
    b'{"id": "a" "text": "x"}', b'{"id": 01, "text": "x"}', b'{"id": tru, "text": "x"}',
    b'{"id": {"a": 1,}, "text": "x"}', b'{"id": [1 2], "text": "x"}', b'["text", "x"]',
    b'{"id": "a", "text": "x"} {"id": "b"}', b'{"id": "a", "text": "x"}}',
    b'\xef\xbb\xbf{"id": "a", "text": "x"}', b"", b" ",
    # nested deeper than the kernel follows
    b'{"id": ' + b"[" * 70 + b"]" * 70 + b', "text": "x"}',
])
def test_a_line_the_kernel_cannot_read_with_certainty_is_left_to_the_caller(line):
    lines = [b'{"id": "a", "text": "before"}', line, b'{"id": "b", "text": "after"}']
    assert _check(lines) == [1]


def test_a_line_of_nested_values_the_kernel_follows_is_signed():
    line = b'{"id": ' + b"[" * 60 + b"]" * 60 + b', "n": -1.5e+3, "t": true, "text": "x"}'
    assert _check([line]) == []


def test_many_lines_in_threads_are_signed_as_their_texts():
    """The Signer's jobs of lines, with a few left to be signed from their texts."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [madlibs_text(i) + " " + OTHERS[i % len(OTHERS)] for i in range(500)]
    texts[17] += " – Łukasz"
    texts[401] = "„Ja“ … 😀"
    lines = [json.dumps({"id": str(i), "text": t}, ensure_ascii=i % 2 == 0).encode()
             for i, t in enumerate(texts)]
    data = b"".join(line + b"\n" for line in lines)
    ends = np.cumsum([len(line) + 1 for line in lines])
    starts = np.concatenate([[0], ends[:-1]])
    slots = _slots()
    with ThreadPoolExecutor(2) as pool:
        signer = hashing.Signer(len(lines), slots, pool)
        for a in range(0, 500, 64):  # parts of 64 lines, each with offsets of its own
            b = min(a + 64, 500)
            part = data[starts[a]:ends[b - 1]]
            signer.add_lines(a, part, starts[a:b] - starts[a], ends[a:b] - starts[a], 1 << 12)
        assert signer.left() == [17, 401]
        sig, words = signer.finish(texts.__getitem__)
    ref_sig, ref_words = hashing.signatures(texts, slots)
    assert np.array_equal(sig, ref_sig) and np.array_equal(words, ref_words)


def test_the_kernel_refuses_lines_that_do_not_fit_with_a_clear_error():
    kernel = hashing.KERNEL
    sig = np.empty((2, 128), dtype=np.uint32)
    words = np.empty(2, dtype=np.int64)
    table, punct = hashing.LATIN1_TABLE, hashing._PUNCT_CODES
    data = b'{"text": "a"}\n{"text": "b"}\n'
    starts, ends = np.array([0, 14], np.int64), np.array([14, 28], np.int64)
    assert kernel.line_signatures(data, starts, ends, table, punct, (), sig, words) == []
    with pytest.raises(ValueError, match="within the data"):
        kernel.line_signatures(data, starts, ends + 1, table, punct, (), sig, words)
    with pytest.raises(ValueError, match="within the data"):
        kernel.line_signatures(data, ends, starts, table, punct, (), sig, words)
    with pytest.raises(ValueError, match="one end per start"):
        kernel.line_signatures(data, starts, ends[:1], table, punct, (), sig, words)
    with pytest.raises(ValueError, match="power of two"):
        kernel.line_signatures(data, starts, ends, table, punct, (), sig[:, :100].copy(), words)
