"""The terminal report: ``path:line:col CODE message`` grouped by post, a score line per post, a summary.

When a post has errors (the near-certain defects that fail ``--fail-on error``) they come first, under a
"blocking" heading, and the rest follows under "other findings"; each finding line keeps its one-line shape, so
tools that read ``path:line:col CODE`` are not affected.  A finding whose message does not quote the offending
text is followed by it (``  > …``), as ruff's and Vale's full formats show the source.
"""

from __future__ import annotations

from collections import Counter
from typing import IO, Any, Callable

from clinic_audit.result import InputFailure, PostResult, Sink
from clinic_audit.controls import printable
from clinic_audit.rule import Finding, Severity

from .summary import plural

COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


class TextReporter(Sink):
    reads_text = False  # a post's status and line-number note, never its text

    def __init__(self, stream: IO[str], color: bool = False, suggestions: bool = True, quiet: bool = False, **_: Any):
        self.stream = stream
        self.color = color
        self.suggestions = suggestions
        self.quiet = quiet
        self.posts = 0
        self.severities: Counter[Severity] = Counter()
        self.failures: list[InputFailure] = []
        self.skipped: list[InputFailure] = []
        self.score_total = 0
        # A post's findings repeat a handful of rule codes, names and severities: each is made printable (and
        # painted) once, not once a finding.  The post's own name is made printable once a post (and not kept:
        # a run of 16,000 posts would keep 16,000 of them).
        self.labels = {s: self._paint(str(s), COLOURS[s]) for s in Severity}
        self.names: dict[str, str] = {}

    def _paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def post(self, result: PostResult) -> None:
        self.posts += 1
        self.score_total += result.score
        lines: list[str] = []  # the post's record, written at once
        write = lines.append
        status = (result.document or {}).get("status")
        draft = f" [{printable(status)}]" if status else ""  # a WordPress draft or a front-matter draft, never unmarked
        if result.findings:
            positions = (result.document or {}).get("positions")
            note = {"paragraphs": " (line numbers are the document's paragraphs)",
                    "blocks": " (one long line: line numbers count the page's blocks)"}.get(positions or "", "")
            write(self._paint(printable(result.source), "1") + draft + note + "\n")
        self.severities.update(f.severity for f in result.findings)
        blocking = [f for f in result.findings if f.severity is Severity.ERROR]
        others = [f for f in result.findings if f.severity is not Severity.ERROR]
        headed = bool(blocking) and not self.quiet  # --quiet prints findings only (still errors first)
        if headed:
            write(self._paint(f"  blocking: {plural(len(blocking), 'error')}", "31") + "\n")
        source = (result.source, printable(result.source))
        for f in blocking:
            self._finding(f, write, source)
        if headed and others:
            write(f"  other findings: {plural(len(others), 'finding')}\n")
        for f in others:
            self._finding(f, write, source)
        families = ", ".join(f"{printable(name)} {value}" for name, value in result.scores.items())
        label = "" if result.findings else f"{printable(result.source)}{draft} "
        if not self.quiet:
            write(f"  {label}score {result.score}/100 ({result.grade}) · {families}\n\n")
        self.stream.write("".join(lines))

    def site(self, findings: list[Any]) -> None:
        """Site-wide findings after the posts, grouped by rule (worst and most frequent first) with counts;
        within a rule, findings about the same target (a broken URL, a shared title) sit together."""
        if not findings:
            return
        write = self.stream.write
        write(self._paint(f"site-wide findings ({len(findings)})", "1") + "\n")
        groups: dict[str, list[Any]] = {}
        for f in findings:
            groups.setdefault(f.rule, []).append(f)
        order = sorted(groups.values(), key=lambda g: (-int(g[0].severity), -len(g), g[0].rule))
        for group in order:
            first = group[0]
            severity = self._paint(str(first.severity), COLOURS[first.severity])
            write(f"{printable(first.rule)} {printable(first.name)} · {severity} · "
                  f"{len(group)} finding{'s' if len(group) != 1 else ''}\n")
            shared = len({f.suggestion for f in group}) == 1  # one fix for the group, or one per finding
            for f in sorted(group, key=lambda f: (f.excerpt, f.source, f.line)):
                self.severities[f.severity] += 1
                write(f"  {printable(f.source)}:{f.line}:{f.column} {printable(f.message)}\n")
                others = [s for s in f.sources if s != f.source]
                if others:
                    write(f"      also: {', '.join(map(printable, others))}\n")
                if self.suggestions and f.suggestion and not shared:
                    write(f"      fix: {printable(f.suggestion)}\n")
            if self.suggestions and first.suggestion and shared:
                write(f"    fix: {printable(first.suggestion)}\n")
        write("\n")

    def _finding(self, f: Finding, write: Callable[[str], object], post: tuple[str, str]) -> None:
        """One ``path:line:col CODE severity message [name]`` record, the offending text when the message does
        not quote it, and the fix (post text and names made printable; ``post`` is the post's name and its
        printable form)."""
        names = self.names
        source = post[1] if f.source == post[0] else printable(f.source)
        rule = names.get(f.rule) or names.setdefault(f.rule, printable(f.rule))
        name = names.get(f.name) or names.setdefault(f.name, printable(f.name))
        write(f"{source}:{f.line}:{f.column} {rule} {self.labels[f.severity]} {printable(f.message)} [{name}]\n")
        excerpt = " ".join(f.excerpt.split()) if f.excerpt else ""
        if excerpt and excerpt.rstrip("…").lower()[:40] not in f.message.lower():
            write(self._paint(f"    > {printable(excerpt)}", "2") + "\n")
        if self.suggestions and f.suggestion:
            write(f"    fix: {printable(f.suggestion)}\n")

    def failure(self, failure: InputFailure) -> None:
        if failure.skipped:
            self.skipped.append(failure)
            self.stream.write(self._paint(f"{printable(failure.source)}: skipped: {printable(failure.message)}", "2") + "\n")
            return
        self.failures.append(failure)
        self.stream.write(self._paint(f"{printable(failure.source)}: cannot audit: {printable(failure.message)}", "31")
                          + "\n")

    def finish(self) -> None:
        if self.quiet:
            return
        counts = ", ".join(plural(self.severities[s], str(s)) if s is not Severity.INFO else f"{self.severities[s]} info"
                           for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        total = sum(self.severities.values())
        average = f", average score {round(self.score_total / self.posts)}" if self.posts else ""
        line = f"{plural(self.posts, 'post')} audited, {plural(total, 'finding')} ({counts}){average}"
        if self.failures:
            line += f"; {plural(len(self.failures), 'input')} could not be audited"
        if self.skipped:
            line += f"; {len(self.skipped)} skipped (not a post)"
        self.stream.write(line + "\n")
