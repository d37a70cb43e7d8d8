"""The ``serve`` page and its result fragment, rendered with the report's environment and post view.

The result is the report's post view (``reports/html_page.post_view`` and ``post_parts.html``) with the
problems listed first and the checks that passed after them; the page's one script is allowed by its hash.
"""

from __future__ import annotations

from typing import Any

from clinic_audit import __version__
from clinic_audit.constants import profiles
from clinic_audit.reports import html_page
from clinic_audit.reports.html import environment, script_and_hash
from clinic_audit.reports.summary import post_row

from .draft import AUTO, MAX_UPLOAD_BYTES, UPLOAD_FORMATS, Checked, Choices, problem_groups


class Pages:
    """Renders the page and the fragment; built once per server."""

    def __init__(self, docs: Any):
        self.env = environment()
        self.docs = docs
        self.script, self.script_hash = script_and_hash(self.env, "serve.js")

    @property
    def meta_csp(self) -> str:
        """The page's Content-Security-Policy: the report's, plus requests back to this server only."""
        return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                f"script-src '{self.script_hash}'; connect-src 'self'; form-action 'self'; base-uri 'none'")

    @property
    def csp(self) -> str:
        """The same policy as a response header, which can also forbid framing the page."""
        return self.meta_csp + "; frame-ancestors 'none'"

    def result_context(self, checked: Checked | None) -> dict[str, Any]:
        if checked is None:
            return {"result": None}
        if checked.failure:
            return {"result": checked, "failure": checked.failure}
        post = checked.post
        row = post_row(post)
        view = html_page.post_view(post, row.scores, self.docs)
        general = {n.number for n in view["general"]}
        # Within each severity, what can be pointed at in the text comes before what is about the whole post.
        ordered = sorted(view["notes"], key=lambda n: (n.number in general, n.number))
        return {
            "result": checked, "failure": "", "post": post, "row": row, **view,
            "problem_groups": problem_groups(ordered),
            "in_text": {n.number: n.number not in general for n in view["notes"]},
            # the offending text, unless the message already quotes it
            "quote": {n.number: bool(n.excerpt) and n.excerpt.rstrip("…").lower()[:40] not in n.message.lower()
                      for n in view["notes"]},
            "passed_count": sum(len(group["rules"]) for group in checked.passed),
        }

    def page(self, choices: Choices, text: str = "", checked: Checked | None = None) -> str:
        return self.env.get_template("serve.html").render(
            script=self.script, script_hash=self.script_hash, csp=self.meta_csp, tool_version=__version__,
            choices=choices, text=text, auto=AUTO, profiles=sorted(profiles()), max_bytes=MAX_UPLOAD_BYTES,
            accept=",".join(sorted(UPLOAD_FORMATS)), **self.result_context(checked))

    def fragment(self, checked: Checked) -> str:
        return self.env.get_template("serve_result.html").render(**self.result_context(checked))
