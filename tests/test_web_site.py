"""Auditing a live site over loopback: sitemap index with a gzipped child, crawl with robots.txt, site findings."""

from __future__ import annotations

import json

import pytest

from clinic_audit.web import fetch

from site_server import clinic_site, serve


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "BACKOFF_SECONDS", 0.01)


def _site_findings(output: str) -> dict[str, list[list[str]]]:
    data = json.loads(output)
    found: dict[str, list[list[str]]] = {}
    for f in data["site"]["findings"]:
        found.setdefault(f["rule"], []).append(f["sources"])
    return found


def test_sitemap_index_with_gzipped_child_audits_every_listed_post(cli):
    with serve(clinic_site()) as site:
        result = cli("check", f"{site.base}/sitemap.xml", "-f", "json", "--rate", "0", "-j", "1", "--isolated")
    data = json.loads(result.stdout)
    assert sorted(p["source"] for p in data["posts"]) == [f"{site.base}/blog/{s}/" for s in ("a", "b", "c", "orphan")]
    assert "/sitemap-posts.xml.gz" in site.paths()
    assert all(ua.startswith("clinic-audit/") and "(+site audit)" in ua for _m, _p, ua in site.log)


def test_site_findings_name_every_post_involved(cli):
    with serve(clinic_site()) as site:
        result = cli("check", f"{site.base}/sitemap.xml", "-f", "json", "--rate", "0", "-j", "2", "--isolated")
    found = _site_findings(result.stdout)
    a, b, c, orphan = (f"{site.base}/blog/{s}/" for s in ("a", "b", "c", "orphan"))
    assert found["SI001"] == [[a, b]]  # same title
    assert found["SI007"] == [[a, b]]  # same keyphrase
    assert sorted(found["SI004"]) == [[a, f"{site.base}/blog/error/"], [a, f"{site.base}/blog/gone/"]]
    assert found["SI005"] == [[a, f"{site.base}/old/"]]
    # The menu links to the orphan on every page, but menus are not the article: it stays an orphan.
    assert found["SI006"] == [[orphan]]
    assert result.exit_code == 1  # a broken internal link is an error


def test_server_error_is_retried_then_reported(cli):
    with serve(clinic_site()) as site:
        cli("check", f"{site.base}/sitemap.xml", "-f", "json", "--rate", "0", "-j", "1", "--isolated")
    assert site.paths().count("/blog/error/") == fetch.RETRIES + 1
    assert site.paths().count("/blog/gone/") == 1  # a 404 is final, never retried


def test_text_output_has_a_site_section(cli):
    with serve(clinic_site()) as site:
        result = cli("check", f"{site.base}/sitemap.xml", "--rate", "0", "-j", "1", "--isolated", "--no-color")
    section = result.output.split("site-wide findings", 1)[1]
    assert "SI001" in section and f"also: {site.base}/blog/b/" in section


def test_crawl_honours_robots_txt_and_stays_on_the_host(cli):
    with serve(clinic_site()) as site:
        result = cli("check", "--crawl", f"{site.base}/", "-f", "json", "--rate", "0", "-j", "1", "--isolated")
    data = json.loads(result.stdout)
    audited = {p["source"] for p in data["posts"]}
    assert f"{site.base}/blog/orphan/" in audited  # reached through the menu
    assert "/private/secret/" not in site.paths()
    assert site.paths()[0] == "/robots.txt"


def test_crawl_depth_limit_stops_at_the_start_page(cli):
    with serve(clinic_site()) as site:
        result = cli("check", "--crawl", f"{site.base}/", "--max-depth", "0", "-f", "json", "--rate", "0", "-j", "1",
                     "--isolated")
    assert [p["source"] for p in json.loads(result.stdout)["posts"]] == [f"{site.base}/"]


def test_unreachable_sitemap_is_one_clear_line(cli):
    with serve({}) as site:
        result = cli("check", f"{site.base}/sitemap.xml", "--rate", "0", "--isolated")
    assert result.exit_code == 2
    assert "cannot read sitemap" in result.output and "HTTP 404" in result.output
    assert "Traceback" not in result.output


def test_text_output_groups_site_findings_by_rule_worst_first_with_counts(cli):
    with serve(clinic_site()) as site:
        result = cli("check", f"{site.base}/sitemap.xml", "--rate", "0", "-j", "1", "--isolated", "--no-color")
    section = result.output.split("site-wide findings", 1)[1]
    headers = [line for line in section.splitlines() if line.startswith("SI")]
    assert headers[0] == "SI004 broken-internal-link · error · 2 findings"  # errors first
    assert section.count("fix: Link to the page's current address") == 1  # one fix line for the group
