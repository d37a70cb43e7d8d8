"""Fuzz: random bytes, random HTML and random Markdown through the whole check (issue 17).

Whatever a post holds, no exception escapes the run, the exit code is 0, 1 or 2, and the JSON report parses.
Bounded (a few dozen examples per shape, no deadline) so the suite stays fast; the seed is derandomised so a
failure reproduces.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_audit.cli import main

# CLINIC_AUDIT_FUZZ_EXAMPLES=2000 (and a random seed: CLINIC_AUDIT_FUZZ_RANDOM=1) for a longer hunt.
EXAMPLES = int(os.environ.get("CLINIC_AUDIT_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("CLINIC_AUDIT_FUZZ_RANDOM"),
                database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FORMATS_FUZZ = settings(FUZZ, max_examples=max(1, EXAMPLES // 3))

# Pieces that exercise the parsers' and rules' special cases: front matter, footnotes, markers, tables, links,
# suppression comments, control characters, odd whitespace and a few non-Latin scripts.
_WORDS = st.sampled_from([
    "flu", "shots", "are", "safe", "About", "40%", "of", "adults", "Dr.", "e.g.", "[^1]", "[^", "[12]", "](",
    "[link](https://example.com/a)", "<https://x.example>", "https://cdc.gov/x", "**bold**", "_em_", "`code`",
    "<!-- clinic-audit: disable RD001 -->", "<!-- clinic-audit: disable-next-line -->", "TODO", "XX%", "¿Qué?",
    "según", "el", "CDC", "says", "studies", "show", "\x1b[2J", "\u202e", "\x00", "\t", "\u00a0", "\ufeff",
    "ketamine", "depression", "988", "By", "Jane", "Roe,", "MD", "Updated", "2024-02-30", "|", "---", "#",
    "<div>", "</p>", "&amp;", "&#0;", "日本語", "Ω", "🙂", "...", "?", "!", ".", ",", ":",
])
_SENTENCE = st.lists(_WORDS, min_size=0, max_size=12).map(" ".join)
_MD_LINE = st.one_of(
    _SENTENCE,
    _SENTENCE.map(lambda s: "#" * 2 + " " + s),
    st.integers(1, 7).flatmap(lambda n: _SENTENCE.map(lambda s: "#" * n + " " + s)),
    _SENTENCE.map(lambda s: "- " + s),
    _SENTENCE.map(lambda s: "1. " + s),
    _SENTENCE.map(lambda s: "> " + s),
    _SENTENCE.map(lambda s: "[^1]: " + s),
    _SENTENCE.map(lambda s: "| " + s + " | x |"),
    st.just("|---|---|"),
    st.just("```"),
    st.just(""),
    st.text(max_size=30),
)
_FRONT = st.sampled_from(["", "---\ntitle: T\ndate: 2024-02-30\n---\n", "---\na: &a [*a]\n---\n", "+++\ndate = 2024-01-01\n+++\n",
                          "{\n\"title\": \"T\"}\n", "---\n: : :\n---\n", "---\nauthor: {name: Dr Roe, jobTitle: MD}\n---\n"])
MARKDOWN = st.tuples(_FRONT, st.lists(_MD_LINE, max_size=40)).map(lambda t: t[0] + "\n".join(t[1]) + "\n")

_TAGS = st.sampled_from(["p", "div", "h1", "h2", "h3", "ul", "ol", "li", "a", "table", "tr", "td", "article",
                         "main", "nav", "footer", "script", "style", "blockquote", "strong", "br", "img", "time", "sup"])
_ATTRS = st.sampled_from(["", ' href="https://example.com/x"', ' href="#fn1"', ' class="share-bar"', ' datetime="2024-13-45"',
                          ' alt=""', ' type="application/ld+json"', ' lang="es"', ' id="fn1"'])
_HTML_NODE = st.recursive(
    _SENTENCE,
    lambda inner: st.tuples(_TAGS, _ATTRS, st.lists(inner, max_size=4), st.booleans()).map(
        lambda t: f"<{t[0]}{t[1]}>" + "".join(t[2]) + (f"</{t[0]}>" if t[3] else "")),
    max_leaves=30,
)
HTML = st.tuples(st.sampled_from(["", "<!doctype html>", "<?xml version='1.0'?>"]), st.lists(_HTML_NODE, max_size=8)).map(
    lambda t: t[0] + "<html><head><title>T</title></head><body>" + "".join(t[1]) + "</body></html>")


def _check(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        result = CliRunner().invoke(main, ["check", str(path), "-f", "json", "--isolated", "--no-cache"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    report = json.loads(result.stdout)
    assert len(report["posts"]) + len(report["errors"]) == 1


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".md", ".html", ".txt", ".docx"]))
def test_random_bytes(data: bytes, suffix: str) -> None:
    _check("post" + suffix, data)


@FUZZ
@given(text=MARKDOWN)
def test_random_markdown(text: str) -> None:
    _check("post.md", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(text=HTML)
def test_random_html(text: str) -> None:
    _check("post.html", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(text=st.text(max_size=1500))
def test_random_text(text: str) -> None:
    _check("post.txt", text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("fmt", ["text", "github", "markdown", "sarif", "junit"])
@FORMATS_FUZZ
@given(text=MARKDOWN)
def test_every_format_survives_random_markdown(fmt: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = CliRunner().invoke(main, ["check", str(path), "-f", fmt, "--isolated"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2)
