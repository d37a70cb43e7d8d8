"""Per-site WordPress credentials in sites.toml: each site names the environment variables that hold its user
and application password, so one command audits the drafts of two client sites; the secrets never reach an
output, and the file itself never holds one."""

from __future__ import annotations

import base64
import json
from contextlib import ExitStack
from pathlib import Path

import pytest

from clinic_audit.sites import SitesError, load_sites
from clinic_audit.web.wordpress import PASSWORD_ENV, USER_ENV

from site_server import serve

JSON = {"Content-Type": "application/json; charset=UTF-8"}
SECRETS = {"riverside": ("riverside-editor", "rvsd Qx7p Lm2k Zt9w"), "hillside": ("hill-admin", "hlsd Ab3c Dd4e Ff5g")}
CONTENT = ("<p>Knee pain after running usually eases with rest, ice and a slower return to training. "
           "Most runners are back on the road within a few weeks.</p>")


def wordpress(site: str) -> dict:
    """A WordPress REST look-alike that shows drafts only to its own user and application password."""
    user, password = SECRETS[site]
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def posts(handler, query):
        base = f"http://{handler.headers['Host']}"
        authorised = handler.headers.get("Authorization") == expected
        if query.get("context") == ["edit"] and not authorised:
            return 401, JSON, json.dumps({"code": "rest_forbidden_context", "data": {"status": 401}}).encode()
        items = [_item(base, 1, f"{site}-published", "publish")]
        if authorised:
            items.append(_item(base, 2, f"{site}-draft", "draft"))
        return 200, {**JSON, "X-WP-TotalPages": "1"}, json.dumps(items).encode()

    return {"/wp-json/wp/v2/posts": posts}


def _item(base: str, i: int, slug: str, status: str) -> dict:
    link = f"{base}/{slug}/" if status == "publish" else f"{base}/?p={i}"
    return {"id": i, "status": status, "link": link, "date": "2026-01-05T10:00:00", "modified": "2026-02-01T10:00:00",
            "title": {"rendered": slug.replace("-", " ").title(), "raw": slug}, "excerpt": {"rendered": "<p>x</p>"},
            "content": {"rendered": CONTENT}, "_embedded": {"author": [{"name": "Jane Roe"}]}}


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for site, (user, password) in SECRETS.items():
        monkeypatch.setenv(f"{site.upper()}_WP_USER", user)
        monkeypatch.setenv(f"{site.upper()}_WP_PASSWORD", password)
    # the global pair set to one client's credentials must never be sent to another client's site
    monkeypatch.setenv(USER_ENV, SECRETS["riverside"][0])
    monkeypatch.setenv(PASSWORD_ENV, SECRETS["riverside"][1])


def _sites_file(tmp_path: Path, bases: dict[str, str], extra: str = "") -> Path:
    text = "".join(f'[[sites]]\nname = "{site}"\nsource = "wordpress+{base}/"\n'
                   f'wp-user-env = "{site.upper()}_WP_USER"\nwp-password-env = "{site.upper()}_WP_PASSWORD"\n\n'
                   for site, base in bases.items()) + extra
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_two_sites_drafts_are_audited_with_their_own_credentials_and_no_secret_is_written(cli, tmp_path: Path):
    with ExitStack() as stack:
        servers = {site: stack.enter_context(serve(wordpress(site))) for site in SECRETS}
        sites_file = _sites_file(tmp_path, {site: s.base for site, s in servers.items()})
        out = tmp_path / "reports"
        result = cli("sites", str(sites_file), "--out", str(out), "--rate", "0", "-j", "1")
    assert result.exit_code in (0, 1), result.output
    for site in SECRETS:
        run = json.loads((out / site / "run.json").read_text(encoding="utf-8"))
        slugs = sorted(p["title"] for p in run["posts"])
        assert slugs == sorted([f"{site} published".title(), f"{site} draft".title()]), (site, slugs)
        assert [p["document"].get("status") for p in run["posts"] if "Draft" in p["title"]] == ["draft"]
    written = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.name == "history.sqlite" for p in written) and any(p.name == "index.html" for p in written)
    for user, password in SECRETS.values():
        for secret in (password, password.replace(" ", ""), base64.b64encode(f"{user}:{password}".encode()).decode()):
            assert secret not in result.output
            assert all(secret.encode() not in p.read_bytes() for p in written), secret


