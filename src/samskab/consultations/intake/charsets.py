"""Charsets as real mail labels them, and RFC 2047 encoded words as real mail writes them.

Mislabelled charsets (``CP 1252``, Latin-1 read as Windows-1252), raw 8-bit header bytes,
encoded words split inside a character or missing their spaces, raw UTF-7 headers: decoded as
well as possible, with what could not be read cleanly noted in `defects`. Pure Python."""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata

_CHARSET_ALIASES = {
    # What browsers do: Latin-1 labels are read as Windows-1252, its superset.
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-unicode20utf8": "utf-8",
    "utf8": "utf-8",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
}


def codec_for(label: str | None) -> str | None:
    """A Python codec for a charset label as found in the wild, or None when unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower().split("*", 1)[0].strip()
    candidates = [name, re.sub(r"[\s_]+", "-", name), re.sub(r"[\s_-]+", "", name)]
    compact = candidates[-1]
    match = re.fullmatch(r"(?:windows|win|cp|ms|x-cp)(\d{3,4})", compact)
    if match:
        candidates.insert(0, f"cp{match.group(1)}")
    match = re.fullmatch(r"iso-?8859-?(\d{1,2})", compact)
    if match:
        candidates.insert(0, f"iso-8859-{match.group(1)}")
    for candidate in candidates:
        candidate = _CHARSET_ALIASES.get(candidate, candidate)
        if candidate in ("unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined"):
            return None
        try:
            codec = codecs.lookup(candidate)
        except (LookupError, ValueError):  # ValueError: a NUL byte in the label
            continue
        if codec.name in ("latin-1", "iso8859-1", "ascii"):
            return "cp1252"
        return codec.name
    return None


def decode_bytes(data: bytes, label: str | None, defects: list[str], where: str) -> str:
    """Decode with the declared charset; fall back to UTF-8, then Windows-1252, noting why."""
    codec = codec_for(label)
    if label and codec is None:
        defects.append(f"{where}: unknown charset {label!r}")
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            if codec != "cp1252":
                defects.append(f"{where}: text is not valid {label}")
        except LookupError:
            defects.append(f"{where}: unknown charset {label!r}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def unsurrogate(value: str) -> str:
    """Header values from the bytes parser carry raw 8-bit bytes as surrogates; read them as
    UTF-8, else Windows-1252."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    raw = value.encode("ascii", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


_UTF7_RUN = re.compile(r"\+[A-Za-z0-9+/]{2,}-?")


def _raw_utf7(text: str) -> str:
    """Netscape 4 wrote headers in raw UTF-7 when the body was UTF-7 ("Fr+APY-sche")."""
    def decode(match: re.Match) -> str:
        try:
            return match.group(0).encode("ascii").decode("utf-7")
        except (UnicodeError, ValueError):
            return match.group(0)

    return _UTF7_RUN.sub(decode, text)


# --------------------------------------------------------------------------- RFC 2047

_ENCODED_WORD = re.compile(r"=\?([^?\n]{1,60}?)\?([QqBb])\?(.*?)\?=", re.DOTALL)


def _q_decode(text: str) -> bytes:
    text = text.replace("_", " ")
    out = bytearray()
    i = 0
    raw = text.encode("latin-1", "replace")
    while i < len(raw):
        byte = raw[i]
        if byte == 0x3D and re.fullmatch(rb"[0-9A-Fa-f]{2}", raw[i + 1:i + 3]):
            out.append(int(raw[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(byte)
            i += 1
    return bytes(out)


def _b_decode(text: str) -> bytes:
    cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
    cleaned += "=" * (-len(cleaned) % 4)
    return base64.b64decode(cleaned)


def decode_header_value(value: str | None, defects: list[str] | None = None,
                        where: str = "header", *, raw_charset: str | None = None) -> str:
    """Decode a header's RFC 2047 encoded words, tolerating what real mail does: missing
    whitespace, spaces inside encoded words, words split inside a multi-byte character, unknown
    or mislabelled charsets. Unfolds and trims the result. `raw_charset` ``utf-7`` also decodes
    raw UTF-7 outside encoded words (set it when the message body is UTF-7)."""
    if value is None:
        return ""
    defects = defects if defects is not None else []
    text = unsurrogate(str(value))
    text = re.sub(r"\r?\n[ \t]+", " ", text).replace("\r", "").replace("\n", " ")
    pieces: list[tuple[str, str | None, bytes | str]] = []
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position:match.start()]
        if between and not (between.isspace() and pieces and pieces[-1][0] == "ew"):
            pieces.append(("raw", None, between))
        charset, encoding, payload = match.groups()
        try:
            data = _q_decode(payload) if encoding in "Qq" else _b_decode(payload)
        except (binascii.Error, ValueError):
            defects.append(f"{where}: broken encoded word")
            pieces.append(("raw", None, match.group(0)))
        else:
            if pieces and pieces[-1][0] == "ew" and pieces[-1][1] == charset.lower():
                previous = pieces.pop()
                data = previous[2] + data  # a character may be split across two words
            pieces.append(("ew", charset.lower(), data))
        position = match.end()
    if position < len(text):
        pieces.append(("raw", None, text[position:]))
    out = []
    for kind, charset, payload in pieces:
        if kind == "raw":
            out.append(_raw_utf7(payload) if raw_charset == "utf-7" else payload)
        else:
            out.append(decode_bytes(payload, charset, defects, where))
    result = "".join(out)
    result = "".join(ch for ch in result if ch == "\t" or unicodedata.category(ch) != "Cc")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", result)).strip()
