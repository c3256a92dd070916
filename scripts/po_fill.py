"""Fill empty msgstr entries of a .po file from a dict module (msgid -> translation).

Used when adding many strings at once: `python scripts/po_fill.py FILE.po DICT.py`, where DICT.py
defines T = {msgid: msgstr} and optionally PLURAL = {msgid: (singular, plural)}. Entries that
already have a translation are left alone; makemessages' fuzzy guesses are cleared first.
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
        if "#, fuzzy" in entry and "\nmsgid \"\"\nmsgstr \"\"" not in entry:
            # makemessages' guess from a similar old message is wrong more often than not.
            entry = entry.replace("#, fuzzy, ", "#, ").replace("#, fuzzy\n", "")
            entry = "\n".join(line for line in entry.split("\n") if not line.startswith("#|"))
            entry = re.sub(r'^(msgstr(\[\d\])?) "(?:[^"\\]|\\.)*"(\n"(?:[^"\\]|\\.)*")*',
                           lambda m: f'{m.group(1)} ""', entry, flags=re.M)
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
        out.append(entry)
    return "\n\n".join(out)


if __name__ == "__main__":
    po_path, dict_path = sys.argv[1], sys.argv[2]
    data = runpy.run_path(dict_path)
    with open(po_path, encoding="utf-8") as handle:
        text = handle.read()
    with open(po_path, "w", encoding="utf-8") as handle:
        handle.write(fill(text, data["T"], data.get("PLURAL", {})))
