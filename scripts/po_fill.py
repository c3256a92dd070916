"""Fill empty msgstr entries of a .po file from a dict module (msgid -> translation).

Used when adding many strings at once: `python scripts/po_fill.py FILE.po DICT.py`, where DICT.py
defines T = {msgid: msgstr} and optionally PLURAL = {msgid: (singular, plural)}. Entries that
already have a translation are left alone; fuzzy flags on filled entries are removed.
"""

import re
import runpy
import sys


def _unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def fill(po_text: str, table: dict[str, str], plural: dict[str, tuple[str, str]]) -> str:
    entries = po_text.split("\n\n")
    out = []
    for entry in entries:
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not m:
            out.append(entry)
            continue
        msgid = _unquote(m.group(1))
        if "msgid_plural" in entry and msgid in plural:
            one, many = plural[msgid]
            entry = entry.replace('msgstr[0] ""', f"msgstr[0] {_quote(one)}")
            entry = entry.replace('msgstr[1] ""', f"msgstr[1] {_quote(many)}")
        elif msgid in table and re.search(r'^msgstr ""\n?\Z', entry, re.M):
            translated = _quote(table[msgid])
            entry = re.sub(r'^msgstr ""(\n?)\Z',
                           lambda m, t=translated: f"msgstr {t}{m.group(1)}", entry, flags=re.M)
        if msgid:
            entry = entry.replace("#, fuzzy\n", "")
        out.append(entry)
    return "\n\n".join(out)


if __name__ == "__main__":
    po_path, dict_path = sys.argv[1], sys.argv[2]
    data = runpy.run_path(dict_path)
    with open(po_path, encoding="utf-8") as handle:
        text = handle.read()
    with open(po_path, "w", encoding="utf-8") as handle:
        handle.write(fill(text, data["T"], data.get("PLURAL", {})))
