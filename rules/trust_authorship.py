"""Trust rules about authorship: who wrote and reviewed a health post, when, and whether it says so plainly.

Authorship, dates and medical review are read by ``trust_signals`` from HTML meta
tags, JSON-LD, ``<time>``, Markdown front matter and plain "By …" / "Medically
reviewed by …" / "Updated …" lines.  References are the citations family's
``no-references`` rule, not a trust rule.  Word lists live in data/trust.toml.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from clinic_audit.model import Post
from clinic_audit.rule import Hit, Option, Options, iso_date, rule

from .trust_content import any_of, mentions, rx
from .trust_signals import Signal, authors, data, dates, reviewers

def _first_line(post: Post) -> int:
    return post.title_line or (post.blocks[0].line if post.blocks else 1)


def _today(opts: Options) -> dt.date:
    if not opts.today:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(opts.today)
    except ValueError:
        raise ValueError(f"option 'today' must be an ISO date (YYYY-MM-DD), got {opts.today!r}") from None


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


_TODAY = Option("today", str, "", "Date to measure age from, YYYY-MM-DD (empty: the real today; set it for reproducible runs).",
                check=iso_date)


@rule("TR001", "missing-byline", "trust", "warning")
def missing_byline(post: Post, opts: Options) -> Iterable[Hit]:
    """No author: no byline line, no `author` in front matter, meta tags or JSON-LD.

    Why: patients and search quality raters first ask who wrote a health page (HONcode 1, JAMA authorship,
    Google's "Who" test in its helpful-content guidance).
    Fix: add a byline with the author's name and credentials ("By Dana Whitfield, PT, DPT"), or `author:` in front matter.
    Bad:
        # Knee pain

        Knee pain is common after 50.
    Good:
        # Knee pain

        By Dana Whitfield, PT, DPT

        Knee pain is common after 50.
    """
    if post.blocks and not authors(post):
        yield Hit(_first_line(post), "the post names no author", key="missing-byline",
                  suggestion="Add a byline with the author's name and credentials.")


@rule("TR002", "author-credentials", "trust", "warning",
      options=[Option("credentials", list, data()["credentials"]["default"], "Credentials that count (MD, DO, NP, PA-C, RN, PhD…).")])
def author_credentials(post: Post, opts: Options) -> Iterable[Hit]:
    """The author is named but no recognised credential (MD, DO, NP, PA-C, RN, PhD, PharmD, DPT, LCSW…) is stated.

    Why: HONcode 1 and the JAMA benchmarks ask for the author's qualifications; Google weighs expertise on
    "your money or your life" topics.
    Fix: write the credential after the name ("Jane Roe, MD"), or `honorificSuffix`/`jobTitle` in JSON-LD.
    Bad:
        # Knee pain

        By Dana Whitfield

        Knee pain is common after 50.
    Good:
        # Knee pain

        By Dana Whitfield, PT, DPT

        Knee pain is common after 50.
    """
    organisation = rx(data()["credentials"]["organisation"])
    found = [a for a in authors(post) if not organisation.search(a.text)]  # a centre or team has no credential
    if found and not any(_has_credential(a.text, opts.credentials) for a in found):
        first = found[0]
        yield Hit(first.line, f"author '{first.text}' has no recognised credential", excerpt=first.text if first.origin == "text" else "",
                  key="author-credentials", suggestion="State the author's credential (MD, NP, RN, DPT…) in the byline.")


def _has_credential(text: str, credentials: list[str]) -> bool:
    for credential in credentials:
        dotted = r"\.?".join(re.escape(ch) for ch in credential.replace(".", ""))
        if re.search(rf"(?<![\w-]){dotted}\.?(?![\w-])", text):
            return True
    return bool(any_of(data()["credentials"]["phrases"]).search(text))


@rule("TR003", "missing-medical-review", "trust", "warning")
def missing_medical_review(post: Post, opts: Options) -> Iterable[Hit]:
    """No "medically reviewed by" with a reviewer and a review date.

    Why: Google's rater guidelines expect medical pages to be reviewed and kept up to date by qualified people;
    schema.org has `reviewedBy` and `lastReviewed` for exactly this.
    Fix: add a line "Medically reviewed by Dr. Sam Lee, MD on March 3, 2025" (or `reviewed_by` and `last_reviewed` in front matter).
    Bad:
        # Knee pain

        Knee pain is common after 50.
    Good:
        # Knee pain

        Medically reviewed by Sam Lee, MD on March 3, 2025

        Knee pain is common after 50.
    """
    found = reviewers(post)
    if not found:
        yield Hit(_first_line(post), "no medical reviewer is named", key="no-reviewer",
                  suggestion="Add 'Medically reviewed by <name, credential> on <date>'.")
    elif not any(r.when for r in found) and not dates(post, "reviewed"):
        yield Hit(found[0].line, f"reviewer '{found[0].text}' is named without a review date", key="no-review-date",
                  suggestion="Say when the review took place.")


@rule("TR004", "missing-date", "trust", "warning")
def missing_date(post: Post, opts: Options) -> Iterable[Hit]:
    """No publication, update or review date anywhere (text, `<time>`, meta, JSON-LD, front matter).

    Why: patients need to know how current health information is (JAMA currency, HONcode 4); Google's
    byline-date guidance asks for a visible, labelled date.
    Fix: show "Published March 3, 2025" (and "Updated …" when you revise), with `datePublished` in JSON-LD.
    Bad:
        # Knee pain

        Knee pain is common after 50.
    Good:
        # Knee pain

        Published March 3, 2025

        Knee pain is common after 50.
    """
    if post.blocks and not any(dates(post, kind) for kind in ("published", "updated", "reviewed")):
        yield Hit(_first_line(post), "the post shows no published or updated date", key="missing-date",
                  suggestion="Add a visible 'Published <date>' line.")


@rule("TR005", "missing-updated-date", "trust", "info",
      options=[Option("min-age-months", int, 6, "Posts published less than this long ago need no updated date."),
               Option("stale-after-months", int, 12, "Older posts are stale-content's finding (one problem, one "
                      "finding); keep equal to stale-content's max-age-months."), _TODAY])
def missing_updated_date(post: Post, opts: Options) -> Iterable[Hit]:
    """An older post shows when it was published but not when it was last updated or reviewed.

    Why: Google's byline-date guidance recommends a labelled "Updated" date next to the published one;
    readers judge whether older health advice still holds.
    Fix: add "Last updated <date>" when you revise the post (or `updated:` in front matter, `dateModified` in JSON-LD).
    Example options: today=2025-06-01
    Bad:
        # Knee pain

        Published September 3, 2024

        Knee pain is common after 50.
    Good:
        # Knee pain

        Published March 3, 2024 · Updated May 2, 2025

        Knee pain is common after 50.
    """
    published = [s for s in dates(post, "published") if s.when]
    if not published or dates(post, "updated") or dates(post, "reviewed"):
        return
    first = min(published, key=lambda s: s.when)  # type: ignore[arg-type,return-value]
    age = _months_between(first.when, _today(opts))  # type: ignore[arg-type]
    if opts.min_age_months <= age <= opts.stale_after_months:
        yield Hit(first.line, f"published {age} months ago with no updated or reviewed date", key="missing-updated",
                  value=age, limit=opts.min_age_months, suggestion="Add 'Last updated <date>' when you revise it.")


@rule("TR006", "stale-content", "trust", "warning",
      options=[Option("max-age-months", int, 12, "Months since the last review, update or publication."), _TODAY])
def stale_content(post: Post, opts: Options) -> Iterable[Hit]:
    """The post was last reviewed or updated more than 12 months ago.

    Why: medical guidance changes; JAMA's currency benchmark and Google's rater guidelines expect health pages
    to be reviewed and updated regularly.
    Fix: have a clinician review the post, update what changed, and change its "Last reviewed" date.
    Example options: today=2025-06-01
    Bad:
        # Knee pain

        Last updated January 5, 2023

        Knee pain is common after 50.
    Good:
        # Knee pain

        Last updated March 5, 2025

        Knee pain is common after 50.
    """
    found: list[Signal] = [s for kind in ("reviewed", "updated", "published") for s in dates(post, kind) if s.when]
    if not found:
        return
    latest = max(found, key=lambda s: s.when)  # type: ignore[arg-type,return-value]
    age = _months_between(latest.when, _today(opts))  # type: ignore[arg-type]
    if age > opts.max_age_months:
        yield Hit(latest.line, f"last reviewed or updated {age} months ago ({latest.when.isoformat()})",  # type: ignore[union-attr]
                  value=age, limit=opts.max_age_months, key="stale-content",
                  suggestion="Have a clinician review the post and update its date.")


@rule("TR007", "missing-disclaimer", "trust", "warning")
def missing_disclaimer(post: Post, opts: Options) -> Iterable[Hit]:
    """No medical disclaimer saying the post does not replace professional advice.

    Why: HONcode principle 2 (complementarity): health information supports, and does not replace, the
    relationship between a patient and their clinician.
    Fix: add a short note: "This article is for general information and is not a substitute for professional medical advice."
    Bad:
        # Knee pain

        Knee pain is common after 50.
    Good:
        # Knee pain

        Knee pain is common after 50.

        This article is for informational purposes only and is not a substitute for professional medical advice.
    """
    if post.blocks and not mentions(post, data()["disclaimer"]["phrases"]):
        yield Hit(_first_line(post), "no medical disclaimer", key="missing-disclaimer",
                  suggestion="Add: 'This article is not a substitute for professional medical advice.'")


RULES = (
    missing_byline,
    author_credentials,
    missing_medical_review,
    missing_date,
    missing_updated_date,
    stale_content,
    missing_disclaimer,
)
