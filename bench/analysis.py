"""Benchmark of the analysis engine against a datasketch baseline, on generated corpora.

    .venv/bin/python -m bench.analysis                 # 10k and 100k
    .venv/bin/python -m bench.analysis --n 1000000     # 1M (baseline estimated from 100k)
    .venv/bin/python -m bench.analysis --n 100000 --full   # also all stages at 100k
    .venv/bin/python -m bench.analysis --n 10000,100000,1000000 --full --workers 2   # the README's

For each N it prints, for Samskab's grouping (slots, signatures, links, describe) and for the
baseline (datasketch MinHash num_perm=128 over word 3-shingles shingled in Python,
MinHashLSH threshold 0.5, union-find over the query results): wall time per stage (and the
process's CPU time, which other work on a shared machine disturbs much less), peak
memory (the process's peak resident set size, corpus included, each run in its own forked
process) and pairwise precision and recall of the groups against the planted truth; then the
speed ratio. First it prints tag quality (precision, recall, Brier score) on labelled
sentences, with the lexicons alone and after simulated staff decisions. The baseline is run
up to ``--baseline-max`` responses (default 100k); above that its time is estimated by linear
scaling from the largest run, and the output says so.

With ``--cli``, it also runs :mod:`bench.analysis_cli` for the same sizes: ``samskab analyse
--stages groups`` end to end (interpreter start, reading the file, writing the results), with
wall and CPU time, peak memory of the command and its workers, and the load average, beside
datasketch at 100k.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import resource
import sys
import time

import numpy as np

from bench import generate as gen
from bench.generate import (
    ACTIONS,
    EN_ACTIONS,
    generate,
    labelled_sentences,
    pairwise_scores,
)

_WORD = re.compile(r"\w+")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _run_ours(records: list[dict], truth: np.ndarray, workers: int) -> dict:
    from samskab.analysis import Analyser, Record

    base = _rss_mb()
    recs = [Record(id=r["id"], text=r["text"], language=r["language"]) for r in records]
    t0, c0 = time.perf_counter(), time.process_time()
    analyser = Analyser(stages=["groups"], workers=workers)
    result = analyser.fit(recs)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    steps = {k.split(".", 1)[1]: v for k, v in result.summary["seconds"].items()
             if k.startswith("groups.")}
    labels = analyser.label.copy()
    p, r = pairwise_scores(labels, truth)
    return {"steps": steps, "total": total, "cpu": cpu + analyser.worker_cpu_s,
            "precision": p, "recall": r,
            "groups": result.summary["groups"], "links": analyser.link_counts,
            "peak_mb": _peak_rss_mb(), "base_mb": base, "worker_mb": analyser.worker_peak_mb}


def _run_full(records: list[dict], workers: int) -> dict:
    from samskab.analysis import Analyser, Record

    recs = [Record(id=r["id"], text=r["text"]) for r in records]  # language detected
    t0, c0 = time.perf_counter(), time.process_time()
    analyser = Analyser(workers=workers)
    result = analyser.fit(recs)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"total": total, "cpu": cpu + analyser.worker_cpu_s,
            "seconds": result.summary["seconds"],
            "proposals": result.summary["proposals"], "ideas": result.summary["ideas"],
            "groups": result.summary["groups"], "peak_mb": _peak_rss_mb(),
            "worker_mb": analyser.worker_peak_mb}


def _run_ideas(records: list[dict], workers: int, synonyms: bool = True) -> dict:
    from bench.generate import idea_scores
    from samskab.analysis import Analyser, Record
    from samskab.analysis.ideas import IdeaParams

    recs = [Record(id=r["id"], text=r["text"]) for r in records]
    t0, c0 = time.perf_counter(), time.process_time()
    params = IdeaParams(synonym_threshold=0.6 if synonyms else 0.0)
    analyser = Analyser(stages=["proposals", "ideas"], workers=workers, idea_params=params)
    result = analyser.fit(recs)
    total = time.perf_counter() - t0
    cpu = time.process_time() - c0 + analyser.worker_cpu_s
    seconds = result.summary["seconds"]
    scores = idea_scores(_CORPUS["corpus"], result.responses)
    top = sorted(result.ideas, key=lambda i: (-i.size, i.id))[:10]
    reasons: dict[str, int] = {}
    for r in result.responses:
        for x in r.set_aside:
            reasons[x.reason] = reasons.get(x.reason, 0) + 1
    return {"total": total, "cpu": cpu, "seconds": seconds,
            "synonyms": len(analyser.ideas.synonyms), "scores": scores, "ideas": len(result.ideas),
            "top": [(i.label, i.size, ", ".join(i.keywords[:3])) for i in top],
            "set_aside": reasons, "labels": label_quality(_CORPUS["corpus"], result),
            "background": background_quality(_CORPUS["corpus"], result)}


_SLOTS = {"inst": gen.INST, "Inst": [w[0].upper() + w[1:] for w in gen.INST], "data": gen.DATA,
          "service": gen.SERVICE, "value": gen.VALUE, "group": gen.GROUP,
          "Group": [w[0].upper() + w[1:] for w in gen.GROUP], "format": gen.FORMAT,
          "area": gen.AREA, "tool": gen.TOOL, "year": gen.YEAR, "inst_en": gen.INST_EN,
          "data_en": gen.DATA_EN, "group_en": gen.GROUP_EN, "area_en": gen.AREA_EN}
_TYPO_BACK = str.maketrans({"„": '"', "“": '"', "”": '"', "’": "'", "–": "-", "—": "-",
                            "…": "...", "•": "-"})


def _template_patterns() -> list[tuple[str, re.Pattern]]:
    """The generator's background sentence templates and proposal actions as patterns (slots
    as their alternatives), so a proposal's templates — its background "ideas" — are known."""
    out = []
    for tag, templates in (("da", gen.DA_TEMPLATES), ("en", gen.EN_TEMPLATES),
                           ("da-action", gen.ACTIONS), ("en-action", gen.EN_ACTIONS)):
        for k, t in enumerate(templates):
            body = t.rstrip(".")
            if not tag.endswith("action"):
                body = body[0].lower() + body[1:] if body[0] != "{" else body
            parts = re.split(r"(\{\w+\})", body)
            rx = "".join("(?:" + "|".join(re.escape(v) for v in _SLOTS[p[1:-1]]) + ")"
                         if p.startswith("{") else re.escape(p) for p in parts)
            out.append((f"{tag}:{k}", re.compile(rx, re.IGNORECASE)))
    return out


