"""SEO rules about the post's target keyphrase, sharing metadata (Open Graph, JSON-LD) and links.

Listed in the seo family's ``RULES`` (rules/seo.py); kept apart so each module stays short.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Iterable, Iterator
from urllib.parse import urlparse

from clinic_audit.facts import article_types
from clinic_audit.model import CODE, HEADING, Post
from clinic_audit.rule import Hit, Option, Options, rule
from clinic_audit.textstats import count_words

from ._page import content_words, first_h1, line_of, seo_data
from ._signals import json_ld_nodes, person_names, types_of

PLACES = ["title", "h1", "first-paragraph", "description", "slug", "subheadings"]
_KEYPHRASE = Option("keyphrase", str, "", "Target keyphrase for every post (else the front-matter `keyphrase`; `--keyphrase` sets it).")


def post_keyphrase(post: Post, opts: Options) -> str:
    """The keyphrase to check: the configured one, else the post's own front-matter `keyphrase`."""
    return (opts.keyphrase or post.facts.text("keyphrase")).strip()


def contains(text: str, keyphrase: str) -> bool:
    """Whether ``text`` holds the keyphrase: every content word in any order, or the exact phrase if quoted."""
    if len(keyphrase) > 2 and keyphrase[0] == keyphrase[-1] == '"':
        wanted = " ".join(keyphrase[1:-1].lower().split())
        return wanted in " ".join(re.findall(r"[\w'’]+", text.lower()))
    words = set(content_words(text))
    return all(w in words for w in content_words(keyphrase.strip('"')))


def _slug(post: Post) -> str | None:
    url = post.facts.value("url") or post.facts.value("canonical")
    if post.format == "markdown" and post.facts.value("slug"):
        return str(post.facts.value("slug"))
    if url:
        parts = [p for p in urlparse(str(url)).path.split("/") if p]
        return parts[-1] if parts else None
    if post.source in ("-", "<stdin>") or post.format == "html":
        return None
    return PurePosixPath(post.source).stem


def _places(post: Post) -> Iterator[tuple[str, int, str | list[tuple[int, str]]]]:
    """(place, line, text) for each place a keyphrase belongs; subheadings come as a list."""
    title = post.facts.text("title") if post.format == "html" else post.title
    if title:
        yield "title", post.facts.line("title", post.title_line or 1), str(title)
    h1 = first_h1(post) or ((post.title_line or 1, post.title) if post.title_is_h1 else None)
    if h1:
        yield "h1", h1[0], h1[1]
    if post.prose_indexes:
        first = post.blocks[post.prose_indexes[0]]
        yield "first-paragraph", first.line, first.text
    description = post.facts.text("description")
    if description:
        yield "description", post.facts.line("description"), description
    slug = _slug(post)
    if slug:
        line = post.facts.line("slug", post.facts.line("url", post.facts.line("canonical", 1)))
        yield "slug", line, slug.replace("-", " ").replace("_", " ")
    subheadings = [(h.line, h.plain) for h in post.headings if h.level > 1]
    if subheadings:
        yield "subheadings", subheadings[0][0], subheadings


@rule("SE013", "keyphrase-placement", "seo", "warning",
      options=[_KEYPHRASE, Option("places", list, PLACES, "Where the keyphrase must appear.")])
def keyphrase_placement(post: Post, opts: Options) -> Iterable[Hit]:
    """The target keyphrase is missing from the title, H1, first paragraph, meta description, slug or every subheading.

    Why: Yoast's keyphrase assessments (title, introduction, meta description, slug, subheadings): search
    engines and readers look for the topic in these places first.  Silent when no keyphrase is set
    (front matter `keyphrase`, the rule's `keyphrase` option, or `check --keyphrase`).  Words match in any
    order, plurals included; put the phrase in double quotes for an exact match.
    Fix: use the keyphrase naturally in each place the finding names.
    Bad:
        ---
        title: "Knee pain: what helps"
        keyphrase: knee arthritis
        ---
        Knee pain is common after 50.
    Good:
        ---
        title: "Knee arthritis: what helps"
        description: How to ease knee arthritis at home, the treatments that help, and when to see a doctor about it.
        keyphrase: knee arthritis
        slug: knee-arthritis
        ---
        Knee arthritis is common after 50.

        ## Living with knee arthritis

        Stay active.
    """
    keyphrase = post_keyphrase(post, opts)
    if not content_words(keyphrase.strip('"')):
        return
    for place, line, text in _places(post):
        if place not in opts.places:
            continue
        if place == "subheadings":
            assert isinstance(text, list)
            found = any(contains(t, keyphrase) for _, t in text)
            where = "any subheading"
        else:
            found = contains(str(text), keyphrase)
            where = f"the {place.replace('-', ' ')}" if place != "h1" else "the H1"
        if not found:
            yield Hit(line, f"keyphrase '{keyphrase}' is not in {where}", key=f"keyphrase {place}",
                      suggestion=f"Use '{keyphrase}' in {where}.")


