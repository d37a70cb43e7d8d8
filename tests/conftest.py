"""Shared fixtures: run the CLI in-process, build posts from text."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from clinic_audit.cli import main
from clinic_audit.config import Config
from clinic_audit.parse import parse
from clinic_audit.registry import load
from clinic_audit.sources import Document

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the internet: outbound connections to anything but loopback fail."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1")) or self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise OSError(f"network access blocked in tests: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def run_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own folder, so caches and histories never land in the checkout."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def no_wordpress_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither WordPress credential variable set: a test sees only what an anonymous reader sees."""
    from clinic_audit.web.wordpress import PASSWORD_ENV, USER_ENV

    monkeypatch.delenv(USER_ENV, raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.fixture
def cli():
    """Invoke the CLI in-process; returns click's Result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return run


def make_post(text: str, fmt: str = "markdown", source: str = "post.md"):
    """Parse text into a Post without touching the disk."""
    return parse(Document(source, text, fmt))


def isolated_config(**cli_layer):
    return Config.build(load(), Path("."), cli_layer, isolated=True)


@pytest.fixture
def counted(monkeypatch):
    """The sources a run really audits (result-cache misses), in order."""
    from clinic_audit import run

    calls: list[str] = []
    real = run.audit_task

    def counting(task, config):
        calls.append(task.document.source)
        return real(task, config)

    monkeypatch.setattr(run, "audit_task", counting)
    return calls