def _pairs_sharing(sets: list[frozenset], rng, samples: int = 300) -> float:
    """Share of pairs of ``sets`` that share an element (sampled when there are many)."""
    n = len(sets)
    if n * (n - 1) // 2 <= samples:
        pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    else:
        pairs = []
        while len(pairs) < samples:
            a, b = rng.randrange(n), rng.randrange(n)
            if a != b:
                pairs.append((a, b))
    return sum(1 for a, b in pairs if sets[a] & sets[b]) / max(1, len(pairs))


# background templates about the same thing as a planted idea (by its words)
_ON_TOPIC = {0: ("ministrenes kalendere",), 1: ("whistleblow",), 2: ("aktindsigt",)}


def background_quality(corpus, result) -> dict:
    """Over-merging of background proposals, judged by the templates the generator built
    them from: pairwise precision of background proposals in the same idea (a pair is right
    when the two share a template: a lower bound, as two templates may say one thing); and
    the share of the proposals in ideas holding a planted wording that hold none *and* are
    about something else (no word of the planted idea's topic)."""
    import random

    patterns = _template_patterns()
    by_id = {r["id"]: k for k, r in enumerate(corpus.records)}
    members: dict[str, list[frozenset]] = {}
    planted_of: dict[str, dict[int, int]] = {}
    plain: dict[str, list[str]] = {}
    cache: dict[str, frozenset] = {}
    for r in result.responses:
        k = by_id[r.id]
        planted = corpus.ideas[k] if corpus.ideas else []
        for p in r.proposals:
            if not p.idea:
                continue
            inside = [x for x in planted if x[0] >= p.start and x[1] <= p.end]
            if inside:
                counts = planted_of.setdefault(p.idea, {})
                for x in inside:
                    counts[x[2]] = counts.get(x[2], 0) + 1
                continue
            low = p.text.translate(_TYPO_BACK)
            found = cache.get(low)
            if found is None:
                found = cache[low] = frozenset(tag for tag, rx in patterns if rx.search(low))
            plain.setdefault(p.idea, []).append(p.text.lower())
            if found:
                members.setdefault(p.idea, []).append(found)
    rng = random.Random(0)
    weighted = total = 0.0
    for sets in members.values():
        if len(sets) < 2:
            continue
        w = len(sets) * (len(sets) - 1) / 2
        weighted += w * _pairs_sharing(sets, rng)
        total += w
    in_planted = off = in_main = off_main = 0
    main: dict[int, tuple[int, str]] = {}  # planted idea -> (its wordings there, idea)
    for iid, counts in planted_of.items():
        for j, c in counts.items():
            if (c, iid) > main.get(j, (0, "")):
                main[j] = (c, iid)
    main_ideas = {iid: j for j, (_, iid) in main.items()}
    for iid, counts in planted_of.items():
        k = max(counts, key=lambda j: (counts[j], -j))
        words = _ON_TOPIC.get(k, ())
        texts = plain.get(iid, [])
        n_off = sum(1 for t in texts if not any(w in t for w in words))
        in_planted += sum(counts.values()) + len(texts)
        off += n_off
        if iid in main_ideas:
            in_main += sum(counts.values()) + len(texts)
            off_main += n_off
    recognised = sum(len(v) for v in members.values())
    return {"precision": weighted / total if total else 1.0, "recognised": recognised,
            "off_topic_share": off / max(1, in_planted),
            "off_topic_main": off_main / max(1, in_main)}


