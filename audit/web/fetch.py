"""A polite HTTP client: real User-Agent, timeouts, bounded retries, recorded redirects, per-host rate limit.

Pages are fetched by a bounded pool of threads sharing one ``httpx.Client``
(its connection pool is thread-safe), so a site of hundreds of pages downloads
concurrently while each host still sees at most ``rate`` requests per second.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from .. import __version__

if TYPE_CHECKING:
    from .scope import Scope

log = logging.getLogger(__name__)

USER_AGENT = f"clinic-audit/{__version__} (+site audit)"
TIMEOUT_SECONDS = 15.0
CONNECT_TIMEOUT_SECONDS = 5.0
RETRIES = 2
BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0  # a Retry-After larger than this is capped, never obeyed blindly
MAX_REDIRECTS = 5
CONCURRENCY = 8
RATE_PER_HOST = 10.0  # requests per second; 0 means no limit
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
HTTP_CACHE_BYTES = 500_000_000  # the HTTP cache drops its oldest responses beyond this


class WebError(Exception):
    """A web source that cannot be read at all (bad URL, refused credentials); worded for the user."""


@dataclass(frozen=True)
class Page:
    """One fetched URL: where it ended up, its status, body and the redirects on the way."""

    url: str
    final_url: str
    status: int  # 0 when no HTTP answer arrived
    content: bytes = b""
    content_type: str = ""
    redirects: tuple[tuple[str, int], ...] = ()  # (url, status) of each hop that redirected
    error: str = ""
    headers: dict[str, str] = field(default_factory=dict, compare=False)
    skipped: bool = False  # not fetched by policy (off the audited site, robots.txt, the request budget)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def is_html(self) -> bool:
        return "html" in self.content_type or (not self.content_type and self.content.lstrip()[:1] == b"<")

    def describe(self) -> str:
        """Why the page is not usable, in one line."""
        return self.error or f"HTTP {self.status}"


class _HostLimiter:
    """At most ``rate`` request starts per second per host, shared by all threads."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.lock = threading.Lock()
        self.next_slot: dict[str, float] = {}

    def wait(self, host: str) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot.get(host, now))
            self.next_slot[host] = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class Fetcher:
    """Fetch URLs politely; ``get`` is thread-safe, ``get_many`` runs a bounded pool."""

    def __init__(
        self,
        concurrency: int = CONCURRENCY,
        rate: float = RATE_PER_HOST,
        timeout: float = TIMEOUT_SECONDS,
        retries: int = RETRIES,
        backoff: float = BACKOFF_SECONDS,
        max_redirects: int = MAX_REDIRECTS,
        max_bytes: int = 5_000_000,
        auth: tuple[str, str] | None = None,
        auth_url: str = "",
        sleep: Callable[[float], None] = time.sleep,
        scope: "Scope | None" = None,
        max_requests: int | None = None,
        http_cache: "str | Path | None" = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        """``sleep`` is how the fetcher waits between retries and ``clock`` how it measures deadlines (tests
        pass fakes); ``scope`` refuses requests off the audited sites; ``max_requests`` bounds the run."""
        import httpx

        self.concurrency = max(1, concurrency)
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes
        self.limiter = _HostLimiter(rate)
        # Credentials go only to the origin (scheme, host and port) they were given for: never to another host
        # a redirect points at, and never over plain HTTP after an https -> http redirect.
        self.auth = auth
        self.auth_origin = _origin(auth_url) if auth_url else None
        self.scope = scope
        self.timeout = timeout
        self.clock = clock
        self.budget = max_requests
        self.requests = 0
        self._count = threading.Lock()
        limits = httpx.Limits(max_connections=self.concurrency * 2, max_keepalive_connections=self.concurrency * 2)
        self.client = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_SECONDS)),
            follow_redirects=False,  # followed by hand so every hop is recorded
            limits=limits,
            trust_env=False,  # never route a site audit through a proxy picked up from the environment
            # Never cache what needs credentials (drafts stay off the disk); otherwise revalidate every page.
            transport=_cached_transport(http_cache, limits) if http_cache and not auth else None,
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, params: dict[str, Any] | None = None, method: str = "GET") -> Page:
        """GET ``url``, following up to ``max_redirects`` redirects and retrying 429/5xx with backoff.

        ``method="HEAD"`` asks for the status only (link checks); a server that refuses HEAD (405, 501) is
        asked again with GET."""
        hops: list[tuple[str, int]] = []
        current = url
        while True:
            refused = self.scope.refuses(current) if self.scope is not None else ""
            if refused:
                return Page(url, current, 0, redirects=tuple(hops), error=f"not fetched: {refused}", skipped=True)
            if not self._spend():
                return Page(url, current, 0, redirects=tuple(hops), skipped=True,
                            error=f"not fetched: the run's budget of {self.budget} requests is spent")
            page = self._get_once(current, params, method)
            if method == "HEAD" and page.status in (405, 501):
                method = "GET"
                continue
            if page.status in (301, 302, 303, 307, 308) and "location" in page.headers:
                hops.append((current, page.status))
                if len(hops) > self.max_redirects:
                    return Page(url, current, page.status, redirects=tuple(hops),
                                error=f"more than {self.max_redirects} redirects")
                current = urljoin(current, page.headers["location"])
                params = None  # the Location already carries its query
                continue
            return Page(url, current, page.status, page.content, page.content_type, tuple(hops), page.error, page.headers)

    def _get_once(self, url: str, params: dict[str, Any] | None, method: str = "GET") -> Page:
        import httpx

        host = urlsplit(url).netloc
        attempt = 0
        while True:
            self.limiter.wait(host)
            delay = self.backoff * (2 ** attempt)
            try:
                auth = self.auth if self.auth and _origin(url) == self.auth_origin else None
                with self.client.stream(method, url, params=params, auth=auth) as response:
                    content = self._read_capped(response, self.clock() + self.timeout)
                    headers = {k.lower(): v for k, v in response.headers.items()}
                    status = response.status_code
                page = Page(url, url, status, content, headers.get("content-type", "").lower(), headers=headers)
                if status not in RETRY_STATUSES or attempt >= self.retries:
                    return page
                delay = _retry_after(headers.get("retry-after"), delay)
            except _TooLarge:
                return Page(url, url, 0, error=f"response is over the {self.max_bytes / 1e6:.1f} MB limit (max-file-size)")
            except _TooSlow:
                return Page(url, url, 0, error=f"the server took more than {self.timeout:g} s to send the page")
            except httpx.InvalidURL as exc:
                return Page(url, url, 0, error=f"invalid URL: {exc}")
            except httpx.HTTPError as exc:
                if attempt >= self.retries:
                    return Page(url, url, 0, error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            attempt += 1
            log.debug("retrying %s in %.2fs (attempt %d)", url, delay, attempt)
            self.sleep(min(delay, MAX_BACKOFF_SECONDS))

    def _read_capped(self, response: Any, deadline: float) -> bytes:
        """The body, up to ``max_bytes`` and until ``deadline``: a server dripping a byte at a time never holds
        a URL longer than the timeout (httpx's timeout applies to each read, not to the whole body)."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise _TooLarge
            if self.clock() > deadline:
                raise _TooSlow
            chunks.append(chunk)
        return b"".join(chunks)

    def _spend(self) -> bool:
        """Count one request against the budget; False once it is spent."""
        with self._count:
            if self.budget is not None and self.requests >= self.budget:
                return False
            self.requests += 1
            return True

    def get_many(self, urls: Iterable[str], method: str = "GET") -> Iterator[Page]:
        """Fetch every URL with a bounded pool, yielding pages in input order (input is read lazily)."""
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="fetch") as pool:
            window: deque[Future[Page]] = deque()
            for url in urls:
                window.append(pool.submit(self.get, url, None, method))
                if len(window) >= self.concurrency * 2:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()


def _cached_transport(path: "str | Path", limits: Any) -> Any:
    """An HTTP cache in front of the network (hishel, RFC 9111): a page fetched before is asked for again with
    If-None-Match / If-Modified-Since, and a 304 serves the stored body, so an unchanged site is not downloaded
    again the next night.  Responses that forbid storing are never stored."""
    import httpx
    from hishel import SqliteStorage
    from hishel.httpx import CacheTransport

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    storage = SqliteStorage(database_path=str(path), max_size=HTTP_CACHE_BYTES)
    return CacheTransport(next_transport=httpx.HTTPTransport(limits=limits), storage=storage, rfc=True)


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


def _retry_after(value: str | None, fallback: float) -> float:
    """Seconds to wait from a Retry-After header (seconds or HTTP date), bounded; else the backoff."""
    if not value:
        return fallback
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_BACKOFF_SECONDS)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return fallback
    return min(max(0.0, when - time.time()), MAX_BACKOFF_SECONDS)
