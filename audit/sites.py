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
wp-user-env = "RIVERSIDE_WP_USER"         # optional, both or neither: the NAMES of the environment variables
wp-password-env = "RIVERSIDE_WP_PASSWORD" # that hold this site's WordPress user and application password
```

Paths are relative to the sites file.  Each site is one ``Run``; one failing site never stops the others.
A site naming its own credential variables uses only those (never CLINIC_AUDIT_WP_USER / _APP_PASSWORD, which
would send one client's password to another's site); the file never holds a secret: a key such as
``wp-password`` is refused.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
KEYS = {"name", "source", "crawl", "include-url", "exclude-url", "config", "db", "max-pages", "max-depth", "wp-type",
        "wp-user-env", "wp-password-env"}
# Keys that would put a credential itself in the file: refused, pointing at the *-env key to use instead.
SECRET_KEYS = {"wp-password": "wp-password-env", "wp-app-password": "wp-password-env", "password": "wp-password-env",
               "app-password": "wp-password-env", "application-password": "wp-password-env",
               "wp-user": "wp-user-env", "user": "wp-user-env"}
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


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
    wp_user_env: str = ""  # the names of the variables holding this site's WordPress credentials ("": none named)
    wp_password_env: str = ""

    @property
    def names_credentials(self) -> bool:
        """Whether the site names its own credential variables (then the CLINIC_AUDIT_WP_* ones do not apply)."""
        return bool(self.wp_user_env)

    def wp_credentials(self, environ: Mapping[str, str] = os.environ) -> tuple[tuple[str, str] | None, str]:
        """(user, application password) from the variables the site names, or None; and a warning ("" for none)
        when they are named but not both set.  The warning names the variables, never their values."""
        if not self.names_credentials:
            return None, ""
        user, password = environ.get(self.wp_user_env, ""), environ.get(self.wp_password_env, "")
        if user and password:
            return (user, password), ""
        if user or password:
            missing = self.wp_password_env if user else self.wp_user_env
            return None, (f"{self.name}: {missing} is not set, so only published posts can be read "
                          f"(set both {self.wp_user_env} and {self.wp_password_env})")
        return None, (f"{self.name}: neither {self.wp_user_env} nor {self.wp_password_env} is set, so only "
                      "published posts can be read")


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
        secret = next((k for k in entry if k in SECRET_KEYS), None)
        if secret:  # the value is never shown: it may be the password
            raise SitesError(f"{where}: {secret!r} would keep a credential in the sites file; put it in an "
                             f"environment variable and give that variable's name as {SECRET_KEYS[secret]!r} "
                             f"(e.g. {SECRET_KEYS[secret]} = \"CLINIC_WP_{'PASSWORD' if 'pass' in secret else 'USER'}\")")
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
            **_credential_names(entry, f"{where} ({name})"),
        ))
    return sites


def _credential_names(entry: dict[str, Any], where: str) -> dict[str, str]:
    """``wp-user-env`` and ``wp-password-env``: both or neither, each an environment variable's name."""
    names = {key: entry.get(key) for key in ("wp-user-env", "wp-password-env") if key in entry}
    if not names:
        return {}
    if len(names) == 1:
        given, = names
        other = "wp-password-env" if given == "wp-user-env" else "wp-user-env"
        raise SitesError(f"{where}: {given!r} needs {other!r} too (the names of the variables holding the "
                         "WordPress user and its application password)")
    for key, value in names.items():
        if not isinstance(value, str) or not ENV_NAME.match(value):  # the value is never shown: it may be a secret
            raise SitesError(f"{where}: {key!r} must name an environment variable (letters, digits and '_', "
                             "e.g. RIVERSIDE_WP_PASSWORD), not hold the credential itself")
    return {"wp_user_env": names["wp-user-env"], "wp_password_env": names["wp-password-env"]}


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
