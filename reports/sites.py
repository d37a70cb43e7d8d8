"""The overview page of a multi-site run: one row per client site, linking to its own report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clinic_audit import __version__
from clinic_audit.atomic import replaced

from .summary import letter_for, plural


@dataclass(frozen=True)
class SiteRow:
    name: str
    report: str  # relative link to the site's index.html ("" when none was written)
    posts: int
    average: int | None
    site_score: int | None
    errors: int
    warnings: int
    not_audited: int
    problem: str = ""  # why the site could not be audited at all


def write_overview(directory: str | Path, rows: list[SiteRow]) -> Path:
    """Write ``directory/index.html`` (escaped, offline, no script) and return its path."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("clinic_audit.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(plural=plural, letter=letter_for)
    html = env.get_template("sites.html").render(rows=rows, tool_version=__version__)
    target = Path(directory) / "index.html"
    with replaced(target) as temporary:
        temporary.write_text(html, encoding="utf-8")
    return target
