"""Crawl benchmark: audit a blog served over loopback; clinic-audit against python-seo-analyzer and a bare fetch floor.

Run: .venv/bin/python benchmarks/bench_site.py [--posts 275] [--latencies 0,50] [--rounds 3] [--jobs N]
                                               [--pyseo-python /tmp/pyseo-venv/bin/python]

The site is served by its own process on 127.0.0.1 with settings that do not stall a client: HTTP/1.1
keep-alive, a correct Content-Length, the status line, headers and body written in one send, TCP_NODELAY on
every accepted socket, a listen backlog of 128 and a thread per connection.  (The previous server wrote the
headers and the body in two sends without TCP_NODELAY: Nagle's algorithm held the body back until the
client's delayed ACK, ~40 ms later, so a client with one request in flight waited ~40 ms a page and one with
8 in flight hid most of it.  That stall, not the audit, made most of the old "7.7x".)  ``--latency-ms`` (or
each value of ``--latencies``) is slept by the server before every response, in that connection's thread, so
other connections are not held up: 0 ms measures per-page work, 50 ms a real site's round trip.

Contestants, run in interleaved rounds (the order rotates every round), each as its own process, timed from
start to exit:
- clinic-audit: ``clinic-audit check <sitemap> --rate 0 --no-cache --isolated -f json`` (8 requests in flight,
  every rule and the site rules, internal link checks on as by default);
- python-seo-analyzer (``analyze(url, sitemap_url=..., follow_links=True)``: it fetches one page at a time),
  only when its own venv exists; it must never be installed in the project's venv:
      python3 -m venv /tmp/pyseo-venv && /tmp/pyseo-venv/bin/pip install pyseoanalyzer lxml_html_clean
- the floor: a bare http.client fetch of the sitemap and every page, no parsing, with 1 and with 8 requests in
  flight (one keep-alive connection per thread), so a gap can be split into concurrency and per-page work.

The server counts the requests and connections of every run.  Before the rounds, a sanity check fetches every
page sequentially over one keep-alive connection at 0 ms and prints the time per page; on loopback it must be
well under 5 ms, or the server (or the machine) is stalling and the other figures mean little.

Time: python-seo-analyzer does 60-90 ms of work a page (trafilatura, BeautifulSoup, word counts) plus ~2 s of
imports, so with it the default run (275 posts, 0 and 50 ms, 3 rounds) takes about 4.5 minutes on 2 busy
cores and about 1 minute without it (``--no-peer``); ``--rounds 1`` or ``--posts 100`` for a quick look.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

WORDS = ("pain knee back sleep doctor exercise rest swelling muscle joint treatment symptoms patients clinic "
         "weeks months therapy stretch walking running posture heat ice injury recovery strength arthritis "
         "nerve spine hip shoulder appointment advice common usually gently daily often most people").split()

LISTEN_BACKLOG = 128  # socketserver's default of 5 drops SYNs when 8+ clients connect at once
SANITY_LIMIT_MS = 5.0  # a small page over loopback keep-alive; above this the server is stalling
STALL_TIMEOUT_S = 600  # one tool run; beyond this something is wrong, not slow


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def build_site(posts: int, seed: int = 7) -> dict[str, bytes]:
    """Path -> HTML body for a blog of ``posts`` posts and a home page listing them (the sitemap is served live)."""
    rng = random.Random(seed)
    pages: dict[str, bytes] = {}
    for i in range(posts):
        sections = []
        for s in range(4):
            paragraphs = "".join(f"<p>{' '.join(_sentence(rng) for _ in range(5))}</p>" for _ in range(3))
            sections.append(f"<h2>Part {s + 1} of post {i}</h2>{paragraphs}")
        links = "".join(f'<li><a href="/blog/post-{(i + k) % posts}/">Related {k}</a></li>' for k in (1, 7))
        pages[f"/blog/post-{i}/"] = (
            f'<!doctype html><html lang="en"><head><title>Post {i}: {rng.choice(WORDS)} advice</title>'
            f'<meta name="description" content="Advice on {rng.choice(WORDS)} number {i}."></head><body>'
            f'<nav><a href="/">Home</a></nav><article><h1>Post {i}: {rng.choice(WORDS)} advice</h1>'
            f"{''.join(sections)}<ul>{links}</ul></article><footer>Clinic</footer></body></html>"
        ).encode()
    listing = "".join(f'<li><a href="/blog/post-{i}/">Post {i}</a></li>' for i in range(posts))
    pages["/"] = f"<!doctype html><html><head><title>Blog</title></head><body><ul>{listing}</ul></body></html>".encode()
    return pages


class Counters:
    """Shared between the server process and this one: the latency to apply and what each run asked for."""

    def __init__(self) -> None:
        self.latency_ms = multiprocessing.Value("d", 0.0)
        self.requests = multiprocessing.Value("l", 0)
        self.not_found = multiprocessing.Value("l", 0)
        self.connections = multiprocessing.Value("l", 0)

    def reset(self, latency_ms: float) -> None:
        self.latency_ms.value = latency_ms
        for counter in (self.requests, self.not_found, self.connections):
            with counter.get_lock():
                counter.value = 0

    def snapshot(self) -> dict[str, int]:
        return {"requests": self.requests.value, "404s": self.not_found.value, "connections": self.connections.value}


def _bump(counter: Any) -> None:
    with counter.get_lock():
        counter.value += 1


def serve(pages: dict[str, bytes], counters: Counters, port_out: "multiprocessing.Queue[int]") -> None:
    """Serve the pages on 127.0.0.1 (runs in its own process) until terminated."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive unless the client says Connection: close
        disable_nagle_algorithm = True  # TCP_NODELAY on the accepted socket

        def setup(self) -> None:
            super().setup()
            _bump(counters.connections)

        def do_GET(self) -> None:  # noqa: N802
            self._respond(send_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._respond(send_body=False)

        def _respond(self, send_body: bool) -> None:
            _bump(counters.requests)
            path = self.path.split("?", 1)[0]
            status, kind, body = "200 OK", "text/html; charset=utf-8", pages.get(path)
            if path == "/sitemap.xml":
                host = self.headers.get("Host", "")
                body = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        + "".join(f"<url><loc>http://{host}{p}</loc></url>" for p in pages if p != "/")
                        + "</urlset>").encode()
                kind = "application/xml"
            elif path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            elif body is None:
                _bump(counters.not_found)
                status, kind, body = "404 Not Found", "text/plain", b"not found\n"
            delay = counters.latency_ms.value / 1000
            if delay:
                time.sleep(delay)  # this connection's thread only; the others go on
            head = (f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
                    + ("Connection: close\r\n" if self.close_connection else "") + "\r\n").encode()
            # One send: status line, headers and body together, so no small segment waits for an ACK.
            self.wfile.write(head + body if send_body else head)

        def log_message(self, *_args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = LISTEN_BACKLOG
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    port_out.put(server.server_address[1])
    server.serve_forever()


FLOOR_SCRIPT = r"""
import http.client, json, queue, re, sys, threading, time
host, port, inflight = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def fetch(conn, path):
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"{path}: HTTP {response.status}")
    return body, time.perf_counter() - started

conn = http.client.HTTPConnection(host, port)
sitemap, _ = fetch(conn, "/sitemap.xml")
paths = [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(rb"<loc>([^<]+)</loc>", sitemap) for loc in [loc.decode()]]
work = queue.Queue()
for path in paths:
    work.put(path)
times, lock = [], threading.Lock()

def worker(conn):
    while True:
        try:
            path = work.get_nowait()
        except queue.Empty:
            return
        _, seconds = fetch(conn, path)
        with lock:
            times.append(seconds)

started = time.perf_counter()
threads = [threading.Thread(target=worker, args=(conn if i == 0 else http.client.HTTPConnection(host, port),))
           for i in range(inflight)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.perf_counter() - started
print(json.dumps({"pages": len(times), "seconds": elapsed, "median_ms": 1000 * sorted(times)[len(times) // 2],
                  "max_ms": 1000 * max(times)}))
"""

PYSEO_SCRIPT = r"""
import sys
from pyseoanalyzer import analyze
out = analyze(sys.argv[1], sitemap_url=sys.argv[1] + "sitemap.xml", follow_links=True)
print(len(out["pages"]))
"""


def _clinic_audit_binary() -> str:
    """The clinic-audit next to this interpreter (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "clinic-audit"
    return str(beside) if beside.exists() else (shutil.which("clinic-audit") or "clinic-audit")


def _run(command: list[str], cwd: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=STALL_TIMEOUT_S)
    return time.perf_counter() - started, done


def run_clinic_audit(binary: str, base: str, jobs: int | None, workdir: str) -> tuple[float, int]:
    """Seconds for a full check of the sitemap, and the number of posts in its report."""
    report = Path(workdir) / "report.json"
    command = [binary, "check", base + "sitemap.xml", "-f", "json", "-o", str(report), "--rate", "0",
               "--no-cache", "--isolated"] + (["-j", str(jobs)] if jobs else [])
    seconds, done = _run(command, workdir)
    if done.returncode not in (0, 1):
        sys.exit(f"clinic-audit failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return seconds, len(json.loads(report.read_text(encoding="utf-8"))["posts"])


def run_pyseo(python: str, base: str, workdir: str) -> tuple[float, int]:
    seconds, done = _run([python, "-c", PYSEO_SCRIPT, base], workdir)
    if done.returncode != 0 or not done.stdout.strip():
        sys.exit(f"python-seo-analyzer failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return seconds, int(done.stdout.strip().splitlines()[-1])


def run_floor(port: int, inflight: int, workdir: str) -> tuple[float, int, dict[str, float]]:
    seconds, done = _run([sys.executable, "-c", FLOOR_SCRIPT, "127.0.0.1", str(port), str(inflight)], workdir)
    if done.returncode != 0:
        sys.exit(f"floor client failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    stats = json.loads(done.stdout)
    return seconds, stats["pages"], stats


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _fmt_s(values: list[float]) -> tuple[str, str]:
    return f"{statistics.median(values):.2f}", f"{min(values):.2f}–{max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=275)
    parser.add_argument("--latencies", default="0,50", help="comma-separated per-response delays in ms")
    parser.add_argument("--latency-ms", type=float, default=None,
                        help="a single per-response delay in ms (overrides --latencies)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians and min/max reported")
    parser.add_argument("--jobs", type=int, default=None, help="clinic-audit worker processes [default: its own]")
    parser.add_argument("--clinic-audit", default=_clinic_audit_binary(), help="the clinic-audit command to time")
    parser.add_argument("--pyseo-python", default="/tmp/pyseo-venv/bin/python",
                        help="the python of python-seo-analyzer's own venv")
    parser.add_argument("--no-peer", action="store_true", help="leave python-seo-analyzer out")
    args = parser.parse_args()
    latencies = [args.latency_ms] if args.latency_ms is not None else [float(x) for x in args.latencies.split(",")]

    started = time.perf_counter()
    loads = [os.getloadavg()]
    print(f"crawl benchmark: {args.posts} posts, latencies {', '.join(f'{x:g} ms' for x in latencies)}, "
          f"{args.rounds} rounds, {os.cpu_count()} CPUs, load average at start {_load()}")

    tools: dict[str, Any] = {}
    workdir = tempfile.mkdtemp(prefix="bench-site-")  # clinic-audit's project folder: no stray .clinic-audit/
    counters = Counters()
    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(build_site(args.posts), counters, queue), daemon=True)
    server.start()
    port = queue.get(timeout=10)
    base = f"http://127.0.0.1:{port}/"
    try:
        counters.reset(0)
        run_floor(port, 1, workdir)  # warm the server's threads and the page cache once
        counters.reset(0)
        _, pages, stats = run_floor(port, 1, workdir)
        per_page = 1000 * stats["seconds"] / pages
        verdict = "ok" if per_page < SANITY_LIMIT_MS else "TOO SLOW: the server or the machine is stalling"
        print(f"sanity at 0 ms: sequential keep-alive client, {pages} pages over {counters.snapshot()['connections']} "
              f"connection(s): {per_page:.2f} ms/page (median {stats['median_ms']:.2f} ms, max {stats['max_ms']:.2f} ms;"
              f" limit {SANITY_LIMIT_MS:g} ms) — {verdict}")

        tools["clinic-audit"] = lambda: run_clinic_audit(args.clinic_audit, base, args.jobs, workdir)
        if args.no_peer:
            print("python-seo-analyzer: skipped (--no-peer)")
        elif args.pyseo_python and Path(args.pyseo_python).is_file():
            tools["python-seo-analyzer"] = lambda: run_pyseo(args.pyseo_python, base, workdir)
        else:
            print(f"python-seo-analyzer: skipped ({args.pyseo_python} not found; install it in its own venv, "
                  "see this file's docstring)")
        tools["floor: fetch only, 1 in flight"] = lambda: run_floor(port, 1, workdir)[:2]
        tools["floor: fetch only, 8 in flight"] = lambda: run_floor(port, 8, workdir)[:2]

        # results[latency][tool] = list of (seconds, pages, server counts), one per round
        results: dict[float, dict[str, list[tuple[float, int, dict[str, int]]]]] = {
            latency: {name: [] for name in tools} for latency in latencies}
        names = list(tools)
        for round_no in range(args.rounds):
            for latency in latencies:
                order = names[round_no % len(names):] + names[:round_no % len(names)]
                for name in order:
                    counters.reset(latency)
                    seconds, pages = tools[name]()
                    results[latency][name].append((seconds, pages, counters.snapshot()))
                loads.append(os.getloadavg())
            print(f"round {round_no + 1}/{args.rounds} done ({time.perf_counter() - started:.0f} s, load {_load()})",
                  flush=True)
    finally:
        server.terminate()
        shutil.rmtree(workdir, ignore_errors=True)

    for latency in latencies:
        print(f"\n### {args.posts} posts, {latency:g} ms per response, {args.rounds} interleaved rounds\n")
        print("| tool | median s | min–max s | pages | pages/s (median) | requests | connections "
              "| time ÷ clinic-audit's (median of rounds) |")
        print("|---|---|---|---|---|---|---|---|")
        ours = [seconds for seconds, _, _ in results[latency]["clinic-audit"]]
        for name in tools:
            rows = results[latency][name]
            times = [seconds for seconds, _, _ in rows]
            median, spread = _fmt_s(times)
            pages = rows[-1][1]
            counts = rows[-1][2]
            requests = sorted({row[2]["requests"] for row in rows})
            request_text = "/".join(str(r) for r in requests) + (f" ({counts['404s']} × 404)" if counts["404s"] else "")
            ratio = statistics.median(t / o for t, o in zip(times, ours))
            print(f"| {name} | {median} | {spread} | {pages} | {statistics.median(pages / t for t in times):.1f} "
                  f"| {request_text} | {counts['connections']} | {ratio:.2f} |")
        if "python-seo-analyzer" in tools:
            theirs = [seconds for seconds, _, _ in results[latency]["python-seo-analyzer"]]
            print(f"\nclinic-audit vs python-seo-analyzer at {latency:g} ms: "
                  f"{statistics.median(t / o for t, o in zip(theirs, ours)):.2f}× faster (median of per-round ratios)")
    load_1m = [load[0] for load in loads]
    print(f"\nload average (1 min) during the run: {min(load_1m):.2f}–{max(load_1m):.2f} on {os.cpu_count()} CPUs; "
          f"at the end {_load()}; total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
