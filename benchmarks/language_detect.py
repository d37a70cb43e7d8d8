"""Language detection candidates on real posts: accuracy by text length and cost.

    python benchmarks/language_detect.py [CORPUS]     # ../shared/corpus by default; skips when missing

The corpus folders' languages are known (the corpus README): English, Spanish and German.  Each post's
visible text is cut to 60, 200 and 1,000 characters and every candidate guesses; the table shows accuracy
and the median time per guess, plus the import time (what a cold single-file check pays).
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[1] / "shared" / "corpus"
LANGUAGES = {"amp-psicologia-es": "es", "drago-psicologia-es": "es", "zahndocs-berlin-de": "de"}
LENGTHS = (60, 200, 1000, 100_000)


def texts() -> list[tuple[str, str]]:
    out = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix not in (".md", ".txt", ".html", ".php"):
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        raw = re.sub(r"(?s)\A(---|\+\+\+).*?\n\1", " ", raw)
        plain = " ".join(re.sub(r"<[^>]+>|\{\{.*?\}\}|[#*_>|`\[\]()]", " ", raw).split())
        if len(plain) >= 1000:
            out.append((LANGUAGES.get(path.relative_to(CORPUS).parts[0], "en"), plain))
    return out


def candidates() -> dict[str, object]:
    found: dict[str, object] = {}
    start = time.perf_counter()
    from clinic_audit.language import detect

    # undecided means the default, English, as in the product
    found["clinic-audit function words"] = (lambda t: detect(t)[0] or "en", time.perf_counter() - start)
    try:
        start = time.perf_counter()
        import py3langid

        py3langid.classify("warm up")
        found["py3langid"] = (lambda t: py3langid.classify(t)[0], time.perf_counter() - start)
    except ImportError:
        pass
    try:
        start = time.perf_counter()
        from lingua import Language, LanguageDetectorBuilder

        detector = LanguageDetectorBuilder.from_languages(
            Language.ENGLISH, Language.SPANISH, Language.GERMAN, Language.FRENCH, Language.PORTUGUESE,
            Language.ITALIAN).build()

        def lingua_guess(text: str) -> str:
            language = detector.detect_language_of(text)
            return language.iso_code_639_1.name.lower() if language else "?"

        lingua_guess("warm up")
        found["lingua (6 languages)"] = (lingua_guess, time.perf_counter() - start)
    except ImportError:
        pass
    return found


def main() -> int:
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}: skipped")
        return 0
    posts = texts()
    print(f"{len(posts)} posts ({sum(1 for l, _ in posts if l == 'es')} Spanish, "
          f"{sum(1 for l, _ in posts if l == 'de')} German)\n")
    print("| detector | set-up | " + " | ".join(f"accuracy @{n} chars" for n in LENGTHS) + " | median µs/guess |")
    print("|---|---|" + "---|" * len(LENGTHS) + "---|")
    for name, (guess, setup) in candidates().items():
        cells, times = [], []
        for n in LENGTHS:
            right = 0
            for language, text in posts:
                start = time.perf_counter()
                answer = guess(text[:n])
                times.append(time.perf_counter() - start)
                right += answer == language
            cells.append(f"{right / len(posts):.3f}")
        print(f"| {name} | {setup * 1000:.0f} ms | " + " | ".join(cells) + f" | {statistics.median(times) * 1e6:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
