"""End-to-end figure of ``samskab analyse --stages groups``: the whole command, as a user runs it.

    .venv/bin/python -m bench.analysis_cli                       # 100k, and datasketch at 100k
    .venv/bin/python -m bench.analysis_cli --n 100000,1000000    # the issue's two sizes
    .venv/bin/python -m bench.analysis_cli --n 1000000 --no-baseline

For each N the benchmark generator's corpus (planted campaigns, ~180 words a response, a
quarter with typographic characters outside Latin-1) is written once to a JSONL file under
``var/bench`` (kept for later runs); then the command runs in a fresh process — interpreter
start, imports, reading and validating the file, the groups stage, writing the result files —
and the benchmark prints its wall time, its CPU time (the command's, from the kernel's
accounting of a finished child, plus its forkserver's and workers', polled every 20 ms from
``/proc``), its peak memory (the largest sum of the resident sets of the command and its
workers, polled every 20 ms) and the load average before and after, since on a shared machine
wall time depends on what else runs. Precision and recall
of the groups are read back from ``responses.jsonl``. At the smallest N up to
``--baseline-max`` the datasketch baseline of :mod:`bench.analysis` runs on the same texts in
the same run (in-process, its reading not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.generate import generate, pairwise_scores

ROOT = Path(__file__).resolve().parent.parent


def corpus_file(n: int, seed: int, directory: Path) -> tuple[Path, np.ndarray]:
    """The generated corpus as JSONL (written once) and its planted truth."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"responses-{n}-{seed}.jsonl"
    truth_path = directory / f"responses-{n}-{seed}.truth.npy"
    if not path.exists() or not truth_path.exists():
        corpus = generate(n, seed=seed)
        encode = json.JSONEncoder(ensure_ascii=False).encode
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for r in corpus.records:
                f.write(encode(r) + "\n")
        tmp.replace(path)
        np.save(truth_path, corpus.truth)
    return path, np.load(truth_path)


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a live process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def run_cli(path: Path, out: Path, workers: int | None) -> dict:
    """Run ``samskab analyse PATH --out OUT --stages groups`` and measure it."""
    cmd = [sys.executable, "-m", "samskab.cli", "analyse", str(path), "--out", str(out),
           "--stages", "groups"]
    if workers:
        cmd += ["--workers", str(workers)]
    env = dict(os.environ, PYTHONPATH=os.environ.get("SAMSKAB_BENCH_SRC", str(ROOT / "src")))
    load0 = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)  # noqa: S603
    peak = 0
    others: dict[int, float] = {}  # CPU seconds last seen of each process below the command
    while proc.poll() is None:
        tree = _tree(proc.pid)
        peak = max(peak, sum(_rss_kb(p) for p in tree))
        for p in tree[1:]:
            others[p] = max(others.get(p, 0.0), _cpu_s(p))
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    err = proc.stderr.read() if proc.stderr else ""
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"samskab analyse failed ({proc.returncode}): {err}")
    # the command's own CPU (it is our child) plus what its forkserver and workers used
    # (they are not reaped by it, so the kernel does not add them to it), as last polled
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = own + sum(others.values())
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": cpu, "own_cpu": own, "peak_mb": peak / 1024, "load": (load0,
            os.getloadavg()[0]), "seconds": summary["seconds"], "groups": summary["groups"]}


def groups_from_output(out: Path, n: int) -> np.ndarray:
    """Group label per response (input order) from ``responses.jsonl``."""
    ids: dict[str, int] = {}
    labels = np.full(n, -1, dtype=np.int64)
    with (out / "responses.jsonl").open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            g = json.loads(line)["group"]
            if g is not None:
                labels[i] = ids.setdefault(g, len(ids))
    return labels


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.analysis_cli", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", default="100000", help="comma-separated corpus sizes")
    ap.add_argument("--seed", type=int, default=2012)
    ap.add_argument("--workers", type=int, default=None,
                    help="--workers of the command (default: its own, one per CPU)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per size (all printed)")
    ap.add_argument("--baseline-max", type=int, default=100_000,
                    help="run datasketch at the sizes up to this (0: never)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--src", default=None,
                    help="run the command from this source tree (e.g. an older version's src/ "
                         "for a before/after figure in the same conditions)")
    ap.add_argument("--dir", default=str(ROOT / "var" / "bench"),
                    help="where the corpus files and outputs go")
    args = ap.parse_args(argv)
    directory = Path(args.dir)
    if args.src:
        os.environ["SAMSKAB_BENCH_SRC"] = str(Path(args.src).resolve())
    print(f"machine: {os.cpu_count()} CPUs; `samskab analyse --stages groups`, whole process "
          f"(start, imports, read, groups, write); CPU = the command's and its workers'")
    for n in [int(x) for x in args.n.split(",") if x.strip()]:
        path, truth = corpus_file(n, args.seed, directory)
        size = path.stat().st_size / 2**20
        print(f"\n== N = {n:,} ({path.name}, {size:.0f} MB)")
        best = None
        for _ in range(args.repeat):
            out = directory / f"out-{n}"
            res = run_cli(path, out, args.workers)
            p, r = pairwise_scores(groups_from_output(out, n), truth)
            steps = ", ".join(f"{k} {v:.2f}" for k, v in res["seconds"].items()
                              if k != "groups")
            workers = res["cpu"] - res["own_cpu"]
            print(f"samskab analyse: {res['wall']:.2f} s wall, {res['cpu']:.2f} s CPU (the "
                  f"command's own {res['own_cpu']:.2f} s, workers {workers:.2f} s), peak "
                  f"{res['peak_mb']:.0f} MB (command + workers); load average "
                  f"{res['load'][0]:.1f} → {res['load'][1]:.1f}; P/R {p:.4f}/{r:.4f}; "
                  f"{res['groups']:,} groups")
            print(f"                 steps (wall, s): {steps}")
            best = res if best is None or res["wall"] < best["wall"] else best
            sys.stdout.flush()
        if not args.no_baseline and n <= args.baseline_max and best is not None:
            from bench.analysis import _run_baseline

            texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
            load0 = os.getloadavg()[0]
            base = _run_baseline(texts, truth)
            print(f"datasketch     : {base['total']:.2f} s wall, {base['cpu']:.2f} s CPU, "
                  f"load {load0:.1f} → {os.getloadavg()[0]:.1f}; P/R "
                  f"{base['precision']:.4f}/{base['recall']:.4f} (reading not counted)")
            print(f"ratio          : {base['total'] / best['wall']:.1f}× in wall time, "
                  f"{base['cpu'] / best['cpu']:.1f}× in CPU time (whole command vs datasketch "
                  f"alone; same data, same run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
