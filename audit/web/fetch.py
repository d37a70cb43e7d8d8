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
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from .. import __version__

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
        auth_host: str = "",
        sleep: Callable[[float], None] = time.sleep,
    ):
        """``sleep`` is how the fetcher waits between retries (tests pass one that records the waits)."""
        import httpx

        self.concurrency = max(1, concurrency)
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes
        self.limiter = _HostLimiter(rate)
        # Credentials go only to the host they were given for, never to a host a redirect points at.
        self.auth = auth
        self.auth_host = auth_host.lower()
        self.client = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_SECONDS)),
            follow_redirects=False,  # followed by hand so every hop is recorded
            limits=httpx.Limits(max_connections=self.concurrency * 2, max_keepalive_connections=self.concurrency * 2),
            trust_env=False,  # never route a site audit through a proxy picked up from the environment
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, params: dict[str, Any] | None = None) -> Page:
        """GET ``url``, following up to ``max_redirects`` redirects and retrying 429/5xx with backoff."""
        hops: list[tuple[str, int]] = []
        current = url
        while True:
            page = self._get_once(current, params)
            if page.status in (301, 302, 303, 307, 308) and "location" in page.headers:
                hops.append((current, page.status))
                if len(hops) > self.max_redirects:
                    return Page(url, current, page.status, redirects=tuple(hops),
                                error=f"more than {self.max_redirects} redirects")
                current = urljoin(current, page.headers["location"])
                params = None  # the Location already carries its query
                continue
            return Page(url, current, page.status, page.content, page.content_type, tuple(hops), page.error, page.headers)

    def _get_once(self, url: str, params: dict[str, Any] | None) -> Page:
        import httpx

        host = urlsplit(url).netloc
        attempt = 0
        while True:
            self.limiter.wait(host)
            delay = self.backoff * (2 ** attempt)
            try:
                auth = self.auth if self.auth and urlsplit(url).netloc.lower() == self.auth_host else None
                with self.client.stream("GET", url, params=params, auth=auth) as response:
                    content = self._read_capped(response)
                    headers = {k.lower(): v for k, v in response.headers.items()}
                    status = response.status_code
                page = Page(url, url, status, content, headers.get("content-type", "").lower(), headers=headers)
                if status not in RETRY_STATUSES or attempt >= self.retries:
                    return page
                delay = _retry_after(headers.get("retry-after"), delay)
            except _TooLarge:
                return Page(url, url, 0, error=f"response is over the {self.max_bytes / 1e6:.1f} MB limit (max-file-size)")
            except httpx.InvalidURL as exc:
                return Page(url, url, 0, error=f"invalid URL: {exc}")
            except httpx.HTTPError as exc:
                if attempt >= self.retries:
                    return Page(url, url, 0, error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            attempt += 1
            log.debug("retrying %s in %.2fs (attempt %d)", url, delay, attempt)
            self.sleep(min(delay, MAX_BACKOFF_SECONDS))

    def _read_capped(self, response: Any) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def get_many(self, urls: Iterable[str]) -> Iterator[Page]:
        """Fetch every URL with a bounded pool, yielding pages in input order (input is read lazily)."""
        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="fetch") as pool:
            window: deque[Future[Page]] = deque()
            for url in urls:
                window.append(pool.submit(self.get, url))
                if len(window) >= self.concurrency * 2:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()


class _TooLarge(Exception):
    pass


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
