"""What every parser shares: the errors a parser raises, the language decision and the body-text check."""

from __future__ import annotations

from ..model import Block, Post


class ParseError(Exception):
    """The input could not be parsed; the message says why, for the user."""


class NotAPost(Exception):
    """The input is readable but is not a post (robots.txt, a config file, a page with no body text).

    It is skipped with a one-line notice, not audited and not an error: a pre-commit hook handing over
    ``requirements.txt`` must not fail the commit.
    """


MIN_BODY_WORDS = 3  # fewer words of text than this is no post at all (a redirect stub, a front-matter-only page)


def check_body(post: Post) -> None:
    """Raise NotAPost, naming where the text might be, when the post has no body text to audit."""
    words = sum(len(text.split()) for block in post.blocks for text in (block.text, *(i.text for i in block.items)))
    if words >= MIN_BODY_WORDS:
        return
    where = ""
    if post.format == "markdown":
        fields = [k for k, v in post.meta.items() if isinstance(v, str) and len(v.split()) >= 20]
        where = (f"; the text may be in the front-matter field{'s' if len(fields) > 1 else ''} {', '.join(fields)}"
                 if fields else "; the file holds front matter only (the text may come from a layout)")
    elif post.format == "html":
        content = post.meta.get("content", {})
        element = content.get("element", "the page")
        where = f"; the audited element was {element}: point --selector at the element that holds the post"
    raise NotAPost(f"no body text found ({words} word{'s' if words != 1 else ''}){where}")


def decide_language(declared: object, configured: object, blocks: tuple[Block, ...] | list[Block]) -> dict[str, str]:
    """``language`` and ``language_source`` for a Post: declared, else configured, else detected from the text."""
    from ..language import decide

    sample: list[str] = []
    size = 0
    for block in blocks:
        for text in (block.text, *(item.text for item in block.items)):
            sample.append(text)
            size += len(text)
        if size > 20_000:
            break
    language, source = decide(declared, configured, "\n".join(sample))
    return {"language": language, "language_source": source}
