"""Many client sites in one command: one report folder and history per site, and an overview of all."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

from clinic_audit import history

from site_server import HTML, page, serve

PROSE = "<p>Back pain usually gets better in a few weeks. Gentle movement helps more than rest.</p>"


def _site(title: str, posts: int) -> dict:
    def sitemap(handler, _query):
        base = f"http://{handler.headers['Host']}"
        locs = "".join(f"<url><loc>{base}/p{i}/</loc></url>" for i in range(posts))
        return 200, {"Content-Type": "application/xml"}, (
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>').encode()

    routes = {"/sitemap.xml": sitemap}
    routes.update({f"/p{i}/": (200, HTML, page(f"{title} {i}", PROSE)) for i in range(posts)})
    return routes


def test_three_sites_get_their_own_reports_histories_and_one_overview(cli, tmp_path: Path):
    with ExitStack() as stack:
        servers = [stack.enter_context(serve(_site(name, n))) for name, n in (("Back", 2), ("Knee", 3), ("Hip", 1))]
        spec = "".join(f'[[sites]]\nname = "{name}"\nsource = "{s.base}/sitemap.xml"\n\n'
                       for name, s in zip(("back-clinic", "knee-clinic", "hip-clinic"), servers))
        spec += '[[sites]]\nname = "broken"\nsource = "missing-folder"\n'
        sites_file = tmp_path / "sites.toml"
        sites_file.write_text(spec, encoding="utf-8")
        out = tmp_path / "reports"
        first = cli("sites", str(sites_file), "--out", str(out), "--rate", "0", "-j", "1")
        second = cli("sites", str(sites_file), "--out", str(out), "--rate", "0", "-j", "1")
    assert first.exit_code == 2  # the broken site is reported, and did not stop the others
    assert "broken: no post was audited" in first.stdout or "broken:" in first.stdout
    for name, posts in (("back-clinic", 2), ("knee-clinic", 3), ("hip-clinic", 1)):
        assert (out / name / "index.html").is_file()
        assert len(json.loads((out / name / "run.json").read_text(encoding="utf-8"))["posts"]) == posts
        assert [r.posts for r in history.runs(out / name / "history.sqlite")] == [posts, posts]
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{name}/index.html"' in overview for name in ("back-clinic", "knee-clinic", "hip-clinic"))
    assert "broken" in overview and "not audited" in overview
    assert second.exit_code == 2


def test_a_sites_file_with_a_mistake_is_one_clear_line(cli, tmp_path: Path):
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text('[[sites]]\nname = "../escape"\nsource = "posts"\n', encoding="utf-8")
    result = cli("sites", str(sites_file))
    assert result.exit_code == 2 and "'name' must be letters" in result.stderr
    sites_file.write_text('[[sites]]\nname = "a"\nsource = "posts"\ncolour = "red"\n', encoding="utf-8")
    assert "unknown key 'colour'" in cli("sites", str(sites_file)).stderr
