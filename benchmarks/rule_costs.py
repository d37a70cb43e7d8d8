"""Where the time goes inside one audit: parsing, the shared model views, and each rule.

    python benchmarks/rule_costs.py [--posts 200] [--top 15]

Runs in-process over the benchmark corpus, one post at a time, the same way
the engine does.  The shared views (sentences, per-sentence counts, outline,
statistics of the post and of every section) are built before the rules run
and timed on their own line, so a rule's figure is what that rule adds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402
from real_corpus import ENVIRONMENT, write_real_corpus  # noqa: E402


def measure(paths: list[Path]) -> dict[str, float]:
    """Seconds spent per stage and per rule over ``paths``."""
    from clinic_audit.config import Config
    from clinic_audit.parse import parse
    from clinic_audit.registry import load
    from clinic_audit.sources import Document, FORMATS

    config = Config.build(load(), paths[0].parent, {"select": ["ALL"]}, None, True)
    costs: dict[str, float] = defaultdict(float)
    for path in paths:
        start = time.perf_counter()
        post = parse(Document(str(path), path.read_text(encoding="utf-8"), FORMATS[path.suffix]))
        costs["(parse)"] += time.perf_counter() - start
        start = time.perf_counter()
        post.stats, post.word_count, post.reference_blocks  # noqa: B018 (warm the cached views)
        for section in post.outline.walk():
            post.section_stats(section)
        costs["(shared views: sentences, counts, outline, stats)"] += time.perf_counter() - start
        for setting in config.rule_settings(post.source):
            rule = setting.rule
            if rule.family == "audit" or not rule.applies_to(post.language):
                continue
            start = time.perf_counter()
            try:
                list(rule.check(post, setting.options))
            except Exception:  # a crashing rule is the engine's business; its time still counts
                pass
            costs[f"{rule.code} {rule.name}"] += time.perf_counter() - start
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--top", type=int, default=15, help="rules to list, costliest first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", choices=("synthetic", "real"), default="synthetic",
                        help="benchmarks/corpus.py posts, or the real posts of ../shared/corpus (and variants)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clinic-audit-costs-") as tmp:
        if args.corpus == "real":
            paths = write_real_corpus(args.posts, Path(tmp), args.seed)
            if paths is None:
                print(f"skipped: no real-post corpus (../shared/corpus, or set ${ENVIRONMENT})")
                return
        else:
            paths = write_corpus(args.posts, Path(tmp), args.seed)
        costs = measure(paths)
    total = sum(costs.values())
    print(f"{args.posts} posts, {1000 * total / args.posts:.1f} ms/post in parse + views + rules\n")
    print("| stage or rule | ms/post | share |")
    print("|---|---|---|")
    stages = sorted((k for k in costs if k.startswith("(")), key=costs.get, reverse=True)  # type: ignore[arg-type]
    rules = sorted((k for k in costs if not k.startswith("(")), key=costs.get, reverse=True)  # type: ignore[arg-type]
    for key in stages + rules[: args.top]:
        print(f"| {key} | {1000 * costs[key] / args.posts:.2f} | {costs[key] / total:.0%} |")
    rest = sum(costs[k] for k in rules[args.top:])
    if rest:
        print(f"| {len(rules) - args.top} other rules | {1000 * rest / args.posts:.2f} | {rest / total:.0%} |")


if __name__ == "__main__":
    main()