def test_half_set_site_variables_are_the_clear_warning_and_published_posts_only(cli, tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("HILLSIDE_WP_PASSWORD")
    with serve(wordpress("hillside")) as hill:
        sites_file = _sites_file(tmp_path, {"hillside": hill.base})
        result = cli("sites", str(sites_file), "--out", str(tmp_path / "out"), "--rate", "0", "-j", "1")
    assert ("warning: hillside: HILLSIDE_WP_PASSWORD is not set, so only published posts can be read "
            "(set both HILLSIDE_WP_USER and HILLSIDE_WP_PASSWORD)") in result.output
    run = json.loads((tmp_path / "out" / "hillside" / "run.json").read_text(encoding="utf-8"))
    # riverside's credentials (the global pair) were not tried instead: they would have been refused (401)
    assert [p["title"] for p in run["posts"]] == ["Hillside Published"]
    assert SECRETS["riverside"][1] not in result.output


def test_a_refused_site_names_its_own_variables_not_the_global_pair(cli, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HILLSIDE_WP_PASSWORD", "wrong Pass word xxxx")
    with serve(wordpress("hillside")) as hill:
        sites_file = _sites_file(tmp_path, {"hillside": hill.base})
        result = cli("sites", str(sites_file), "--out", str(tmp_path / "out"), "--rate", "0", "-j", "1")
    assert "refused the request (401): set HILLSIDE_WP_USER and HILLSIDE_WP_PASSWORD" in result.output
    assert USER_ENV not in result.output and "wrong Pass word" not in result.output


def test_sites_without_their_own_variables_still_use_the_environment_pair(cli, tmp_path: Path):
    with serve(wordpress("riverside")) as river:
        path = tmp_path / "sites.toml"
        path.write_text(f'[[sites]]\nname = "riverside"\nsource = "wordpress+{river.base}/"\n', encoding="utf-8")
        result = cli("sites", str(path), "--out", str(tmp_path / "out"), "--rate", "0", "-j", "1")
    assert result.exit_code in (0, 1), result.output
    run = json.loads((tmp_path / "out" / "riverside" / "run.json").read_text(encoding="utf-8"))
    assert len(run["posts"]) == 2


@pytest.mark.parametrize("key", ["wp-password", "wp-app-password", "password", "wp-user"])
def test_a_credential_written_into_the_file_is_refused_without_showing_it(tmp_path: Path, key: str):
    path = tmp_path / "sites.toml"
    path.write_text(f'[[sites]]\nname = "riverside"\nsource = "wordpress+https://r.example/"\n'
                    f'{key} = "rvsd Qx7p Lm2k Zt9w"\n', encoding="utf-8")
    with pytest.raises(SitesError) as caught:
        load_sites(path)
    message = str(caught.value)
    assert "rvsd Qx7p" not in message and "environment variable" in message
    assert ("wp-user-env" if key == "wp-user" else "wp-password-env") in message


@pytest.mark.parametrize("entry, expected", [
    ('wp-user-env = "R_USER"\n', "'wp-user-env' needs 'wp-password-env' too"),
    ('wp-user-env = "R_USER"\nwp-password-env = "rvsd Qx7p Lm2k Zt9w"\n', "must name an environment variable"),
    ('wp-user-env = "R_USER"\nwp-password-env = 7\n', "must name an environment variable"),
])
def test_credential_variable_names_are_checked(tmp_path: Path, entry: str, expected: str):
    path = tmp_path / "sites.toml"
    path.write_text(f'[[sites]]\nname = "riverside"\nsource = "wordpress+https://r.example/"\n{entry}',
                    encoding="utf-8")
    with pytest.raises(SitesError, match=expected) as caught:
        load_sites(path)
    assert "rvsd" not in str(caught.value)


def test_the_sites_command_refuses_a_literal_password_in_one_line(cli, tmp_path: Path):
    path = tmp_path / "sites.toml"
    path.write_text('[[sites]]\nname = "r"\nsource = "wordpress+https://r.example/"\nwp-password = "hunter2 xx"\n',
                    encoding="utf-8")
    result = cli("sites", str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "Traceback" not in result.output and "hunter2" not in result.output
    assert "'wp-password' would keep a credential in the sites file" in result.output
