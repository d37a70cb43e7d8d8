"""One run pipeline: every kind of input goes through Run; the RunResult decides the exit code."""

from __future__ import annotations

import json
from pathlib import Path

from clinic_audit.engine import PostTask, audit_task
from clinic_audit.parse import parse
from clinic_audit.result import Sink
from clinic_audit.rule import Severity
from clinic_audit.run import MAX_JOBS_PER_CORE, Run, RunOptions, RunResult, cap_jobs, exit_code
from clinic_audit.sources import Document

from conftest import isolated_config

CLEAN = "# Knee care\n\nRest the knee and keep it moving gently each day.\n"
FRONT = """---
title: {title}
meta_description: {description}
---

# {title}

Rest the knee and keep it moving gently each day.
"""


class _Collect(Sink):
    def __init__(self) -> None:
        self.posts: list = []
        self.failures: list = []
        self.site_findings: list | None = None

    def post(self, result) -> None:
        self.posts.append(result)

    def failure(self, failure) -> None:
        self.failures.append(failure)

    def site(self, findings) -> None:
        self.site_findings = findings


def test_exit_code_comes_from_the_run_result_alone():
    assert exit_code(RunResult(posts=1), "error") == 0
    assert exit_code(RunResult(posts=1, worst=Severity.WARNING), "error") == 0
    assert exit_code(RunResult(posts=1, worst=Severity.WARNING), "warning") == 1
    assert exit_code(RunResult(posts=1, worst=Severity.ERROR), "never") == 0
    assert exit_code(RunResult(posts=1, regressed=True), "never") == 1
    assert exit_code(RunResult(posts=1, failed=1, worst=Severity.ERROR), "error") == 2
    assert exit_code(RunResult(nothing_audited="no post was audited"), "error") == 2


def test_jobs_are_capped_at_a_small_multiple_of_the_cores():
    import os

    cores = len(os.sched_getaffinity(0))
    assert cap_jobs(200) == cores * MAX_JOBS_PER_CORE
    assert cap_jobs(0) == 1 and cap_jobs(1) == 1


def test_the_per_post_task_is_a_plain_picklable_value():
    import pickle

    task = PostTask(Document("a.md", CLEAN, "markdown"), summarise=True)
    config = isolated_config()
    result, summary = audit_task(pickle.loads(pickle.dumps(task)), pickle.loads(pickle.dumps(config)))
    assert result.source == "a.md" and summary is not None and summary.title == "Knee care"


def test_a_folder_run_streams_posts_in_order_then_runs_the_site_rules(tmp_path: Path):
    for name in ("b.md", "a.md"):
        (tmp_path / name).write_text(FRONT.format(title="Knee care", description="How to rest a sore knee."),
                                     encoding="utf-8")
    (tmp_path / "c.md").write_text("", encoding="utf-8")
    sink = _Collect()
    result = Run(isolated_config(select=["SI"]), RunOptions((str(tmp_path),)), sinks=[sink]).execute()
    assert [Path(p.source).name for p in sink.posts] == ["a.md", "b.md"]
    assert [Path(f.source).name for f in sink.failures] == ["c.md"] and result.failed == 1
    assert result.posts == 2 and sink.site_findings is not None
    assert {f.rule for f in result.site_findings} >= {"SI001", "SI002"}  # title and description, from front matter


def test_a_single_file_has_no_site_and_computes_no_summary(tmp_path: Path):
    post = tmp_path / "a.md"
    post.write_text(CLEAN, encoding="utf-8")
    run = Run(isolated_config(), RunOptions((str(post),)), sinks=[sink := _Collect()])
    result = run.execute()
    assert not run.summarise and len(run.summaries) == 0 and sink.site_findings is None and result.posts == 1


def test_duplicate_description_reads_the_same_front_matter_alias_as_meta_description_length(cli, tmp_path: Path):
    for name, title in (("a.md", "Knee care"), ("b.md", "Hip care")):
        (tmp_path / name).write_text(FRONT.format(title=title, description="Short."), encoding="utf-8")
    out = json.loads(cli("check", "--isolated", "-f", "json", "--select", "SE004,SI002", str(tmp_path)).output)
    assert {f["rule"] for p in out["posts"] for f in p["findings"]} == {"SE004"}  # 'Short.' is too short
    assert [f["rule"] for f in out["site"]["findings"]] == ["SI002"]


def test_page_facts_carry_their_source_line_and_origin():
    post = parse(Document("a.md", FRONT.format(title="Knee care", description="How to rest a knee."), "markdown"))
    fact = post.facts.get("description")
    assert fact is not None and (fact.value, fact.line, fact.origin) == ("How to rest a knee.", 3, "front matter")
    html = parse(Document("p.html", '<html lang="en"><head>\n<title>Knee</title>\n'
                                    '<meta name="description" content="Rest it.">\n</head><body><p>Rest the knee now.</p>'
                                    '</body></html>', "html"))
    assert (html.facts.text("description"), html.facts.line("description")) == ("Rest it.", 3)
    assert html.facts.is_html_page and html.facts.line("title") == 2


def test_keyphrase_from_the_command_line_is_a_page_fact_not_a_rule_option(cli, tmp_path: Path):
    post = tmp_path / "a.md"
    post.write_text(CLEAN, encoding="utf-8")
    out = json.loads(cli("check", "--isolated", "-f", "json", "--select", "SE013", "--keyphrase", "hip pain",
                         str(post)).output)
    assert {f["rule"] for f in out["posts"][0]["findings"]} == {"SE013"}  # hip pain is nowhere in a knee post
    configured = parse(Document("a.md", CLEAN, "markdown"), keyphrase="hip pain").facts.get("keyphrase")
    assert configured is not None and configured.origin == "configuration"
