"""SEO rules about machine-readable markup: Open Graph for shares, JSON-LD for search engines, FAQ candidates.

JSON-LD nodes are read by ``trust_signals`` (the same nodes the authorship and date rules read), and the
article types are the one list in ``audit/data/facts.toml``.
"""

from __future__ import annotations

from typing import Iterable

from clinic_audit.facts import article_types
from clinic_audit.model import Post
from clinic_audit.rule import Hit, Option, Options, rule

from .seo_words import line_of, seo_data
from .trust_signals import json_ld_nodes, person_names, types_of


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


RULES = (open_graph, structured_data, faq_candidate)
