"""Public full-text search across published responses and the consultations' documents.

The workspace's index (`workspace.search`) covers the *received* text and attachments' extracted
text; searching it in public would tell whether a response contains a masked word (a name, a
CPR number), so it is not used here. This search reads only the public read model: the
published versions of public responses (`selectors`), and published consultations with their
documents' titles. PostgreSQL matches with the `danish` configuration
(`websearch_to_tsquery`, so »forslag« finds »forslagene«) computed at query time; other
databases match every word case-insensitively as a substring. Results are capped."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse

from samskab.consultations.models import Consultation, Response
from samskab.publishing import selectors

MAX_RESULTS = 50
MAX_WORDS = 8
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    kind: str  # "consultation" or "response"
    title: str
    url: str
    snippet: str


def _words(text: str) -> list[str]:
    return _WORD.findall(text or "")[:MAX_WORDS]


def _snippet(text: str, words: list[str], width: int = 240) -> str:
    text = " ".join(selectors.public_text(text).split())
    lower = text.casefold()
    positions = [lower.find(w.casefold()) for w in words if lower.find(w.casefold()) >= 0]
    start = max(0, (min(positions) if positions else 0) - width // 3)
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def _responses(query: str, words: list[str]) -> QuerySet[Response]:
    public = Response.objects.public().filter(published_version__isnull=False,
                                              consultation__in=Consultation.objects.published())
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        return (public.annotate(document=SearchVector("published_version__text",
                                                      config="danish"))
                .filter(document=SearchQuery(query, config="danish", search_type="websearch")))
    for word in words:
        public = public.filter(published_version__text__icontains=word)
    return public


def search(query: str) -> list[Hit]:
    """Published consultations (title, summary, letter, documents' titles) and published
    responses (their published version) matching `query`; empty query: nothing."""
    words = _words(query)
    if not words:
        return []
    hits: list[Hit] = []
    consultations = Consultation.objects.published()
    for word in words:
        consultations = consultations.filter(
            Q(title_da__icontains=word) | Q(summary_da__icontains=word)
            | Q(body_da__icontains=word) | Q(title_en__icontains=word)
            | Q(documents__title_da__icontains=word)).distinct()
    for consultation in consultations.order_by("-published_at")[:MAX_RESULTS]:
        hits.append(Hit("consultation", selectors.public_text(consultation.title_da),
                        reverse("consultations:detail", args=[consultation.slug]),
                        _snippet(consultation.summary_da or consultation.body_da, words)))
    rows = (_responses(" ".join(words), words)
            .values("reference", "consultation__slug", "consultation__title_da",
                    "published_version__text")
            .order_by("-received_at", "-id")[:MAX_RESULTS])
    for row in rows:
        slug = row["consultation__slug"]
        hits.append(Hit("response", f"{row['reference']} – "
                        f"{selectors.public_text(row['consultation__title_da'])}",
                        reverse("published:responses", args=[slug]) + f"#{row['reference']}",
                        _snippet(row["published_version__text"], words)))
    return hits