@rule("SE014", "keyphrase-density", "seo", "warning",
      options=[_KEYPHRASE, Option("min-percent", float, 0.5, "Lowest keyphrase density, % of words."),
               Option("max-percent", float, 3.0, "Highest keyphrase density before it reads as stuffing."),
               Option("min-words", int, 100, "Shorter posts are not judged.")])
def keyphrase_density(post: Post, opts: Options) -> Iterable[Hit]:
    """The keyphrase appears too rarely (under 0.5% of words) or too often (over 3%: keyword stuffing).

    Why: Yoast's keyphrase-density assessment (0.5–3%); Google's spam policies name keyword stuffing.
    Silent when no keyphrase is set or the post has fewer than 100 words.
    Fix: mention the topic naturally a few times; replace repeats with plain synonyms.
    Example options: min-words=10
    Bad:
        ---
        keyphrase: knee pain
        ---
        Knee pain relief for knee pain: our knee pain guide explains knee pain and knee pain care.
    Good:
        ---
        keyphrase: knee pain
        ---
        Knee pain is common after 50. Rest, ice and gentle exercise help most people feel better within a few weeks, and a physical therapist can teach you simple exercises that make the muscles around the joint stronger.
    """
    keyphrase = post_keyphrase(post, opts)
    wanted = content_words(keyphrase.strip('"'))
    if not wanted:
        return
    texts = [t.text for b in post.blocks if b.kind not in (HEADING, CODE) for t in (b, *b.items)]
    words = sum(count_words(t) for t in texts)
    if words < opts.min_words:
        return
    occurrences = 0
    for text in texts:
        stream = content_words(text)
        occurrences += sum(1 for i in range(len(stream)) if stream[i:i + len(wanted)] == wanted)
    percent = round(occurrences * 100 / words, 1)
    if percent < opts.min_percent or percent > opts.max_percent:
        plural = "" if occurrences == 1 else "s"
        word = "rarely" if percent < opts.min_percent else "often"
        limit = opts.min_percent if percent < opts.min_percent else opts.max_percent
        yield Hit(first_h1(post)[0] if first_h1(post) else 1,
                  f"keyphrase '{keyphrase}' appears {occurrences} time{plural}, {percent}% of {words} words (too {word})",
                  value=percent, limit=limit, key="keyphrase-density",
                  suggestion=f"Aim for {opts.min_percent}–{opts.max_percent}% of words.")


@rule("SE015", "open-graph", "seo", "info")
def open_graph(post: Post, opts: Options) -> Iterable[Hit]:
    """An HTML page lacks `og:title`, `og:description` or `og:image`, so shared links show no card.

    Why: the Open Graph protocol: social networks and messaging apps build link previews from these three tags.
    Markdown is judged only when its front matter sets Open Graph keys itself (`og:title`…; `image` counts as the
    image); plain text has no head.
    Fix: add the missing `<meta property="og:…">` tags (or front-matter keys).
    Bad:
        ---
        og:title: Knee arthritis
        og:description: What helps knee arthritis.
        ---
        Text.
    Good:
        ---
        og:title: Knee arthritis
        og:description: What helps knee arthritis.
        og:image: https://www.example-clinic.com/img/knee.jpg
        ---
        Text.
    """
    declares = post.facts.front_matter and any(str(k).lower().startswith(("og:", "og_")) for k in post.meta)
    if not (post.facts.is_html_page or declares):
        return
    missing = [f"og:{name}" for name in ("title", "description", "image") if not post.facts.value(f"og_{name}")]
    if missing:
        yield Hit(line_of(post, "og:", "<head", "<html"), f"missing {', '.join(missing)}", key="open-graph",
                  value=len(missing), suggestion=f"Add {', '.join(missing)}.")