# The benchmark's own word lists for judging labels (kept apart from the engine's lists, so
# the figure does not grade the engine by its own rules).
_FUNCTION_END = frozenset("""
af på i til for med om fra ved hos mod uden efter under over gennem og eller samt men at en et
den det de der som så hvis når fordi bør skal kan vil må er har ikke også deres sin sit sine
vores jeres min mit mine hvert hver inden
of on in to for with about from by at and or but a an the that which who should must can
will is are their its our my your not also every each
""".split())
_FUNCTION_START = frozenset("""
af på i til for med om fra ved hos mod og eller samt men at der som så hvis når fordi bør skal
kan vil må er har ikke hvem hvad hvordan grad inden senest fremover også gerne hvert hver
allerede desuden endvidere derudover regeringen vi jeg
of on in to for with about from by at and or but that which who should must can will is are
not whom what how also already every we i
""".split())
# labels that open on a verb (the generator's proposal verbs): a verb phrase, not a heading
_VERB_START = frozenset(a.split()[0] for a in ACTIONS + EN_ACTIONS) | frozenset(
    "læg gør giv brug skriv lad indfør beskyt nedsæt styrk sæt make give publish introduce "
    "set write use let".split())
_PLEASANTRY = frozenset("""
tak hilsen hilsner venlig kære hej mvh please thank thanks regards dear sincerely
""".split())


def _stems(text: str, lang: str) -> set[str]:
    from samskab.analysis import text as tx

    return {tx.stem(tx.fold(w), lang) for w in _WORD.findall(text.lower())
            if tx.fold(w) not in tx.stop_words(lang) and len(w) > 2}


