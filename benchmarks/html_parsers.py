"""HTML parser candidates on real pages: do they read the text a browser shows, and how fast?

    python benchmarks/html_parsers.py [CORPUS]     # ../shared/corpus by default; skips when missing

A browser's HTML5 tree is the reference: lexbor (through selectolax) and html5lib both build it.  For every
.html/.php page, the words of the <body> (scripts and styles removed) are compared with what each candidate
puts in its <body>: "agrees" means the same words in the same order.  Line numbers are the other need:
lexbor has none, html5lib none through its tree builders, lxml keeps the line of every element.  Candidates
that are not installed are left out.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[1] / "shared" / "corpus"
_WORDS = re.compile(r"\w+")


def lxml_words(text: str, fixups: bool) -> list[str]:
    from lxml import etree

    if fixups:
        from clinic_audit.parse.html import _parse_tree

        root = _parse_tree(text)
    else:
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # libxml2 refuses a declared encoding on text
        root = etree.fromstring(text, etree.HTMLParser(huge_tree=True)) if text.strip() else None
    if root is None:
        return []
    etree.strip_elements(root, "script", "style", "template", with_tail=False)
    etree.strip_tags(root, etree.Comment)
    body = next(root.iter("body"), None)
    return _WORDS.findall(" ".join(body.itertext())) if body is not None else []


def lexbor_words(text: str) -> list[str]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    for node in tree.css("script, style, template"):
        node.decompose()
    return _WORDS.findall(tree.body.text(separator=" ")) if tree.body else []


def html5lib_words(text: str) -> list[str]:
    import html5lib

    root = html5lib.parse(text, treebuilder="lxml", namespaceHTMLElements=False)
    from lxml import etree

    etree.strip_elements(root, "script", "style", "template", with_tail=False)
    etree.strip_tags(root, etree.Comment)
    body = next(root.iter("body"), None)
    return _WORDS.findall(" ".join(body.itertext())) if body is not None else []


def main() -> int:
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}: skipped")
        return 0
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(CORPUS.rglob("*"))
             if p.suffix in (".html", ".php") and p.is_file()]
    try:
        reference = [lexbor_words(t) for t in pages]
    except ImportError:
        print("selectolax (lexbor) is not installed: no HTML5 reference to compare with")
        return 0
    candidates = {"lxml (libxml2, HTML 4 rules)": lambda t: lxml_words(t, False),
                  "lxml + clinic-audit's HTML5 fix-ups": lambda t: lxml_words(t, True),
                  "selectolax / lexbor": lexbor_words}
    try:
        import html5lib  # noqa: F401

        candidates["html5lib"] = html5lib_words
    except ImportError:
        pass
    print(f"{len(pages)} pages\n\n| parser | agrees with the HTML5 tree | words lost (all pages) | median ms/page | lines |")
    print("|---|---|---|---|---|")
    total = sum(len(r) for r in reference)
    for name, words in candidates.items():
        agree, lost, times = 0, 0, []
        for text, ref in zip(pages, reference):
            start = time.perf_counter()
            got = words(text)
            times.append(time.perf_counter() - start)
            agree += got == ref
            lost += max(0, len(ref) - len(got))
        lines = "yes" if name.startswith("lxml") else "no"
        print(f"| {name} | {agree}/{len(pages)} | {lost / max(1, total):.1%} | {statistics.median(times) * 1000:.2f} | {lines} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
