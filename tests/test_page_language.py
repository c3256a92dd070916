"""An English page shows no Danish and a Danish page no English, apart from names and data
(issue 11, "The UI's words"; docs/glossary.md).

Every page the URL × role walk knows (tests/test_url_roles.py: every URL the resolver knows,
its arguments made from the same example data) is opened as every role that is let in, once in
Danish and once in English (the language switch's cookie). Its visible text (and the texts
assistive technology reads: title, alt, aria-label, placeholder) is taken apart word by word
and searched for words only the other language has. What the pages show from the database (a
consultation's title, a response's text, a respondent's name) is data, not the UI's words: any
text that is a stored value, or a piece of one, is left out before the words are counted. Text
in an element marked with the other language (`lang="en"` on the switch's "English") is right
where it is.

The page must also show no codes: an audit action code (``redaction.accept``) or a language
code alone after a label ("Sprog: da").
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from samskab.core.audit import ACTION_LABELS
from test_url_roles import (  # noqa: F401 - the walk's fixtures, used by name
    NOT_OURS,
    ROLES,
    SIGN_IN_STEPS,
    _kwargs,
    _patterns,
    people,
    world,
)

# Words only Danish has, among those a UI sentence cannot do without, and any word with æ, ø
# or å. Words both languages spell alike ("for", "at", "under", "status") are not evidence.
DANISH = frozenset("""
og ikke af til der som med på er et det den jeg vi du dig din dit dine har kan skal ved fra
eller hvis om alle ingen intet hvad hvor hvem når også kun efter før mellem uden
svar høring høringer høringssvar side sider gem annuller tilbage næste forrige vis søg ind ud
navn nej ja ny nyt nye slet ret rediger opret sendt modtaget dato frist
""".split())
# Words only English has (function words and the UI's own words).
ENGLISH = frozenset("""
the and of is are was were be been with not your you this that these those which from by
or on in an it its will would has had can't don't yes
response responses consultation consultations save cancel back next previous search sign edit
delete name page pages show hide new sent received deadline date
""".split())
# Names that stay as they are in either language (organisations, laws, products); a page may
# name them in the other language's spelling. docs/glossary.md lists the domain words.
NAMES = frozenset("""
samskab digitaliseringsstyrelsen ogp dkfds wcag mozilla public license open government
partnership axe-core csv json pdf odt html api
""".split())

# A word: letters only, not part of a token with digits (a request id, a reference number).
_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’-][^\W\d_]+)*(?!\w)", re.UNICODE)
_DANISH_LETTERS = re.compile(r"[æøåÆØÅ]")
_CODES = re.compile(r"\b(?:" + "|".join(re.escape(code) for code in ACTION_LABELS) + r")\b")
_LANGUAGE_CODE_ALONE = re.compile(r"\b(?:Sprog|Language)\s*:?\s*(?:da|en)\b")
_READ_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
_SKIP_ELEMENTS = {"script", "style", "template", "noscript"}


class _VisibleText(HTMLParser):
    """Text nodes a reader meets (with the attributes read aloud), each with the language of
    the element it stands in."""

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool]] = [("", page_language, False)]
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        _parent, language, hidden = self.stack[-1]
        language = (attrs.get("lang") or language).split("-")[0]
        hidden = hidden or tag in _SKIP_ELEMENTS or "hidden" in attrs or (
            tag == "input" and attrs.get("type") == "hidden")
        if not hidden:
            for name in _READ_ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append((attrs[name], language))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append((attrs["value"], language))
        if tag not in ("meta", "link", "input", "br", "img", "hr", "source", "col", "area",
                       "base", "wbr", "embed", "param", "track"):
            self.stack.append((tag, language, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        _tag, language, hidden = self.stack[-1]
        if not hidden and data.strip():
            self.texts.append((data, language))


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _stored_texts() -> list[str]:
    """Every text value in the database, also inside JSON (normalised, longest first): the
    data a page shows."""
    values = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in _strings(list(row)):
                if len(value.strip()) >= 2:
                    values.add(_normal(value))
    return sorted(values, key=len, reverse=True)


def _without_data(text: str, stored: list[str], corpus: str) -> str:
    """The text with stored values taken out: all of it when it is (a piece of) one."""
    normal = _normal(text).strip("…. ")
    if not normal or normal in corpus:
        return ""
    for value in stored:
        if value in normal:  # whole words only: a stored "da" leaves "Dato" alone
            normal = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", normal)
    return normal


def visible_texts(html: str, language: str) -> list[tuple[str, str]]:
    """The page's texts a reader meets, each with its language (``language``: the page's)."""
    parser = _VisibleText(language)
    parser.feed(html)
    return parser.texts


def foreign_words(html: str, language: str, stored: list[str], corpus: str,
                  texts: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """Words of the other language in the page's own text (its data left out), each with the
    text it was found in (``texts``: the page's :func:`visible_texts`, when known)."""
    found = {}
    for text, text_language in texts if texts is not None else visible_texts(html, language):
        if text_language != language:
            continue
        for word in _WORD.findall(_without_data(text, stored, corpus)):
            if word in NAMES:
                continue
            if (language == "en" and (word in DANISH or _DANISH_LETTERS.search(word))
                    or language == "da" and word in ENGLISH):
                found.setdefault(word, " ".join(text.split())[:80])
    return found


def codes_on_screen(html: str, language: str,
                    texts: list[tuple[str, str]] | None = None) -> set[str]:
    if texts is None:
        texts = visible_texts(html, language)
    text = " ".join(t for t, _lang in texts)
    return set(_CODES.findall(text)) | set(_LANGUAGE_CODE_ALONE.findall(text))


def _pages(example_data) -> list[tuple[str, str]]:
    """(name, url) of every page the walk knows."""
    return [(name, reverse(name, kwargs=_kwargs(name, pattern, example_data)))
            for name, pattern, _callback in _patterns()
            if name not in NOT_OURS and name not in SIGN_IN_STEPS]


def test_foreign_words_are_found_and_data_is_not():
    """The check itself: English in a Danish page is caught, stored text and `lang` are not."""
    stored = [_normal("Jeg synes, at data skal være åbne.")]
    corpus = "\n".join(stored)
    page = ('<html lang="da"><title>Høringer</title><p>Save the response</p>'
            '<p>Jeg synes, at data skal være åbne.</p><button lang="en">English</button>'
            '<script>var the = 1;</script></html>')
    assert set(foreign_words(page, "da", stored, corpus)) == {"save", "the", "response"}
    english = ('<html lang="en"><p>Consultations</p><p>Svar fra borger</p>'
               '<p>Jeg synes, at data skal være åbne.</p><p>Public responses …</p></html>')
    assert foreign_words(english, "en", stored, corpus) == {"svar": "Svar fra borger",
                                                            "fra": "Svar fra borger"}
    assert foreign_words("<p>Request id: 0af3be9 · OGP-2012-0082</p>", "en", [], "") == {}
    assert codes_on_screen("<li>demo: redaction.accept</li><dd>Sprog: da</dd>", "da") == {
        "redaction.accept", "Sprog: da"}


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_every_page_speaks_one_language(client, people, world):  # noqa: F811
    stored = _stored_texts()
    corpus = "\n".join(stored)
    failures, seen = {}, set()
    pages = _pages(world)
    for role in ROLES:  # signed in once per role (a sign-in is a session row and an audit)
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        for name, url in pages:
            for language in ("da", "en"):
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                page = client.get(url)
                # no page signs its reader out: every page is read as this role
                assert page.wsgi_request.user.is_authenticated == (role != "anonymous"), url
                # The page, or the error page a role is shown instead (refused, not found).
                if page.status_code not in (200, 403, 404) or "html" not in page.get(
                        "Content-Type", ""):
                    continue
                html = page.content.decode()
                if (url, language, html) in seen:
                    continue
                seen.add((url, language, html))
                texts = visible_texts(html, language)
                words = foreign_words(html, language, stored, corpus, texts)
                codes = codes_on_screen(html, language, texts)
                for word, text in sorted({**words, **{code: code for code in codes}}.items()):
                    failures.setdefault((language, word, text), []).append(f"{name} ({role})")
    report = [f"{language} {word!r} in {text!r}: {', '.join(sorted(set(where))[:6])}"
              for (language, word, text), where in sorted(failures.items())]
    assert report == [], "\n".join(report)
