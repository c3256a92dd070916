"""Synonyms learnt from the consultation's own co-occurrences (offline, deterministic).

Two terms are *substitutes* when they keep the same company but seldom meet: their rows of a
positive pointwise mutual information (PPMI) matrix over the consultation's vocabulary are
alike (cosine), and they rarely occur in the same proposal. The context of a term is the
other terms of the proposals it occurs in (a proposal is a short window: a paragraph or a
point); each distinct wording (set of terms) counts once, so a campaign's copies do not
outweigh the rest. Only *mutual* nearest neighbours above ``threshold`` are joined, each pair
to the more frequent term, so there are no chains and no drift. Everything is numpy on a
vocabulary truncated to the ``vocab`` most frequent terms: milliseconds to a second at
100,000 responses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def learn_synonyms(term_sets: Sequence[Sequence[str]], *, vocab: int = 1500, min_df: int = 5,
                   threshold: float = 0.6, max_terms: int = 24) -> dict[str, str]:
    """{term: the term it is replaced by} from distinct wordings ``term_sets``."""
    df: dict[str, int] = {}
    for terms in term_sets:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    ranked = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))
    words = ranked[:vocab]
    v = len(words)
    if v < 3:
        return {}
    ids = {t: i for i, t in enumerate(words)}
    rows: dict[int, list[list[int]]] = {}
    for terms in term_sets:
        row = sorted({ids[t] for t in terms if t in ids})[:max_terms]
        if len(row) >= 2:
            rows.setdefault(len(row), []).append(row)
    counts = np.zeros(v * v, dtype=np.float64)
    for length, group in rows.items():
        m = np.asarray(group, dtype=np.int64)
        iu, ju = np.triu_indices(length, 1)
        pairs = (m[:, iu] * v + m[:, ju]).ravel()
        counts += np.bincount(pairs, minlength=v * v)
    c = counts.reshape(v, v)
    c = c + c.T
    total = c.sum()
    if total <= 0:
        return {}
    row_sum = c.sum(axis=1)
    ctx = row_sum ** 0.75  # context distribution smoothing (Levy, Goldberg & Dagan 2015)
    ctx = ctx / ctx.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(c / total) - np.log(row_sum[:, None] / total) - np.log(ctx[None, :])
    ppmi = np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0).astype(np.float32)
    norm = np.linalg.norm(ppmi, axis=1)
    norm[norm == 0] = 1.0
    unit = ppmi / norm[:, None]
    sim = unit @ unit.T
    np.fill_diagonal(sim, -1.0)
    # substitutes seldom meet: together in fewer than 1 in 20 of the rarer one's wordings
    dfs = np.array([df[t] for t in words], dtype=np.float64)
    together = c / np.minimum(dfs[:, None], dfs[None, :])
    sim[together >= 0.05] = -1.0
    best = np.argmax(sim, axis=1)  # ties: the lower index, i.e. the more frequent term
    best_sim = sim[np.arange(v), best]
    out: dict[str, str] = {}
    for a in range(v):
        b = int(best[a])
        if a < b and best_sim[a] >= threshold and int(best[b]) == a:
            out[words[b]] = words[a]
    return out
