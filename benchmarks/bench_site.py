"""Benchmark: audit a 500-post site served over loopback; clinic-audit against pyseoanalyzer.

Run: python benchmarks/bench_site.py [--posts 500] [--jobs 0] [--pyseo-python /tmp/pyseo-venv/bin/python]

The site is served by a separate process so neither tool shares an interpreter
with the server.  clinic-audit reads the sitemap and fetches concurrently with
``--rate 0`` (no politeness delay, like the peer); pyseoanalyzer crawls from the
home page (it reads the sitemap too, but without following links it stops after
one page).  pyseoanalyzer must live in its own venv, never in the project's:
    python3 -m venv /tmp/pyseo-venv && /tmp/pyseo-venv/bin/pip install pyseoanalyzer lxml_html_clean
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WORDS = ("pain knee back sleep doctor exercise rest swelling muscle joint treatment symptoms patients clinic "
         "weeks months therapy stretch walking running posture heat ice injury recovery strength arthritis "
         "nerve spine hip shoulder appointment advice common usually gently daily often most people").split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def build_site(posts: int, seed: int = 7) -> dict[str, bytes]:
    """Path -> HTML/XML body for a blog of ``posts`` posts, a home page listing them and a sitemap."""
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


def serve(pages: dict[str, bytes], port_out: "multiprocessing.Queue[int]") -> None:
    """Serve the pages on 127.0.0.1 (runs in its own process)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            host = self.headers.get("Host", "")
            if path == "/sitemap.xml":
                body = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        + "".join(f"<url><loc>http://{host}{p}</loc></url>" for p in pages if p != "/")
                        + "</urlset>").encode()
                kind = "application/xml"
            elif path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            elif path in pages:
                body, kind = pages[path], "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


def time_command(command: list[str], repeat: int = 1) -> tuple[float, subprocess.CompletedProcess[str]]:
    """The best wall-clock time of ``repeat`` runs, and the last run's outcome."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        best = min(best, time.perf_counter() - started)
    return best, done


PYSEO_SCRIPT = """
import json, sys
from pyseoanalyzer import analyze
out = analyze(sys.argv[1], sitemap_url=sys.argv[1] + "sitemap.xml", follow_links=True)
print(len(out["pages"]))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=0, help="clinic-audit worker processes (0: all cores)")
    parser.add_argument("--pyseo-python", default="/tmp/pyseo-venv/bin/python")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool; the best time counts (noisy machines)")
    args = parser.parse_args()

    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(build_site(args.posts), queue), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{queue.get(timeout=10)}/"
    try:
        seconds, done = time_command([sys.executable, "-m", "clinic_audit.cli", "check", base + "sitemap.xml",
                                      "-f", "json", "-o", "/dev/null", "--rate", "0", "-j", str(args.jobs), "--isolated"],
                                     args.repeat)
        if done.returncode not in (0, 1):
            sys.exit(f"clinic-audit failed ({done.returncode}): {done.stderr.strip()}")
        ours = args.posts / seconds
        print(f"clinic-audit:  {args.posts} posts in {seconds:.2f}s = {ours:.1f} posts/s "
              f"(jobs {args.jobs or 'all cores'}, site rules included)")
        if not Path(args.pyseo_python).exists():
            print(f"pyseoanalyzer: not run ({args.pyseo_python} not found; see this file's docstring)")
            return
        seconds, done = time_command([args.pyseo_python, "-c", PYSEO_SCRIPT, base], args.repeat)
        if done.returncode != 0:
            print(f"pyseoanalyzer: failed to run offline: {done.stderr.strip().splitlines()[-1:]}")
            return
        pages = int(done.stdout.strip().splitlines()[-1])
        theirs = pages / seconds
        print(f"pyseoanalyzer: {pages} pages in {seconds:.2f}s = {theirs:.1f} pages/s (serial crawl)")
        print(f"speed-up: {ours / theirs:.1f}x")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
