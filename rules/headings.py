"""Heading rules: one H1, no skipped levels, no empty, duplicate or overlong headings, enough subheadings."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from clinic_audit.model import HEADING, LIST, PARAGRAPH, Post
from clinic_audit.rule import Hit, Option, Options, rule
from clinic_audit.textstats import count_words


def _h1s(post: Post) -> list[tuple[int, str, str]]:
    """(line, text, origin) of every H1, the front-matter title first when it renders as one."""
    found = [(post.title_line or 1, post.title, "front-matter title")] if post.title_is_h1 else []
    found += [(h.line, h.plain, "H1") for h in post.headings if h.level == 1]
    return found


@rule("HD001", "missing-h1", "headings", "warning")
def missing_h1(post: Post, opts: Options) -> Iterable[Hit]:
    """The post has no H1 and no title that renders as one.

    Why: the H1 tells patients and search engines what the page is about; screen-reader users jump to it.
    Fix: give the post one H1 (or a front-matter `title`) that names the topic in plain words.
    Bad:
        ## Symptoms

        Nerve pain can burn or tingle.
    Good:
        # Nerve pain: what it feels like

        Nerve pain can burn or tingle.
    """
    if not _h1s(post) and post.blocks:
        first = post.headings[0] if post.headings else post.blocks[0]
        yield Hit(first.line, "the post has no H1 heading or title", suggestion="Add one H1 that names the topic.")


@rule("HD002", "multiple-h1", "headings", "warning")
def multiple_h1(post: Post, opts: Options) -> Iterable[Hit]:
    """More than one H1 (a front-matter title counts as the first).

    Why: two top-level headings make the page's topic ambiguous to search engines and screen readers.
    Fix: keep one H1; turn the others into H2 subheadings.
    Bad:
        # Back pain

        Text.

        # Treatment
    Good:
        # Back pain

        Text.

        ## Treatment
    """
    h1s = _h1s(post)
    for line, text, origin in h1s[1:]:
        first_line, first_text, first_origin = h1s[0]
        yield Hit(line, f"second H1 '{text}' (the {first_origin} '{first_text}' on line {first_line} is already the H1)",
                  excerpt=text, value=len(h1s), limit=1, suggestion="Make it an H2.")


@rule("HD003", "skipped-heading-level", "headings", "warning")
def skipped_heading_level(post: Post, opts: Options) -> Iterable[Hit]:
    """A heading jumps more than one level deeper than the one before it (H2 → H4).

    Why: the outline is how screen-reader users and search engines understand the page; a gap breaks it.
    Fix: use the next level down (H2 → H3), or restructure the section.
    Bad:
        # Back pain

        ## Causes

        #### Posture
    Good:
        # Back pain

        ## Causes

        ### Posture
    """
    previous = 1 if post.title_is_h1 else 0
    for heading in post.headings:
        if previous and heading.level > previous + 1:
            yield Hit(heading.line, f"heading level jumps from H{previous} to H{heading.level}",
                      excerpt=heading.plain, value=f"H{heading.level}", limit=f"H{previous + 1}",
                      suggestion=f"Make it an H{previous + 1}.")
        previous = heading.level


@rule("HD004", "empty-heading", "headings", "error")
def empty_heading(post: Post, opts: Options) -> Iterable[Hit]:
    """A heading with no text.

    Why: an empty heading is announced by screen readers as a heading with nothing in it, and is a leftover of editing.
    Fix: write the heading, or delete it.
    Bad:
        # Back pain

        ##

        Text.
    Good:
        # Back pain

        ## Causes

        Text.
    """
    for heading in post.headings:
        if not heading.plain.strip(" #"):
            yield Hit(heading.line, f"H{heading.level} heading is empty", suggestion="Write the heading or remove it.")


@rule("HD005", "duplicate-heading", "headings", "warning")
def duplicate_heading(post: Post, opts: Options) -> Iterable[Hit]:
    """Two headings with the same text.

    Why: readers and search snippets cannot tell the sections apart, and in-page links collide.
    Fix: make each heading say what its own section is about.
    Bad:
        # Back pain

        ## Treatment

        Rest.

        ## Treatment

        Exercise.
    Good:
        # Back pain

        ## Treatment at home

        Rest.

        ## Treatment at the clinic

        Exercise.
    """
    seen: dict[str, int] = {}
    for heading in post.headings:
        key = " ".join(heading.plain.lower().split()).rstrip("?:.!")
        if not key:
            continue
        if key in seen:
            yield Hit(heading.line, f"heading '{heading.plain}' repeats the one on line {seen[key]}",
                      excerpt=heading.plain, suggestion="Reword one of them.")
        else:
            seen[key] = heading.line


@rule(
    "HD006",
    "long-heading",
    "headings",
    "info",
    options=[Option("max-characters", int, 70, "Longest heading, in characters.")],
)
def long_heading(post: Post, opts: Options) -> Iterable[Hit]:
    """A heading longer than 70 characters.

    Why: long headings are cut off in search results and tables of contents, and are hard to scan.
    Fix: shorten it to the main idea; move detail into the first sentence of the section.
    Example options: max-characters=30
    Bad:
        # Is neuropathic pain present in chronic lower back pain and soft tissue syndromes?
    Good:
        # Nerve pain and lower back pain
    """
    for heading in post.headings:
        length = len(heading.plain)
        if length > opts.max_characters:
            yield Hit(heading.line, f"heading is {length} characters (limit {opts.max_characters})",
                      excerpt=heading.plain, value=length, limit=opts.max_characters,
                      suggestion="Shorten the heading to its main idea.")


@rule(
    "HD007",
    "long-text-without-subheading",
    "headings",
    "warning",
    options=[Option("max-words", int, 300, "Most words of text in a row without a subheading.")],
)
def long_text_without_subheading(post: Post, opts: Options) -> Iterable[Hit]:
    """More than 300 words of text without a subheading.

    A bold line standing in for a heading (HD010), a bold lead-in ("**To apply, send these documents:**"), a
    paragraph opening on a short label and a colon ("Tip 3: …"), a numbered list (each number is a place to scan to) and a drawn rule ("____", "* * *") break
    the text for a reader scanning it; the reference list does not count.

    Why: patients scan for the part that concerns them; long unbroken stretches hide it (Yoast uses the same 300 words).
    Fix: split the text with descriptive subheadings, one idea per section.
    Example options: max-words=20
    Bad:
        # Back pain

        Back pain is common and usually gets better on its own within a few weeks. Stay active, use heat, and take pain relievers if you need them. See a doctor if the pain lasts.
    Good:
        # Back pain

        Back pain is common and usually gets better on its own.

        ## What helps

        Stay active, use heat, and take pain relievers if you need them.
    """
    runs: dict[int, int] = defaultdict(int)  # by the index of the heading that opens the run (-1: the start)
    start_line: dict[int, int] = {}
    run = -1
    references = post.reference_blocks
    for index, block in enumerate(post.blocks):
        if block.kind == HEADING or _pseudo_heading(post, index):
            run = index  # a bold line standing in for a heading breaks the text for readers too (HD010)
            continue
        if _LABEL.match(block.text) or (block.bold and block.kind == PARAGRAPH
                                         and 0 < len(block.plain.split()) <= BOLD_LEAD_IN_MAX_WORDS):
            # "a. SSRIs: these medicines…", "**Sleep**: …", "**To apply, send these documents:**": a labelled
            # paragraph or a bold lead-in is a break to scan by
            run = index
        if index in references:
            continue  # a reference list is not text to read through
        if _RULE_LINE.match(block.plain):
            run = index  # a drawn rule ("____", "* * *") ends a stretch of text as a heading does
            continue
        if block.kind == LIST and block.ordered:
            run = index  # numbered items are scanned by their numbers, as labelled paragraphs are ("3. Stress - …")
            continue
        words = count_words(block.text) + sum(count_words(i.text) for i in block.items)
        runs[run] += words
        start_line.setdefault(run, block.line)
    for opener, words in runs.items():
        if words > opts.max_words:
            line = post.blocks[opener].line if opener >= 0 else start_line[opener]
            yield Hit(line, f"{words} words without a subheading (limit {opts.max_words})",
                      value=words, limit=opts.max_words,
                      key=f"run {post.blocks[opener].plain if opener >= 0 else ''}",
                      suggestion="Break the text up with descriptive subheadings.")


@rule("HD008", "first-heading-not-top-level", "headings", "info")
def first_heading_not_top_level(post: Post, opts: Options) -> Iterable[Hit]:
    """The first heading is not the top level (an H2 or lower opens a post with no title).

    Headings above the H1 with no prose before it (a page builder's banner and tagline, buttons) are page chrome.

    Why: the outline should start with the page's topic; starting lower suggests a missing title.
    Fix: start with the H1 (or a front-matter title) and nest the rest under it.
    Bad:
        ### Symptoms

        Tingling and burning.

        # Nerve pain
    Good:
        # Nerve pain

        ## Symptoms

        Tingling and burning.
    """
    if post.title_is_h1 or not any(h.level == 1 for h in post.headings):
        return  # no H1 at all is missing-h1's finding
    first = post.headings[0]
    h1 = next(i for i, b in enumerate(post.blocks) if b.kind == HEADING and b.level == 1)
    if not any(b.kind == PARAGRAPH and (len(b.plain.split()) >= BANNER_PROSE_WORDS or b.plain.endswith((".", "!", "?")))
               for b in post.blocks[:h1]):
        return  # only headings and buttons above the H1: a page builder's banner ("CITY CLINIC"), not the outline
    if first.level != 1:
        yield Hit(first.line, f"the first heading is an H{first.level}, not the H1", excerpt=first.plain,
                  value=f"H{first.level}", limit="H1", suggestion="Start the post with its H1.")


@rule("HD009", "heading-marker-in-html", "headings", "warning")
def heading_marker_in_html(post: Post, opts: Options) -> Iterable[Hit]:
    """A Markdown heading written right under raw HTML, which CommonMark sites show as literal '## …' text.

    Why: an HTML block runs to the next blank line, so Hugo, Gatsby, Eleventy and other CommonMark sites print the
    '##' and the heading is lost from the outline patients and search engines read.
    Fix: leave a blank line between the HTML and the heading.
    Bad:
        # Knee pain

        <div class="note">Call us if the swelling lasts.</div>
        ## When to see us

        Come in if the pain lasts a week.
    Good:
        # Knee pain

        <div class="note">Call us if the swelling lasts.</div>

        ## When to see us

        Come in if the pain lasts a week.
    """
    for entry in post.meta.get("swallowed_headings", ()):
        marker = "#" * int(entry["level"])
        yield Hit(int(entry["line"]), f"'{marker} {entry['text']}' follows HTML with no blank line, so it shows as text",
                  excerpt=f"{marker} {entry['text']}", suggestion="Add a blank line before the heading.")


PSEUDO_HEADING_MAX_WORDS = 12
# A paragraph opening on a short label and a colon ("Tip 3:", "a. SSRIs (…):These", "Sleep: …").
BANNER_PROSE_WORDS = 8  # a paragraph this long (or a sentence) above the H1 is text: the headings there are the outline
BOLD_LEAD_IN_MAX_WORDS = 30  # a bold-only paragraph up to this long is a lead-in the eye stops at
_RULE_LINE = re.compile(r"^\s*(?:(?:\\?[-_*=~])\s*){3,}$")
_LABEL = re.compile(r"^\s*(?:[a-z0-9]{1,2}[.)]\s*)?[^\W\d][^.!?:\n]{0,60}:(?!//)", re.IGNORECASE)
_SENTENCE_END = tuple(".,;:!")


def _pseudo_heading(post: Post, index: int) -> bool:
    """A short bold-only paragraph, not ending like a sentence, with text after it (markdownlint MD036)."""
    block = post.blocks[index]
    if not block.bold or block.kind != PARAGRAPH or block.links:
        return False
    text = block.plain
    if not text or len(text.split()) > PSEUDO_HEADING_MAX_WORDS or text.endswith(_SENTENCE_END):
        return False
    following = post.blocks[index + 1] if index + 1 < len(post.blocks) else None
    return following is not None and following.kind != HEADING and not following.bold


@rule("HD010", "bold-paragraph-as-heading", "headings", "warning")
def bold_paragraph_as_heading(post: Post, opts: Options) -> Iterable[Hit]:
    """A short paragraph in bold standing where a heading belongs (markdownlint MD036, axe p-as-heading).

    Why: it looks like a heading, but screen readers, search engines and the outline do not see one, so the
    section it opens is invisible to them.
    Fix: make it a real heading (## in Markdown, a Heading style in Word, <h2> in HTML).
    Bad:
        # Knee pain

        Knee pain is common in runners.

        **When to see us**

        See a physiotherapist if the pain lasts a week.
    Good:
        # Knee pain

        Knee pain is common in runners.

        ## When to see us

        See a physiotherapist if the pain lasts a week.
    """
    for index, block in enumerate(post.blocks):
        if _pseudo_heading(post, index):
            yield Hit(block.line, f"bold paragraph '{block.plain}' stands in for a heading", excerpt=block.plain,
                      suggestion="Make it a heading of the right level.")


RULES = (
    missing_h1,
    multiple_h1,
    skipped_heading_level,
    empty_heading,
    duplicate_heading,
    long_heading,
    long_text_without_subheading,
    first_heading_not_top_level,
    heading_marker_in_html,
    bold_paragraph_as_heading,
)