def label_quality(corpus, result, top: int = 50) -> dict:
    """Quality of idea labels: over the ``top`` largest ideas and each planted idea's main
    idea (the one holding most of its wordings), the share of labels that are cut fragments
    (end on a function word, or start on one that cannot open a heading), hold a pleasantry
    word, are longer than 60 characters, are keyword lists, or are in the wrong language (the
    label's words found more in the idea's members of the other language); and, per planted
    idea, the label beside the planted heading with their stem overlap (F1) and the share of
    the label's stems found in the planted wordings (is the label the members' own words?)."""
    from bench.generate import IDEAS

    by_id = {r["id"]: k for k, r in enumerate(corpus.records)}
    held: dict[str, list[tuple[str, str]]] = {}  # idea -> (proposal text, language)
    planted_in: dict[int, dict[str, int]] = {}
    for r in result.responses:
        k = by_id[r.id]
        planted = corpus.ideas[k] if corpus.ideas else []
        for p in r.proposals:
            if not p.idea:
                continue
            held.setdefault(p.idea, []).append((p.text, r.language))
            for a, b, idea_k, _ in planted:
                if a >= p.start and b <= p.end:
                    counts = planted_in.setdefault(idea_k, {})
                    counts[p.idea] = counts.get(p.idea, 0) + 1
    main = {k: max(c, key=lambda i: (c[i], i)) for k, c in planted_in.items()}
    ideas = {i.id: i for i in result.ideas}
    chosen = [i.id for i in sorted(result.ideas, key=lambda i: (-i.size, i.id))[:top]]
    chosen += [i for i in main.values() if i not in chosen]
    flags = {"fragment": 0, "verb_phrase": 0, "pleasantry": 0, "too_long": 0, "keywords": 0,
             "wrong_language": 0}
    bad: list[str] = []  # the first few flagged labels, to show
    for iid in chosen:
        label = ideas[iid].label
        words = [w.strip(".,;:!?\"'()").lower() for w in label.split()]
        why = []
        if not words or words[-1] in _FUNCTION_END or words[0] in _FUNCTION_START:
            why.append("fragment")
        if words and words[0] in _VERB_START and words[1:2] not in (["af"], ["of"]):
            why.append("verb_phrase")
        if any(w in _PLEASANTRY for w in words):
            why.append("pleasantry")
        if len(label) > 60:
            why.append("too_long")
        if label.count(", ") >= 2 and label[:1].islower():
            why.append("keywords")
        members = held.get(iid, [])
        n_en = sum(1 for _, lang in members if lang == "en")
        majority = "en" if n_en * 2 > len(members) else "da"
        vocab = {"da": set(), "en": set()}
        for text, lang in members[:400]:
            vocab["en" if lang == "en" else "da"].update(w.lower() for w in _WORD.findall(text))
        other = "da" if majority == "en" else "en"
        if vocab[other] and sum(w in vocab[other] and w not in vocab[majority] for w in words) > \
                sum(w in vocab[majority] for w in words):
            why.append("wrong_language")
        for w in why:
            flags[w] += 1
        if why and len(bad) < 12:
            bad.append(f"{label!r} ({', '.join(why)})")
    planted_rows = []
    f1s, owns = [], []
    for k, iid in sorted(main.items()):
        label = ideas[iid].label
        mine = _stems(label, "da") | _stems(label, "en")
        truth = _stems(IDEAS[k]["label"], "da")
        common = len(mine & truth)
        f1 = 2 * common / (len(mine) + len(truth)) if mine and truth else 0.0
        wordings = " ".join(w.removeprefix("en:") for w in IDEAS[k]["seen"] + IDEAS[k]["held_out"])
        own = _stems(wordings, "da") | _stems(wordings, "en")
        share = len(mine & own) / len(mine) if mine else 0.0
        f1s.append(f1)
        owns.append(share)
        planted_rows.append((IDEAS[k]["label"], label, ideas[iid].size, f1, share))
    n = max(1, len(chosen))
    return {"judged": len(chosen), "shares": {k: v / n for k, v in flags.items()},
            "bad": bad, "planted": planted_rows,
            "planted_f1": sum(f1s) / max(1, len(f1s)),
            "planted_own": sum(owns) / max(1, len(owns)),
            "mean_chars": sum(len(ideas[i].label) for i in chosen) / n}


def _run_baseline(texts: list[str], truth: np.ndarray) -> dict:
    from datasketch import MinHash, MinHashLSH

    c0 = time.process_time()
    t0 = time.perf_counter()
    shingles = []
    for t in texts:
        w = _WORD.findall(t.lower())
        shingles.append({" ".join(w[i:i + 3]).encode("utf-8") for i in range(len(w) - 2)}
                        or {" ".join(w).encode("utf-8")})
    t_shingle = time.perf_counter() - t0
    t0 = time.perf_counter()
    sigs = []
    for s in shingles:
        m = MinHash(num_perm=128, seed=1)
        m.update_batch(list(s))
        sigs.append(m)
    t_hash = time.perf_counter() - t0
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    roots = np.array([find(i) for i in range(len(texts))])
    t_lsh = time.perf_counter() - t0
    sizes = np.bincount(roots, minlength=len(texts))
    labels = np.where(sizes[roots] >= 2, roots, -1)
    p, r = pairwise_scores(labels, truth)
    return {"steps": {"shingling": t_shingle, "minhash": t_hash, "lsh+union-find": t_lsh},
            "total": t_shingle + t_hash + t_lsh, "cpu": time.process_time() - c0,
            "precision": p, "recall": r,
            "peak_mb": _peak_rss_mb()}


