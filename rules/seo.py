"""SEO rules: what search engines read from a post — title, description, canonical, language, alt text,
link text, length, keyphrase, Open Graph, structured data and internal links.

Page-level metadata exists only where the post can carry it.  An HTML *page*
(it has ``<html>`` or ``<head>``) carries it in ``<head>``; an HTML fragment does
not, so head rules skip fragments.  A Markdown post carries it in front matter
(site generators render ``title``, ``description``, ``canonical``, ``og:*`` and
``json_ld`` into the head), so head rules judge Markdown only when it has front
matter, and only the keys a generator cannot fill in for itself.  Plain text has
no head: head rules skip it.  Each rule's docstring says which case it is.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Iterable
from urllib.parse import urlparse

from clinic_audit.model import Post
from clinic_audit.rule import Hit, Option, Options, rule

from .seo_words import content_words, first_h1, line_of, seo_data, title_pixels

def _site_title(title: str) -> str:
    """The title without a trailing " | Site name"."""
    for sep in seo_data()["title_separators"]:
        if sep in title:
            return title.rsplit(sep, 1)[0]
    return title


@rule("SE001", "missing-title", "seo", "warning")
def missing_title(post: Post, opts: Options) -> Iterable[Hit]:
    """The page has no title for search results.

    Why: the title is the link patients click in search results (Google's title-link guidance; Lighthouse `document-title`).
    HTML pages need a `<title>`; a Markdown post with front matter needs a `title` key or an H1 for the
    generator to use.  Fragments and plain text are not judged (the missing-h1 rule covers them).
    Fix: add a `<title>` (or front-matter `title`) that names the topic in under 60 characters.
    Bad:
        ---
        description: Simple steps that ease knee pain, and when to see a doctor.
        ---
        Knee pain is common after 50.
    Good:
        ---
        title: "Knee pain: what helps"
        ---
        Knee pain is common after 50.
    """
    if post.facts.is_html_page and not post.facts.text("title"):
        yield Hit(post.facts.head_line, "the page has no <title>", key="missing-title",
                  suggestion="Add a <title> that names the topic.")
    elif post.facts.front_matter and not post.title:
        yield Hit(1, "no title: front matter has no `title` and the post has no H1", key="missing-title",
                  suggestion="Add `title:` to the front matter.")


@rule("SE002", "long-title", "seo", "warning",
      options=[Option("max-characters", int, 60, "Characters shown as the rule of thumb beside the width (never decides alone)."),
               Option("max-pixels", int, 580, "Widest title, in estimated pixels of a desktop search result.")])
def long_title(post: Post, opts: Options) -> Iterable[Hit]:
    """The title is about 580 pixels wide or more, so search results cut it off.

    Why: Google truncates title links to the width of the results column (about 600 px on desktop);
    Yoast scores titles over 600 px red. Width decides, not the character count: 65 narrow letters fit where
    50 wide ones do not (Screaming Frog's 60-character rule of thumb is shown beside the width, never alone).
    Fix: shorten the title to its main topic; move detail to the meta description.
    Bad:
        # Is Neuropathic Pain Present in Chronic Lower Back Pain and Soft Tissue Syndromes?
    Good:
        # Nerve pain in chronic lower back pain
    """
    title = post.facts.text("title") if post.facts.is_html_page else post.title
    if not title:
        return
    chars, pixels = len(title), title_pixels(title)
    if pixels > opts.max_pixels:
        line = post.facts.line("title", post.title_line or 1)
        yield Hit(line, f"title is {chars} characters, about {pixels:.0f} px wide "
                        f"(limits {opts.max_characters} characters, {opts.max_pixels} px)",
                  excerpt=title, value=round(pixels), limit=opts.max_pixels, key="long-title",
                  suggestion="Shorten the title to its main topic.")


@rule("SE003", "missing-meta-description", "seo", "warning")
def missing_meta_description(post: Post, opts: Options) -> Iterable[Hit]:
    """No meta description (HTML pages) or front-matter `description` (Markdown with front matter).

    Why: Google often shows the meta description as the snippet under the title; without one it picks
    text from the page, which may not say what the post offers (Lighthouse `meta-description`).
    Fix: write a 120–160 character summary of what the reader will learn.
    Bad:
        ---
        title: "Knee pain: what helps"
        ---
        Knee pain is common after 50.
    Good:
        ---
        title: "Knee pain: what helps"
        description: Simple steps that ease knee pain at home, the treatments that help most people, and the signs that mean it is time to see a doctor.
        ---
        Knee pain is common after 50.
    """
    if post.facts.has_head and not post.facts.text("description"):
        yield Hit(post.facts.head_line, "no meta description",
                  key="missing-meta-description", suggestion="Add a 120–160 character description.")


@rule("SE004", "meta-description-length", "seo", "info",
      options=[Option("min-characters", int, 120, "Shortest description."),
               Option("max-characters", int, 160, "Longest description before search results cut it.")])
def meta_description_length(post: Post, opts: Options) -> Iterable[Hit]:
    """The meta description is shorter than 120 or longer than 160 characters.

    Why: Yoast scores 120–156 characters best; longer descriptions are cut in search results, shorter ones
    waste the snippet.
    Fix: say what the reader will learn, in one or two sentences of 120–160 characters.
    Bad:
        ---
        description: Knee pain tips.
        ---
        Knee pain is common after 50.
    Good:
        ---
        description: Simple steps that ease knee pain at home, the treatments that help most people, and the signs that mean it is time to see a doctor.
        ---
        Knee pain is common after 50.
    """
    text = post.facts.text("description")
    if text and not opts.min_characters <= len(text) <= opts.max_characters:
        limit = opts.min_characters if len(text) < opts.min_characters else opts.max_characters
        word = "short" if len(text) < opts.min_characters else "long"
        yield Hit(post.facts.line("description"), f"meta description is {len(text)} characters (too {word})",
                  excerpt=text, value=len(text), limit=limit, key="description-length",
                  suggestion=f"Write {opts.min_characters}–{opts.max_characters} characters.")


@rule("SE005", "canonical-url", "seo", "warning")
def canonical_url(post: Post, opts: Options) -> Iterable[Hit]:
    """An HTML page has no canonical link, or a declared canonical URL is not absolute.

    Why: Google's canonical-URL guidance and Lighthouse's `canonical` audit: one absolute canonical URL stops
    tracking parameters and copies splitting the page's ranking.  Markdown is judged only when its front
    matter declares `canonical` (generators usually add it); plain text has none.
    Fix: add `<link rel="canonical" href="https://…/the-post">` with the full URL.
    Bad:
        ---
        canonical: /blog/knee-pain
        ---
        Knee pain is common after 50.
    Good:
        ---
        canonical: https://www.example-clinic.com/blog/knee-pain
        ---
        Knee pain is common after 50.
    """
    value = post.facts.value("canonical")
    if value is None:
        if post.facts.is_html_page:
            yield Hit(post.facts.head_line, "no canonical link", key="missing-canonical",
                      suggestion='Add <link rel="canonical" href="https://…">.')
        return
    parsed = urlparse(str(value))
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        yield Hit(post.facts.line("canonical"), f"canonical URL '{value}' is not absolute", excerpt=str(value),
                  key="relative-canonical", suggestion="Use the full URL, starting with https://.")


@rule("SE006", "noindex", "seo", "error")
def noindex(post: Post, opts: Options) -> Iterable[Hit]:
    """The post tells search engines not to index it (`noindex` in robots meta or front matter).

    Why: Lighthouse's `is-crawlable` audit: a noindex post never appears in search.  Drafts (`draft: true`) are skipped.
    Fix: remove `noindex` from the robots meta tag (or front matter) when the post is published.
    Bad:
        ---
        robots: noindex, follow
        ---
        Knee pain is common after 50.
    Good:
        ---
        robots: index, follow
        ---
        Knee pain is common after 50.
    """
    if post.facts.value("draft") is True:
        return
    robots = post.facts.text("robots").lower()
    flag = post.facts.value("noindex")
    if re.search(r"\b(?:noindex|none)\b", robots) or flag is True:
        yield Hit(post.facts.line("robots", post.facts.line("noindex")), "the post is marked noindex", excerpt=robots or "noindex: true",
                  key="noindex", suggestion="Remove noindex before publishing.")


_LANG_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")


@rule("SE007", "missing-lang", "seo", "warning")
def missing_lang(post: Post, opts: Options) -> Iterable[Hit]:
    """An HTML page has no `lang` attribute on `<html>`, or a declared language is not a valid code.

    Why: the language tells search engines which audience to serve and screen readers how to pronounce the
    text (WCAG 3.1.1).  Markdown is judged only when front matter declares `lang`; plain text cannot declare one.
    Fix: `<html lang="en">` (or `es`, `en-US`); in front matter, `lang: en`.
    Bad:
        ---
        lang: English
        ---
        Knee pain is common after 50.
    Good:
        ---
        lang: en
        ---
        Knee pain is common after 50.
    """
    if post.format == "html":
        if not post.facts.is_html_page:
            return
        source = "\n".join(post.lines)
        tag = re.search(r"<html\b[^>]*>", source, re.IGNORECASE)
        lang = re.search(r"\blang\s*=\s*[\"']?([^\"'\s>]*)", tag.group(0), re.IGNORECASE) if tag else None
        line = source[: tag.start()].count("\n") + 1 if tag else 1
        value = lang.group(1) if lang else None
    else:
        value = post.facts.value("lang") if post.format == "markdown" else None
        if value is None:
            return
        value, line = str(value), post.facts.line("lang", line_of(post, "lang"))
    if not value:
        yield Hit(line, "the page does not declare its language", key="missing-lang", suggestion='Add lang="en" to <html>.')
    elif not _LANG_TAG.match(value):
        yield Hit(line, f"language '{value}' is not a language code", excerpt=value, key="invalid-lang",
                  suggestion="Use a code such as en, es or en-US.")


@rule("SE008", "title-h1-mismatch", "seo", "warning")
def title_h1_mismatch(post: Post, opts: Options) -> Iterable[Hit]:
    """The page title and the H1 share no topic word.

    Why: Google builds title links partly from the H1; a mismatch confuses searchers who land on a heading
    about something else.  Compared when the post has both: an HTML `<title>` and H1, or a front-matter title
    and a body H1.  The site name after " | " is ignored.
    Fix: make the title and the H1 name the same topic (they need not be identical).
    Bad:
        ---
        title: "Knee arthritis: what helps"
        ---
        # Welcome to our blog

        Text.
    Good:
        ---
        title: "Knee arthritis: what helps"
        ---
        # Easing knee arthritis at home

        Text.
    """
    title = post.facts.text("title") if post.format in ("html", "markdown") else None
    h1 = first_h1(post)
    if not title or not h1:
        return
    prefixes = {w[:5] for w in content_words(_site_title(str(title)))}
    # A page may carry a banner H1 ("Blog") above the article's own: any H1 naming the title's topic will do.
    h1_words = {w[:5] for h in post.headings if h.level == 1 for w in content_words(h.plain)}
    if prefixes and not prefixes & h1_words:
        yield Hit(h1[0], f"H1 '{h1[1]}' shares no topic word with the title '{title}'", excerpt=h1[1],
                  key="title-h1", suggestion="Make the H1 and the title name the same topic.")


@rule("SE009", "image-missing-alt", "seo", "warning")
def image_missing_alt(post: Post, opts: Options) -> Iterable[Hit]:
    """An image has no alt text.

    Why: Lighthouse `image-alt` (axe): screen-reader users and image search depend on alt text.  In HTML,
    `alt=""` marks a decorative image and passes (an `<img>` tag inside Markdown too); Markdown's own `![](…)`
    cannot mark one, so an empty alt fails there.
    Fix: describe what the image shows, in a short phrase.
    Bad:
        ![](knee-xray.jpg)
    Good:
        ![X-ray of a knee with arthritis](knee-xray.jpg)
    """
    for image in post.images:
        if image.alt is None or (not image.html and not image.alt.strip()):
            yield Hit(image.line, f"image '{image.src}' has no alt text", excerpt=image.src, key=f"alt {image.src}",
                      suggestion="Describe what the image shows.")


@rule("SE010", "file-name-alt", "seo", "warning")
def file_name_alt(post: Post, opts: Options) -> Iterable[Hit]:
    """An image's alt text is a file name ("IMG_2041.jpg", "knee_xray_final").

    Why: a file name tells neither screen-reader users nor image search what the picture shows (Google's image SEO guidance).
    Fix: replace it with a short description of the image.
    Bad:
        ![IMG_2041.jpg](IMG_2041.jpg)
    Good:
        ![Physical therapist guiding a knee exercise](IMG_2041.jpg)
    """
    pattern = re.compile("|".join(f"(?:{p})" for p in seo_data()["file_name_alt"]), re.IGNORECASE)
    for image in post.images:
        alt = (image.alt or "").strip()
        stem = PurePosixPath(urlparse(image.src).path).stem.lower()
        if alt and (pattern.search(alt) or alt.lower() == stem):
            yield Hit(image.line, f"alt text '{alt}' is a file name", excerpt=alt, key=f"alt {image.src}",
                      suggestion="Describe what the image shows.")


@rule("SE011", "vague-link-text", "seo", "warning")
def vague_link_text(post: Post, opts: Options) -> Iterable[Hit]:
    """A link whose text says nothing about its target ("click here", "read more", "learn more").

    Why: Lighthouse's `link-text` audit: search engines and screen-reader users read link text out of context.
    Fix: make the link text name what it leads to ("our knee arthritis guide").
    Bad:
        For exercises, [click here](/knee-exercises).
    Good:
        Try these [knee exercises](/knee-exercises).
    """
    vague = set(seo_data()["vague_links"].get(post.language, seo_data()["vague_links"]["en"]))
    for link in post.links:
        text = " ".join(re.sub(r"[^\w\s]", " ", link.text.lower()).split())
        if text in vague:
            yield Hit(link.line, f"link text '{link.text}' does not say where it leads", excerpt=link.text,
                      key=f"link {link.text} {link.href}", suggestion="Use link text that names the target.")


@rule("SE012", "thin-content", "seo", "warning",
      options=[Option("min-words", int, 300, "Fewest words of text.")])
def thin_content(post: Post, opts: Options) -> Iterable[Hit]:
    """The post has fewer than 300 words.

    Why: Yoast's text-length assessment wants 300 words or more; thin pages rarely answer a patient's
    question well enough to rank (Google's helpful-content guidance).
    Fix: answer the reader's questions fully — symptoms, causes, treatments, when to see a doctor.
    Example options: min-words=20
    Bad:
        # Knee pain

        Knee pain is common after 50.
    Good:
        # Knee pain

        Knee pain is common after 50. It often comes from arthritis, an old injury, or weak muscles around the joint. Rest, ice and gentle exercise help most people.
    """
    words = post.word_count
    if post.blocks and words < opts.min_words:
        yield Hit(first_h1(post)[0] if first_h1(post) else 1, f"{words} words (at least {opts.min_words} recommended)",
                  value=words, limit=opts.min_words, key="thin-content",
                  suggestion="Cover the topic fully: symptoms, causes, treatments, when to see a doctor.")


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


RULES = (
    missing_title,
    long_title,
    missing_meta_description,
    meta_description_length,
    canonical_url,
    noindex,
    missing_lang,
    title_h1_mismatch,
    image_missing_alt,
    file_name_alt,
    vague_link_text,
    thin_content,
    no_internal_links,
)
