"""Sources: the one place that decides what a command-line argument is (a file, a folder, standard input, a
page, a sitemap, a crawl, a WordPress site) and turns it into documents to audit.

``document`` holds the value types every layer shares; ``files`` reads local inputs, ``web`` fetches pages,
and ``inputs`` walks the arguments of one run.
"""

from __future__ import annotations

from .document import STDIN, Document, InputError, Target
from .files import FORMATS, decode, discover, read, sniff_format

__all__ = ["STDIN", "FORMATS", "Document", "InputError", "Target", "decode", "discover", "read", "sniff_format"]
