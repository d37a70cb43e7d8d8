"""Do the site rules stay linear as a site grows?  Times every site rule over synthetic post summaries.

    python benchmarks/site_scaling.py            # 1,000 -> 16,000 posts
    python benchmarks/site_scaling.py --start 500 --steps 4

Each step doubles the posts (a tenth of them in clusters of near-copies, the rest distinct; internal links
between them) and prints the time ratio to the step before: about 2 is linear, 4 quadratic.  The summaries
are kept as a run keeps them (``Summaries``: past 2,000 posts the rest in a temporary file, read back by each
rule); ``--in-memory`` gives the rules a tuple instead, to see what reading them back costs.
"""

from __future__ import annotations

import argparse
import random
import time

from clinic_audit.config import RuleSetting
from clinic_audit.registry import load
from clinic_audit.rule import Options
from clinic_audit.siterules import PostSummary, Site, Summaries, run_site_rules, sketch

WORDS = [f"w{i}" for i in range(20_000)]


def summaries(n: int, seed: int = 3) -> list[PostSummary]:
    rng = random.Random(seed)
    posts = []
    for i in range(n):
        if i % 10 == 0 and i:  # a near-copy of the post before it (location pages)
            base = posts[-1]
            words = base_words[:]
            words[rng.randrange(len(words))] = "changed"
        else:
            words = rng.choices(WORDS, k=400)
        base_words = words
        url = f"https://clinic.example/p{i}/"
        links = tuple((f"https://clinic.example/p{rng.randrange(n)}/", 5) for _ in range(5))
        posts.append(PostSummary(url, title=f"Post {i % (n // 2 or 1)}", description=f"About {i}", h1=f"Post {i}",
                                 keyphrase=f"topic {i % 50}", links=links, sketch=sketch(words), words=len(words)))
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--in-memory", action="store_true", help="a tuple of summaries, none in a temporary file")
    args = parser.parse_args()
    rules = [r for r in load() if r.scope == "site"]
    print("| posts | " + " | ".join(r.name for r in rules) + " | all | ratio |")
    print("|---:|" + "---:|" * (len(rules) + 2))
    previous = None
    n = args.start
    for _ in range(args.steps):
        posts = summaries(n)
        if args.in_memory:
            site = Site(tuple(posts))
        else:
            kept = Summaries()
            for post in posts:
                kept.append(post)
            site = Site(kept)
        del posts
        times = []
        for r in rules:
            started = time.perf_counter()
            run_site_rules(site, [RuleSetting(r, r.severity, Options(r.defaults()))])
            times.append(time.perf_counter() - started)
        total = sum(times)
        ratio = f"{total / previous:.2f}×" if previous else ""
        print(f"| {n} | " + " | ".join(f"{1000 * t:.0f} ms" for t in times) + f" | {1000 * total:.0f} ms | {ratio} |")
        previous, n = total, n * 2


if __name__ == "__main__":
    main()