def tag_quality(n_test: int = 2000, n_train: int = 600, decisions: int = 600) -> None:
    """Print tag precision/recall/Brier on labelled generated sentences, before and after
    ``decisions`` simulated staff decisions taken in review order (least certain first)."""
    from samskab.analysis import Analyser, evaluate, review_order
    from samskab.analysis.tags import BASE_CODES

    data = labelled_sentences(n_test + n_train)
    train, test = data[:n_train], data[n_train:]
    analyser = Analyser(stages=["tags"])

    def scores(rows):
        return [{t.code: t.score for t in analyser.tag_scores(text)} for text, _ in rows]

    def show(label: str, report: dict) -> None:
        micro = report["micro"]
        worst = sorted((r for c, r in report.items() if c != "micro"),
                       key=lambda r: min(r.precision, r.recall))[:3]
        print(f"tags {label:<15}: micro precision {micro.precision:.3f}, recall "
              f"{micro.recall:.3f}, Brier {micro.brier:.4f}; weakest "
              + ", ".join(f"{r.code} P{r.precision:.2f}/R{r.recall:.2f}" for r in worst))

    t0 = time.perf_counter()
    show("lexicon only", evaluate(scores(test), [c for _, c in test], BASE_CODES))
    queue = review_order((i, code, score) for i, sc in enumerate(scores(train))
                         for code, score in sc.items() if code in BASE_CODES)
    for i, code, _ in queue[:decisions]:
        analyser.feedback(train[i][0], code, code in train[i][1])
    show(f"+{decisions} decisions", evaluate(scores(test), [c for _, c in test], BASE_CODES))
    print(f"                   ({n_test} held-out sentences, {n_train} reviewed; "
          f"{time.perf_counter() - t0:.1f} s)")


_CORPUS: dict = {}


def idea_quality(n: int, seed: int, workers: int) -> None:
    """Print idea quality on a generated corpus with planted ideas and pleasantries (see
    ``bench.generate.idea_scores``), the top ideas, and what was set aside."""
    t0 = time.perf_counter()
    corpus = generate(n, seed=seed)
    _CORPUS.update(texts=corpus.texts, truth=corpus.truth, records=corpus.records,
                   corpus=corpus)
    typographic = sum(1 for t in corpus.texts if any(ord(c) > 255 for c in t)) / max(1, n)
    print(f"\n== ideas on N = {n:,} (generated in {time.perf_counter() - t0:.1f} s; "
          f"{typographic:.0%} with typographic characters outside Latin-1)")
    for synonyms in (False, True):
        _idea_report(_in_child("ideas" if synonyms else "ideas-plain", workers), synonyms)


