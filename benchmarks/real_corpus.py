"""A benchmark corpus built from real posts: the development corpus at ``../shared/corpus`` when present.

    python benchmarks/real_corpus.py 2000 /tmp/real-posts    # write 2,000 posts (the real ones, then variants)

The real posts (Markdown, HTML and PHP pages, plain text copied out of a CMS) are written first, as they
are; beyond their number, each further post is a variant of a real one: the same structure (front matter,
headings, lists, markup) with about one word in eight replaced by another word of the same length class
drawn from the corpus's own vocabulary, at its real frequency.  So a large corpus keeps real shapes and a
real vocabulary (word-list and syllable caches see what they see on real sites), and no two posts are the
same text (the result cache and the near-duplicate rule see distinct posts).

The files are written to a folder the caller names (a temporary folder in the benchmarks); nothing from the
corpus is ever copied into the project.  Without the corpus, ``corpus_root()`` is None and the benchmarks
say so and skip.
"""

from __future__ import annotations

import os
import random
import re
import sys
from bisect import bisect
from collections import Counter
from itertools import accumulate
from pathlib import Path

ENVIRONMENT = "CLINIC_AUDIT_CORPUS"  # another corpus folder, instead of ../shared/corpus
SUFFIXES = {".md": ".md", ".markdown": ".md", ".html": ".html", ".htm": ".html", ".php": ".html", ".txt": ".txt"}
MAX_BYTES = 300_000  # the corpus's biggest file is 222 KB; anything larger is not a post
REPLACE_SHARE = 0.125
_WORD = re.compile(r"(?<![&/.\w-])[^\W\d_]{4,}(?![\w-]*[=(])")  # words of prose (not entities, paths, keys)
_TAG = re.compile(r"(<[^<>]{0,2000}>)")
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)\n.{0,20000}?\n(?:---|\+\+\+)\n", re.DOTALL)
RETRIES = 20  # a variant equal to a post already written is drawn again


def corpus_root() -> Path | None:
    """The real-post corpus folder, or None when it is not on this machine."""
    configured = os.environ.get(ENVIRONMENT)
    root = Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return root if (root / "MANIFEST.tsv").is_file() else None


def real_posts(root: Path) -> list[tuple[str, str, str]]:
    """(name, suffix as clinic-audit reads it, text) of every post file in the corpus, in a stable order."""
    posts = []
    for path in sorted(root.rglob("*")):
        suffix = SUFFIXES.get(path.suffix.lower())
        if suffix is None or not path.is_file() or path.stat().st_size > MAX_BYTES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        posts.append((str(path.relative_to(root).with_suffix("")), suffix, text))
    return posts


class Vocabulary:
    """The corpus's words by length class, drawn at their real frequencies."""

    def __init__(self, texts: list[str]):
        counts = Counter(word.lower() for text in texts for word in _WORD.findall(text))
        self.words: dict[int, list[str]] = {}
        self.weights: dict[int, list[int]] = {}
        for word, count in counts.most_common():
            key = min(len(word), 12)
            self.words.setdefault(key, []).append(word)
            self.weights.setdefault(key, []).append(count)
        self.cumulative = {key: list(accumulate(weights)) for key, weights in self.weights.items()}

    def like(self, word: str, rng: random.Random) -> str:
        key = min(len(word), 12)
        words, cumulative = self.words.get(key), self.cumulative.get(key)
        if not words or not cumulative:
            return word
        chosen = words[bisect(cumulative, rng.random() * cumulative[-1])]
        return chosen.capitalize() if word[:1].isupper() else chosen


def variant(text: str, vocabulary: Vocabulary, rng: random.Random) -> str:
    """The post with about one prose word in eight replaced by another real word of similar length; markup
    (anything inside ``<…>``: tag names, classes the parser reads, URLs) is kept as it is."""
    def swap(match: re.Match[str]) -> str:
        return vocabulary.like(match.group(0), rng) if rng.random() < REPLACE_SHARE else match.group(0)

    head, body = _front_matter(text)
    parts = _TAG.split(body)
    return head + "".join(part if i % 2 else _WORD.sub(swap, part) for i, part in enumerate(parts))


def _front_matter(text: str) -> tuple[str, str]:
    """(front matter block, the rest); the block ("" when none) is never changed: its keys are read by name."""
    match = _FRONT_MATTER.match(text)
    return (match.group(0), text[match.end():]) if match else ("", text)


def prose(text: str) -> str:
    """The text outside front matter and markup: what the vocabulary is drawn from."""
    return " ".join(_TAG.split(_front_matter(text)[1])[::2])


def write_real_corpus(count: int, folder: Path, seed: int = 7) -> list[Path] | None:
    """Write ``count`` posts into ``folder`` (the real ones first, then variants); None without the corpus."""
    root = corpus_root()
    if root is None:
        return None
    posts = real_posts(root)
    if not posts:
        return None
    rng = random.Random(seed)
    vocabulary = Vocabulary([prose(text) for _, _, text in posts]) if count > len(posts) else None
    written: set[int] = set()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        name, suffix, text = posts[index % len(posts)]
        if index >= len(posts):
            assert vocabulary is not None
            original = text
            for _ in range(RETRIES):
                text = variant(original, vocabulary, rng)
                if hash(text) not in written:
                    break
        written.add(hash(text))
        path = folder / f"post-{index:05d}-{re.sub(r'[^A-Za-z0-9]+', '-', name)[-60:]}{suffix}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    paths = write_real_corpus(int(sys.argv[1]), Path(sys.argv[2]))
    if paths is None:
        print(f"skipped: no real-post corpus (../shared/corpus or ${ENVIRONMENT})")
        return 0
    print(f"wrote {len(paths)} posts to {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
