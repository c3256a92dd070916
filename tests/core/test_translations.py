"""English beside Danish: every Danish text of the UI has an English translation."""

import re
from pathlib import Path

import pytest

import samskab

pytestmark = pytest.mark.nodb

PO = Path(samskab.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_has_an_english_translation():
    untranslated = []
    for entry in PO.read_text(encoding="utf-8").split("\n\n")[1:]:
        if entry.lstrip().startswith("#~"):
            continue  # obsolete
        msgid = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', entry.split("msgstr")[0]))
        if "#, fuzzy" in entry:
            untranslated.append(msgid)
        elif "msgid_plural" in entry:
            if re.search(r'^msgstr\[\d\] ""\n?\Z', entry, re.M) or 'msgstr[0] ""\n' in entry:
                untranslated.append(msgid)
        elif re.search(r'^msgstr ""\n?\Z', entry, re.M):
            untranslated.append(msgid)
    assert untranslated == []


def test_pages_render_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("Afgiv høringssvar") == "Respond to the consultation"
