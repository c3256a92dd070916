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

from bench.generate import generate, labelled_sentences, pairwise_scores

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
            "set_aside": reasons}


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