def _idea_report(res: dict, synonyms: bool) -> None:
    sc = res["scores"]
    print(f"-- {'with' if synonyms else 'without'} learnt synonyms ({res['synonyms']} pairs); "
          f"proposals+ideas {res['total']:.1f} s wall, {res['cpu']:.1f} s CPU, load "
          f"{os.getloadavg()[0]:.1f}; stages " + ", ".join(
              f"{k} {v:.1f}" for k, v in res["seconds"].items() if "." not in k))
    print(f"proposals      : {sc['proposals']:,}; pleasantry proposals "
          f"{sc['pleasantry_proposals']:,} = {sc['pleasantry_share']:.2%} (target ≤ 5 %); "
          f"ideas made mostly of them: {sc['pleasantry_ideas']} (target 0)")
    print(f"planted ideas  : {sc['planted']:,} planted wordings; pairwise precision "
          f"{sc['precision']:.3f} (≥ 0.9), recall {sc['recall']:.3f} (≥ 0.6); held-out "
          f"wordings alone: precision {sc['held_out_precision']:.3f}, recall "
          f"{sc['held_out_recall']:.3f}")
    print(f"over-merging   : {sc['mixed_share']:.2%} of the proposals in ideas holding a planted "
          f"wording hold none (background merged in); largest idea of background alone: "
          f"{sc['largest_background']:,} proposals")
    print(f"set aside      : {res['set_aside']}; {res['ideas']:,} ideas in {res['total']:.1f} s")
    for label, size, kws in res["top"]:
        print(f"  {size:>6,}  {label}   [{kws}]")
    bq = res.get("background")
    if bq:
        print(f"background     : pairwise precision by template {bq['precision']:.3f} "
              f"({bq['recognised']:,} background proposals recognised); in ideas holding a "
              f"planted wording, {bq['off_topic_share']:.2%} of the proposals are background "
              f"about something else ({bq.get('off_topic_main', 0):.2%} in each planted idea's "
              f"main idea)")
    lq = res.get("labels")
    if lq:
        print(f"labels         : {lq['judged']} judged (the 50 largest ideas and each planted "
              f"idea's main idea), mean {lq['mean_chars']:.0f} characters; " + ", ".join(
                  f"{k.replace('_', ' ')} {v:.0%}" for k, v in lq["shares"].items()))
        print(f"                 planted ideas: label–heading stem F1 {lq['planted_f1']:.2f}, "
              f"label stems found in the planted wordings {lq['planted_own']:.0%}")
        for heading, label, size, f1, own in lq["planted"]:
            print(f"    {heading:<40} -> {label!r} ({size:,}; F1 {f1:.2f}, own {own:.0%})")
        if lq["bad"]:
            print("                 flagged: " + "; ".join(lq["bad"]))
    sys.stdout.flush()


def _child(kind: str, workers: int) -> dict:
    texts, truth, records = _CORPUS["texts"], _CORPUS["truth"], _CORPUS["records"]
    if kind == "ours":
        return _run_ours(records, truth, workers)
    if kind == "full":
        return _run_full(records, workers)
    if kind == "ideas":
        return _run_ideas(records, workers)
    if kind == "ideas-plain":
        return _run_ideas(records, workers, synonyms=False)
    return _run_baseline(texts, truth)


def _child_main(conn, kind: str, workers: int) -> None:
    try:
        conn.send(("ok", _child(kind, workers)))
    except BaseException as exc:  # noqa: BLE001 — reported by the parent
        conn.send(("error", repr(exc)))
    finally:
        conn.close()


