"""Many client sites in one command: a ``sites.toml`` names each site, its source, scope, configuration,
history and report folder.

```toml
[[sites]]
name = "riverside-physio"                 # folder name of its report, and its label in the overview
source = "https://riverside.example/sitemap.xml"   # or a list; a folder; wordpress+https://...
crawl = "https://riverside.example/"      # optional, instead of (or beside) source
include-url = ["/blog/*"]                 # optional URL path globs (sitemaps and crawls)
exclude-url = ["/"]
config = "riverside.toml"                 # optional: its own clinic-audit configuration
db = "history/riverside.sqlite"           # optional: its own history (default: <out>/<name>/history.sqlite)
```

Paths are relative to the sites file.  Each site is one ``Run``; one failing site never stops the others.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
KEYS = {"name", "source", "crawl", "include-url", "exclude-url", "config", "db", "max-pages", "max-depth", "wp-type"}


class SitesError(Exception):
    """A sites file that cannot be used; the message names the file, the site and the key."""


@dataclass(frozen=True)
class SiteSpec:
    name: str
    sources: tuple[str, ...]
    crawl: tuple[str, ...] = ()
    include_urls: tuple[str, ...] = ()
    exclude_urls: tuple[str, ...] = ()
    config: Path | None = None
    db: Path | None = None
    max_pages: int = 500
    max_depth: int = 3
    wp_types: tuple[str, ...] = ("posts",)


def load_sites(path: str | Path) -> list[SiteSpec]:
    """The sites a sites file names, validated (every mistake is one SitesError)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SitesError(f"{path}: cannot read: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise SitesError(f"{path}: not valid TOML: {exc}") from None
    entries = data.get("sites")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise SitesError(f"{path}: expected one or more [[sites]] tables")
    base, seen, sites = path.parent, set(), []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: site {number}"
        unknown = sorted(set(entry) - KEYS)
        if unknown:
            raise SitesError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(KEYS))})")
        name = entry.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            raise SitesError(f"{where}: 'name' must be letters, digits, '.', '_' or '-' (it names a folder)")
        if name in seen:
            raise SitesError(f"{where}: the name {name!r} is used twice")
        seen.add(name)
        sources, crawl = _strings(entry, "source", where), _strings(entry, "crawl", where)
        if not sources and not crawl:
            raise SitesError(f"{where} ({name}): give a 'source' or a 'crawl'")
        sites.append(SiteSpec(
            name=name,
            sources=tuple(s if "://" in s else str(base / s) for s in sources),
            crawl=crawl,
            include_urls=_strings(entry, "include-url", where),
            exclude_urls=_strings(entry, "exclude-url", where),
            config=base / entry["config"] if isinstance(entry.get("config"), str) else None,
            db=base / entry["db"] if isinstance(entry.get("db"), str) else None,
            max_pages=_positive(entry, "max-pages", 500, where),
            max_depth=_positive(entry, "max-depth", 3, where, minimum=0),
            wp_types=_strings(entry, "wp-type", where) or ("posts",),
        ))
    return sites


def _strings(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SitesError(f"{where}: {key!r} must be a string or a list of strings")


def _positive(entry: dict[str, Any], key: str, default: int, where: str, minimum: int = 1) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SitesError(f"{where}: {key!r} must be a whole number of at least {minimum}")
    return value
