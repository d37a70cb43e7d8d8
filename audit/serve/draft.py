"""What ``clinic-audit serve`` does with a draft, without the web framework: make a Document, audit it, and say
what the page shows (the post view, the problems worst first, the checks that passed, the checks left out).

The draft is held in memory for the request only: it becomes a ``Document``, goes through
``engine.audit_task`` in this process, and is rendered; nothing here opens a file, uses the result cache or
records a history.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import Config, ConfigError, validate
from ..constants import profiles
from ..engine import PostTask, audit_task
from ..registry import Registry
from ..result import InputFailure, rule_docs
from ..sources import Document, decode, sniff_format

MAX_UPLOAD_BYTES = 2_000_000  # a blog draft is a few tens of KB; a Word file with photos can be a few MB
PASTED = "pasted draft"
AUTO = "auto"
DRAFT = "draft"
UPLOAD_FORMATS = {".docx": "docx", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
                  ".txt": "text"}
# Inputs that have no page head yet: audited with the draft profile unless the editor picks another.
DRAFT_FORMATS = ("docx",)
SEVERITY_GROUPS = (("error", "Blocking", "Fix these before publishing: they are near-certain defects."),
                   ("warning", "Warnings", "Likely problems: check each one."),
                   ("info", "Suggestions", "Style advice."))


class DraftError(Exception):
    """A draft that cannot be audited; the message is worded for the editor."""


def document_from_text(text: str, name: str = "") -> Document:
    """A pasted draft (or an uploaded text file's edited text): its format from ``name``'s extension, else sniffed."""
    if not text.strip().strip("\ufeff\u200b"):
        raise DraftError("There is no text to check yet.")
    fmt = UPLOAD_FORMATS.get(Path(name).suffix.lower()) if name else None
    if fmt == "docx":
        fmt = None  # the text of a .docx is never sent back as text; treat it as pasted
    return Document(name or PASTED, text, fmt or sniff_format(text))


def document_from_upload(name: str, data: bytes) -> Document:
    """An uploaded file's bytes as a Document (a .docx is converted in memory by mammoth)."""
    suffix = Path(name).suffix.lower()
    fmt = UPLOAD_FORMATS.get(suffix)
    if fmt is None:
        allowed = ", ".join(sorted(UPLOAD_FORMATS))
        raise DraftError(f"{name}: clinic-audit reads {allowed} files, not {suffix or 'files without an extension'}.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DraftError(f"{name} is {len(data) / 1e6:.1f} MB, over the {MAX_UPLOAD_BYTES / 1e6:.0f} MB limit.")
    if not data.strip():
        raise DraftError(f"{name} is empty.")
    if fmt == "docx":
        from ..docx import DocxError, to_html

        try:
            return Document(name, to_html(data), "docx")
        except DocxError as exc:
            raise DraftError(f"{name}: {exc}.") from None
    if b"\x00" in data[:4096]:
        raise DraftError(f"{name} looks like a binary file, not {fmt} text.")
    from ..sources import InputError

    try:
        return document_from_text(decode(name, data), name)
    except InputError as exc:
        raise DraftError(f"{name}: {exc.message}.") from None


@dataclass(frozen=True)
class Choices:
    """The fields of the page: profile (``auto``: draft for pasted text and Word), language, keyphrase."""

    profile: str = AUTO
    language: str = ""
    keyphrase: str = ""

    def profile_for(self, document: Document) -> str | None:
        """The profile to audit ``document`` with; None leaves the project's own (or the default)."""
        if self.profile != AUTO:
            return self.profile
        return DRAFT if document.source == PASTED or document.format in DRAFT_FORMATS else None


@dataclass
class Checked:
    """What the page shows of one audited draft (or why it could not be audited)."""

    failure: str = ""
    post: dict[str, Any] = field(default_factory=dict)
    profile: str = ""
    passed: list[dict[str, Any]] = field(default_factory=list)  # per family: {"family", "rules": [...]}
    left_out: list[dict[str, str]] = field(default_factory=list)
    milliseconds: int = 0


class Auditor:
    """Audits drafts in this process with the project's configuration plus the page's fields."""

    def __init__(self, registry: Registry, file: Path | None = None, file_layer: dict[str, Any] | None = None):
        self.registry = registry
        self.file = file
        self.file_layer = dict(file_layer or {})
        self.docs = rule_docs(registry)
        self._configs = lru_cache(maxsize=64)(self._config)

    @classmethod
    def from_config(cls, config: Config) -> "Auditor":
        return cls(config.registry, config.file, config.file_layer)

    def _config(self, profile: str | None, language: str, keyphrase: str) -> Config:
        layer = {k: v for k, v in (("profile", profile), ("language", language), ("keyphrase", keyphrase)) if v}
        validate(layer, self.registry, "the page's fields")
        return Config(self.registry, self.file, self.file_layer, layer)

    def check(self, document: Document, choices: Choices) -> Checked:
        """Audit one draft; a bad field or an unreadable draft is a ``failure`` the page shows."""
        started = time.perf_counter()
        profile = choices.profile_for(document)
        try:
            config = self._configs(profile, choices.language.strip(), " ".join(choices.keyphrase.split()))
        except ConfigError as exc:
            return Checked(failure=str(exc).replace("the page's fields: ", ""))
        result, _ = audit_task(PostTask(document), config)
        if isinstance(result, InputFailure):
            return Checked(failure=result.message[:1].upper() + result.message[1:] + ".")
        post = result.to_dict()
        used = config.effective(document.source)["profile"]
        return Checked(post=post, profile=used, passed=self._passed(config, post),
                       left_out=self._left_out(used) if used == DRAFT else [],
                       milliseconds=round((time.perf_counter() - started) * 1000))

    def _passed(self, config: Config, post: dict[str, Any]) -> list[dict[str, Any]]:
        """The post rules that ran and found nothing, grouped by family (what Yoast lists as good results)."""
        fired = {f["rule"] for f in post["findings"]}
        by_family: dict[str, list[dict[str, str]]] = {}
        for setting in config.rule_settings(post["source"]):
            r = setting.rule
            if r.scope != "post" or r.family == "audit" or not r.applies_to(post["language"]) or r.code in fired:
                continue
            by_family.setdefault(r.family, []).append({"code": r.code, "name": r.name, "summary": r.summary})
        return [{"family": family, "rules": rules} for family, rules in by_family.items()]

    def _left_out(self, profile: str) -> list[dict[str, str]]:
        """The checks a profile leaves out (the draft profile's list), as the page names them."""
        out = []
        for selector in profiles()[profile].get("ignore", []):
            r = self.registry.get(selector)
            if r is not None:
                out.append({"code": r.code, "name": r.name, "summary": r.summary})
        return out


def problem_groups(notes: list[Any]) -> list[dict[str, Any]]:
    """The post's findings worst first: blocking errors, then warnings, then suggestions (reading order within)."""
    groups = []
    for severity, title, hint in SEVERITY_GROUPS:
        chosen = [n for n in notes if n.severity == severity]
        if chosen:
            groups.append({"severity": severity, "title": title, "hint": hint, "notes": chosen})
    return groups