def _in_child(kind: str, workers: int = 1) -> dict:
    """Run one measurement in a forked process, so its peak memory is its own (a plain
    process, not a pool's daemon: the analysis may start worker processes of its own)."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(send, kind, workers))
    child.start()
    send.close()
    status, value = receive.recv()
    child.join()
    if status != "ok":
        raise RuntimeError(f"{kind} measurement failed: {value}")
    return value


def _prefault(gib: float) -> None:
    """Touch ``gib`` GiB of fresh memory once and give it back: on a virtual machine whose
    host backs guest memory lazily, the first touch of a page costs far more than later ones
    (3.5 s per GiB was measured on this project's VM, 0.1 s per GiB afterwards)."""
    if gib <= 0:
        return
    t0 = time.perf_counter()
    for _ in range(int(gib)):
        block = np.empty(1 << 30, dtype=np.uint8)
        block[::4096] = 1
        del block
    print(f"prefaulted {int(gib)} GiB of memory in {time.perf_counter() - t0:.1f} s")


def _mb(values: list[float]) -> str:
    return " + ".join(f"{v:.0f}" for v in values) if values else "none"


def _fmt_steps(steps: dict) -> str:
    return ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.analysis", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", default="10000,100000",
                    help="comma-separated corpus sizes (default 10000,100000)")
    ap.add_argument("--seed", type=int, default=2012)
    ap.add_argument("--baseline-max", type=int, default=100_000,
                    help="largest N to run datasketch on; above it, scale linearly")
    ap.add_argument("--full", action="store_true",
                    help="also time all stages (groups, proposals, ideas, tags) for N ≤ 100k")
    ap.add_argument("--workers", type=int, default=1,
                    help="worker processes for our analysis (default 1)")
    ap.add_argument("--prefault", type=float, default=0,
                    help="GiB of memory to touch once before measuring (see _prefault)")
    ap.add_argument("--no-tags", action="store_true", help="skip the tag quality figures")
    ap.add_argument("--cli", action="store_true",
                    help="also time `samskab analyse --stages groups` end to end "
                         "(bench.analysis_cli) for the same sizes")
    ap.add_argument("--ideas", type=int, default=20_000,
                    help="corpus size for the idea quality figures (0: skip; default 20000)")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.n.split(",") if x.strip() and int(x) > 0]
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} "
          f"(other work on the machine slows wall times); --workers {args.workers}; CPU "
          f"times include the worker processes'")
    _prefault(args.prefault)
    if not args.no_tags:
        tag_quality()
    if args.ideas:
        idea_quality(args.ideas, args.seed, args.workers)
    baseline_ref: tuple[int, float, float] | None = None
    for n in sizes:
        t0 = time.perf_counter()
        corpus = generate(n, seed=args.seed)
        _CORPUS.update(texts=corpus.texts, truth=corpus.truth, records=corpus.records,
                       corpus=corpus)
        words = sum(len(t.split()) for t in corpus.texts) / max(1, n)
        in_campaigns = int((corpus.truth >= 0).sum())
        print(f"\n== N = {n:,} responses (~{words:.0f} words each; {in_campaigns:,} in "
              f"{len(corpus.campaigns)} planted campaigns; generated in "
              f"{time.perf_counter() - t0:.1f} s)")
        ours = _in_child("ours", args.workers)
        print(f"samskab groups : {ours['total']:.2f} s wall, {ours['cpu']:.2f} s CPU  "
              f"({_fmt_steps(ours['steps'])})")
        print(f"                 peak RSS {ours['peak_mb']:.0f} MB (corpus in memory: "
              f"{ours['base_mb']:.0f} MB) + workers {_mb(ours['worker_mb'])} MB = "
              f"{ours['peak_mb'] + sum(ours['worker_mb']):.0f} MB; precision "
              f"{ours['precision']:.4f}, recall {ours['recall']:.4f}; {ours['groups']:,} "
              f"groups; links {ours['links']}")
        if n <= args.baseline_max:
            base = _in_child("baseline")
            baseline_ref = (n, base["total"], base["cpu"])
            print(f"datasketch     : {base['total']:.2f} s wall, {base['cpu']:.2f} s CPU  "
                  f"({_fmt_steps(base['steps'])})")
            print(f"                 peak RSS {base['peak_mb']:.0f} MB; precision "
                  f"{base['precision']:.4f}, recall {base['recall']:.4f}")
            print(f"speed ratio    : {base['total'] / ours['total']:.1f}× faster in wall time, "
                  f"{base['cpu'] / ours['cpu']:.1f}× in CPU time (same data, same run)")
        elif baseline_ref:
            scale = n / baseline_ref[0]
            est, est_cpu = baseline_ref[1] * scale, baseline_ref[2] * scale
            print(f"datasketch     : ESTIMATED {est:.0f} s wall, {est_cpu:.0f} s CPU (linear "
                  f"scaling of the {baseline_ref[0]:,}-response run above; not run at this "
                  f"size)")
            print(f"speed ratio    : {est / ours['total']:.1f}× faster in wall time, "
                  f"{est_cpu / ours['cpu']:.1f}× in CPU time (against the estimate)")
        else:
            print("datasketch     : not run (use --baseline-max, or include a smaller N first)")
        if args.full and n <= 100_000:
            full = _in_child("full", args.workers)
            print(f"all stages     : {full['total']:.2f} s wall, {full['cpu']:.2f} s CPU  "
                  f"({_fmt_steps(full['seconds'])}); "
                  f"{full['groups']:,} groups, {full['proposals']:,} proposals, "
                  f"{full['ideas']:,} ideas; peak RSS {full['peak_mb']:.0f} MB + workers "
                  f"{_mb(full['worker_mb'])} MB")
        sys.stdout.flush()
    if args.cli and sizes:
        from bench import analysis_cli

        print("\n== the whole command (bench.analysis_cli)")
        analysis_cli.main(["--n", ",".join(map(str, sizes)), "--seed", str(args.seed),
                           "--baseline-max", str(args.baseline_max)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
