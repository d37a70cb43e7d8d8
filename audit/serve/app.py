"""The ``serve`` web app (Starlette, run by uvicorn): one page, one audit endpoint, loopback only by default.

- ``GET /``: the page (paste box, upload, keyphrase, language, profile).
- ``POST /audit?name=&upload=&profile=&lang=&keyphrase=``: the draft as the raw body -- UTF-8 text (``name``, when
  given, is the file it was loaded from and says its format), or with ``upload=1`` a file's bytes (.docx, .md,
  .html, .txt); answers the result as an HTML fragment the page's script puts in place.
- ``POST /``: the same form without JavaScript (pasted text only), answered with the whole page.

The body is read in memory up to ``MAX_UPLOAD_BYTES`` and never written anywhere; responses are ``no-store``.
Requests must name this server as their Host (a web page that rebinds its own name to 127.0.0.1 gets nothing)
and a POST from another origin is refused.
"""

from __future__ import annotations

import socket
from typing import Callable, Iterable
from urllib.parse import parse_qs, urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .draft import MAX_UPLOAD_BYTES, Auditor, Checked, Choices, DraftError, document_from_text, document_from_upload
from .page import Pages


class TooBig(Exception):
    """The request body is over the upload limit."""


async def _body(request: Request, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The request body, in memory, refused past ``limit`` bytes (before reading it when the length is declared)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooBig()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooBig()
        chunks.append(chunk)
    return b"".join(chunks)


def _choices(values: dict[str, str]) -> Choices:
    return Choices(profile=values.get("profile", "auto") or "auto", language=values.get("lang", ""),
                   keyphrase=values.get("keyphrase", "")[:200])


def create_app(auditor: Auditor, hosts: Iterable[str] = ("127.0.0.1", "localhost")) -> Starlette:
    """The app, auditing with ``auditor``; ``hosts`` are the names a request may address it by."""
    pages = Pages(auditor.docs)
    headers = {
        "Content-Security-Policy": pages.csp,
        "Cache-Control": "no-store",  # the draft's result is never kept by the browser either
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }
    too_big = f"The draft is over the {MAX_UPLOAD_BYTES / 1e6:.0f} MB limit."

    def html(text: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(text, status, headers=headers)

    def same_origin(request: Request) -> bool:
        origin = request.headers.get("origin")
        if not origin or origin == "null":
            return origin is None
        parts = urlsplit(origin)
        return parts.netloc == request.headers.get("host", "")

    async def page(request: Request) -> Response:
        return html(pages.page(Choices()))

    async def form(request: Request) -> Response:
        if not same_origin(request):
            return Response("cross-origin requests are refused", 403)
        try:
            body = await _body(request)
        except TooBig:
            return html(pages.page(Choices(), "", Checked(failure=too_big)), 413)
        values = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        choices = _choices(values)
        text = values.get("text", "")
        try:
            checked = await run_in_threadpool(auditor.check, document_from_text(text), choices)
        except DraftError as exc:
            checked = Checked(failure=str(exc))
        return html(pages.page(choices, text, checked))

    async def audit(request: Request) -> Response:
        if not same_origin(request):
            return Response("cross-origin requests are refused", 403)
        query = dict(request.query_params)
        name = query.get("name", "")[:255]
        try:
            body = await _body(request)
        except TooBig:
            return html(pages.fragment(Checked(failure=too_big)), 413)
        try:
            if query.get("upload") == "1":
                document = document_from_upload(name, body)
            else:
                document = document_from_text(body.decode("utf-8", "replace"), name)
        except DraftError as exc:
            return html(pages.fragment(Checked(failure=str(exc))), 400 if body.strip() else 200)
        checked = await run_in_threadpool(auditor.check, document, _choices(query))
        return html(pages.fragment(checked))

    routes = [Route("/", page, methods=["GET"]), Route("/", form, methods=["POST"]),
              Route("/audit", audit, methods=["POST"])]
    app = Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))])
    app.state.warm = lambda: pages.fragment(auditor.check(document_from_text(WARM_UP), Choices()))
    return app


# A draft touching most rules and the templates: the first real draft is then answered at once.
WARM_UP = """Knee Pain: What Helps

About 30% of adults over 60 have knee pain, and studies show rest helps.

Signs may include:

- Swelling
-

Book an appointment today.
"""


def serve(auditor: Auditor, sock: socket.socket, hosts: list[str], ready: Callable[[], None] | None = None) -> None:
    """Run the app with uvicorn on a bound socket until interrupted (Ctrl+C)."""
    import uvicorn

    app = create_app(auditor, hosts)
    app.state.warm()
    # No access log: a request's query carries the keyphrase and the file's name.
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False)
    server = uvicorn.Server(config)
    if ready is not None:
        ready()
    server.run(sockets=[sock])
