"""Word ``.docx`` drafts, converted to HTML by mammoth (headings, lists, links, bold, tables).

A .docx has no source lines, so each paragraph (a heading, a list item, a table cell's paragraph) is put on a
line of its own: a finding's "line" is the paragraph's number in the document, which a writer can find.
A document that uses Word's Title style gets it as the H1 and its Heading 1…5 one level lower, so the
outline matches what the writer sees.
"""

from __future__ import annotations

import io
import re
import zipfile



class DocxError(Exception):
    """The file is not a readable Word document; the message says why, for the user."""

MAX_XML_BYTES = 50_000_000  # a document.xml bigger than this is not a blog draft
_BLOCK_START = re.compile(r"(?=<(?:p|h[1-6]|li|table|tr|blockquote)[\s>])")
_TITLE_STYLE = re.compile(rb'<w:pStyle w:val="Title"\s*/>')
TITLE_STYLE_MAP = "\n".join(
    ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => p:fresh"]
    + [f"p[style-name='Heading {n}'] => h{n + 1}:fresh" for n in range(1, 6)]
)


def to_html(data: bytes) -> str:
    """The document as an HTML page, one paragraph per line (raises DocxError for a broken file)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo("word/document.xml")
        if info.file_size > MAX_XML_BYTES:
            raise DocxError(f"the document's text is {info.file_size / 1e6:.0f} MB, too big for a post")
        uses_title = bool(_TITLE_STYLE.search(archive.read(info)))
    except (zipfile.BadZipFile, KeyError):
        raise DocxError("not a Word .docx file (it is not a zip archive holding word/document.xml)") from None
    import mammoth

    try:
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=TITLE_STYLE_MAP if uses_title else "")
    except Exception as exc:  # mammoth raises many kinds on damaged files
        raise DocxError(f"cannot read the Word document: {type(exc).__name__}: {exc}") from None
    body = _BLOCK_START.sub("\n", result.value).lstrip("\n")
    # the first paragraph shares line 1 with the wrapper, so line N is paragraph N
    return f"<!DOCTYPE html><html><body><article>{body}\n</article></body></html>\n"