@rule("SE016", "structured-data", "seo", "warning")
def structured_data(post: Post, opts: Options) -> Iterable[Hit]:
    """JSON-LD is missing, invalid, or its Article/BlogPosting/MedicalWebPage lacks author, datePublished, dateModified
    (and, for a MedicalWebPage, reviewedBy and lastReviewed).

    Why: Google's Article structured-data and byline-date guidance; schema.org's `reviewedBy`/`lastReviewed`
    tell search engines who checked a medical page and when.  HTML pages with no JSON-LD are reported;
    Markdown is checked when its front matter carries a `json_ld` block; plain text has none.
    Fix: add a `<script type="application/ld+json">` BlogPosting (or MedicalWebPage) with the missing fields.
    Bad:
        ---
        json_ld:
          "@type": BlogPosting
          headline: Knee arthritis
        ---
        Text.
    Good:
        ---
        json_ld:
          "@type": BlogPosting
          headline: Knee arthritis
          author: {"@type": Person, name: "Dana Whitfield, DPT"}
          datePublished: 2025-03-02
          dateModified: 2025-05-02
        ---
        Text.
    """
    nodes = json_ld_nodes(post)
    for node in nodes:
        if node.get("_invalid"):
            yield Hit(int(node.get("_line") or 1), "JSON-LD block is not valid JSON", key="invalid-json-ld",
                      suggestion="Fix the JSON (a validator shows where).")
    valid = [n for n in nodes if not n.get("_invalid")]
    line = line_of(post, "application/ld+json", "json_ld:")
    if not valid:
        if post.facts.is_html_page and not nodes:
            yield Hit(post.facts.head_line, "no JSON-LD structured data", key="no-json-ld",
                      suggestion="Add a BlogPosting or MedicalWebPage JSON-LD block.")
        return
    data = seo_data()
    articles = [n for n in valid if types_of(n) & article_types()]
    if not articles:
        kinds = ", ".join(sorted({t for n in valid for t in types_of(n)})) or "none"
        yield Hit(line, f"JSON-LD has no Article, BlogPosting or MedicalWebPage (types: {kinds})", key="no-article-type",
                  suggestion="Describe the post as a BlogPosting or MedicalWebPage.")
    for node in articles:
        wanted = list(data["article_fields"])
        if types_of(node) & {t.lower() for t in data["medical_types"]}:
            wanted += data["medical_fields"]
        missing = [f for f in wanted if not _present(node.get(f), f)]
        if missing:
            kind = str(node.get("@type"))
            yield Hit(line, f"{kind} JSON-LD is missing {', '.join(missing)}", value=len(missing), key=f"json-ld {kind}",
                      suggestion=f"Add {', '.join(missing)}.")


def _present(value: object, name: str) -> bool:
    if name in ("author", "reviewedBy"):
        return bool(person_names(value))
    return value not in (None, "", [], {})


@rule("SE017", "faq-candidate", "seo", "info",
      options=[Option("min-questions", int, 2, "Question headings that make a FAQ.")])
def faq_candidate(post: Post, opts: Options) -> Iterable[Hit]:
    """Two or more question headings ("What is nerve pain?") without FAQPage structured data.

    Why: Google shows FAQ rich results only for authoritative government and health sites — a clinic
    qualifies; FAQPage JSON-LD marks question-and-answer sections for them.
    Fix: if the sections answer the questions, add FAQPage JSON-LD with each question and its answer.
    Bad:
        ## What is nerve pain?

        Pain from damaged nerves.

        ## How is it treated?

        With medicine and therapy.
    Good:
        ## Nerve pain

        Pain from damaged nerves.

        ## Treatment

        With medicine and therapy.
    """
    # a real question mark: "What to expect" or "How we help" headings are not questions a FAQ answers
    questions = [h for h in post.headings if h.level > 1 and h.plain.rstrip().endswith("?")]
    if len(questions) < opts.min_questions:
        return
    has_faq = any("faqpage" in types_of(n) for n in json_ld_nodes(post)) or any(
        "schema.org/faqpage" in line.lower() for line in post.lines)  # microdata (itemtype) counts too
    if not has_faq:
        yield Hit(questions[0].line, f"{len(questions)} question headings could be marked up as a FAQPage",
                  excerpt=questions[0].plain, value=len(questions), key="faq-candidate",
                  suggestion="Add FAQPage JSON-LD for the question-and-answer sections.")


@rule("SE018", "no-internal-links", "seo", "warning",
      options=[Option("site-hosts", list, [], "Host names of your own site (links there are internal).")])
def no_internal_links(post: Post, opts: Options) -> Iterable[Hit]:
    """The post links to no other page of the clinic's own site.

    Why: Yoast's internal-links assessment: internal links help search engines find and rank related pages,
    and lead patients to services and booking.  Plain text has no links and is not judged; links to the
    page's own canonical host or to `site-hosts` count as internal.
    Fix: link related posts and service pages ("our [knee arthritis treatments](/services/knee)").
    Bad:
        # Knee pain

        Read the [Arthritis Foundation guide](https://www.arthritis.org/).
    Good:
        # Knee pain

        See our [knee arthritis treatments](/services/knee-arthritis).
    """
    if post.format == "text" or not post.blocks:
        return
    own = {h.lower().removeprefix("www.") for h in opts.site_hosts}
    for key in ("canonical", "url"):
        if post.facts.value(key):
            own.add(urlparse(str(post.facts.value(key))).netloc.lower().removeprefix("www."))
    for link in post.links:
        href = link.href.strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        if not link.is_external or urlparse(href if "//" in href else f"//{href}").netloc.lower().removeprefix("www.") in own:
            return
    yield Hit(first_h1(post)[0] if first_h1(post) else post.blocks[0].line, "no links to other pages of the site",
              key="no-internal-links", suggestion="Link related posts and service pages.")

