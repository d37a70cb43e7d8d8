"""Inline suppression: find ``<!-- clinic-audit: ... -->`` directives, then filter findings after the rules ran.

- ``<!-- clinic-audit: disable CODE[, CODE…] -->`` silences those rules (all rules
  when no code is given) in the next block;
- ``disable-next-line`` silences them on the next non-blank line;
- ``disable-file`` silences them in the whole post.

A directive that silences nothing is itself reported (``unused-suppression``); a directive naming a code or
name no rule has is a warning with the closest rule ("did you mean SC002?"), not "silences nothing".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from .model import Post, Suppression
from .rule import Finding, Severity, fingerprint

DIRECTIVE = re.compile(
    r"<!--\s*clinic-audit:\s*(disable-file|disable-next-line|disable)\b\s*([\w\-,\s]*?)\s*-->", re.IGNORECASE
)


def find_directives(lines: Sequence[str]) -> tuple[Suppression, ...]:
    """Every directive in the source, with the line it stands on."""
    found = []
    for number, line in enumerate(lines, start=1):
        if "clinic-audit" not in line:
            continue
        for match in DIRECTIVE.finditer(line):
            codes = tuple(c.strip() for c in re.split(r"[,\s]+", match.group(2)) if c.strip())
            found.append(Suppression(number, match.group(1).lower(), codes))
    return tuple(found)


@dataclass(frozen=True)
class Region:
    directive: Suppression
    first: int
    last: int

    def covers(self, finding: Finding) -> bool:
        if not self.first <= finding.line <= self.last:
            return False
        codes = self.directive.codes
        return not codes or any(c.upper() == finding.rule or c.lower() == finding.name for c in codes)


def regions(post: Post) -> list[Region]:
    """The line range each directive covers."""
    starts = sorted({b.line for b in post.blocks} | {item.line for b in post.blocks for item in b.items})
    end_of_file = max(len(post.lines), max(starts, default=1))
    out = []
    for directive in directives(post):
        if directive.kind == "disable-file":
            out.append(Region(directive, 1, end_of_file))
        elif directive.kind == "disable-next-line":
            line = directive.line + 1
            while line <= len(post.lines) and not post.lines[line - 1].strip():
                line += 1
            out.append(Region(directive, line, line))
        else:
            following = [s for s in starts if s > directive.line]
            if following:
                first = following[0]
                top_level = sorted({b.line for b in post.blocks if b.line > first})
                last = top_level[0] - 1 if top_level else end_of_file
                out.append(Region(directive, first, last))
    return out


def directives(post: Post) -> tuple[Suppression, ...]:
    """The post's suppression comments, found once per post by the engine's filter (not by each parser)."""
    return post.view(_directives)


def _directives(post: Post) -> tuple[Suppression, ...]:
    return tuple(find_directives(post.lines))


def unknown_codes(post: Post, known: Iterable[str]) -> list[Finding]:
    """A warning for each code or name in a directive that names no rule, with the closest one."""
    from .internal import unused_suppression
    from .select import did_you_mean

    words = list(known)
    folded = {w.lower() for w in words}
    out = []
    for directive in directives(post):
        for code in directive.codes:
            if code.lower() in folded:
                continue
            text = post.lines[directive.line - 1].strip() if directive.line <= len(post.lines) else ""
            out.append(Finding(
                source=post.source, line=directive.line, column=max(1, post.column_of(directive.line, code)),
                rule=unused_suppression.code, name=unused_suppression.name, family=unused_suppression.family,
                severity=Severity.WARNING,
                message=f"'{code}' in this '{directive.kind}' comment names no rule{did_you_mean(code, words)}",
                excerpt=text[:160], suggestion="Use a code or name from `clinic-audit rules`.",
                fingerprint=fingerprint(unused_suppression.code, post.section_path(directive.line), f"{code}@{text}"),
            ))
    return out


def _known_words() -> list[str]:
    from .registry import load

    return [w for r in load() for w in (r.code, r.name)]


def apply(post: Post, findings: Iterable[Finding]) -> tuple[list[Finding], list[Suppression]]:
    """Drop suppressed findings; return the rest (plus a warning per unknown code) and the directives that silenced
    nothing (a directive naming an unknown code is reported by its warning instead)."""
    active = regions(post)
    used: set[int] = set()
    kept = []
    for finding in findings:
        hit = [i for i, region in enumerate(active) if region.covers(finding)]
        if hit:
            used.update(hit)
        else:
            kept.append(finding)
    unused_lines = {region.directive.line for i, region in enumerate(active) if i not in used}
    unused = [d for d in directives(post) if d.line in unused_lines or d not in {r.directive for r in active}]
    if directives(post):
        unknown = unknown_codes(post, _known_words())
        if unknown:
            misnamed = {f.line for f in unknown}
            kept.extend(unknown)
            unused = [d for d in unused if d.line not in misnamed]
    return kept, unused
