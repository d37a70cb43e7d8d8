"""Web sources: sitemaps, crawls and the WordPress REST API, fetched politely and audited in parallel."""

from __future__ import annotations

WORDPRESS_PREFIX = "wordpress+"  # a source naming a WordPress site: wordpress+https://clinic.example/


def is_web_source(source: str) -> bool:
    """True for sources read over HTTP: http(s) URLs and ``wordpress+http(s)://`` sites."""
    return source.startswith(("http://", "https://", WORDPRESS_PREFIX + "http://", WORDPRESS_PREFIX + "https://"))


def redact(source: str) -> str:
    """``source`` without credentials written into it (``https://user:secret@host/`` -> ``https://host/``)."""
    from urllib.parse import urlsplit, urlunsplit

    prefix, _, url = source.rpartition("+") if source.startswith(WORDPRESS_PREFIX) else ("", "", source)
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return source
    netloc = parts.netloc.rpartition("@")[2]
    return (prefix + "+" if prefix else "") + urlunsplit(parts._replace(netloc=netloc))


def url_credentials(source: str) -> tuple[str, str] | None:
    """(user, password) written into a source URL, if any."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(source.partition("+")[2] if source.startswith(WORDPRESS_PREFIX) else source)
    if parts.username and parts.password:
        return unquote(parts.username), unquote(parts.password)
    return None
