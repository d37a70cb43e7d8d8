"""The arguments of one run, as one stream of documents: files and folders first, then web sources and crawls."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from ..result import InputFailure
from ..siterules import LinkStatus, PostSummary
from .document import STDIN, InputError, Target
from .files import discover, read
from .web import Fetched, WebOptions, WebSources, is_web_source

if TYPE_CHECKING:
    from ..config import Config


class Inputs:
    """Decides what each argument is and yields its documents (or why it cannot be audited), in order."""

    def __init__(self, args: Sequence[str], config: "Config", web: WebOptions = WebOptions(),
                 stdin_format: str | None = None):
        self.args = list(args)
        self.config = config
        self.stdin_format = stdin_format
        self.files = [a for a in self.args if not is_web_source(a)]
        self.web = WebSources(self.args, web, int(config.effective()["max-file-size"]))

    @property
    def single_post(self) -> bool:
        """One file or standard input, no folder, page list or crawl: no site to speak of."""
        return (len(self.args) == 1 and not self.web.options.crawl and not self.web.sources
                and (self.args[0] == STDIN or not Path(self.args[0]).is_dir()))

    @property
    def expected(self) -> int | None:
        """How many documents are coming, once a sitemap has said so."""
        return self.web.expected

    @property
    def fetches(self) -> bool:
        """Whether the run reads from the web (then checking links costs little more)."""
        return bool(self.web.sources or self.web.options.crawl)

    def documents(self) -> Iterator[Fetched | InputFailure]:
        if self.files:
            settings = self.config.effective()
            for target in discover(self.files, settings["include"], settings["exclude"], self.config.root):
                yield self._read(target)
        yield from self.web.documents()

    def _read(self, target: Target | InputError) -> Fetched | InputFailure:
        if isinstance(target, InputError):
            return InputFailure(target.source, target.message)
        try:
            max_bytes = int(self.config.effective(target.source)["max-file-size"])
            return read(target, max_bytes, self.stdin_format), ""
        except InputError as exc:
            return InputFailure(exc.source, exc.message)

    def link_statuses(self, summaries: Sequence[PostSummary], check: bool,
                      external: bool = False) -> dict[str, LinkStatus]:
        """What is known of the posts' links; with ``check``, unknown internal links are fetched first, and with
        ``external``, links to other sites too."""
        if check and any(link for s in summaries for link in s.links):
            self.web.check_links(summaries)
        if external and any(link for s in summaries for link in s.external):
            self.web.check_external(summaries)
        return dict(self.web.links)

    def close(self) -> None:
        self.web.close()

    def nothing_audited(self, skipped: int) -> str:
        """Why a run audited no post: what was skipped, and which files the folders hold instead."""
        if skipped:
            return f"no post was audited: {skipped} input{'s were' if skipped != 1 else ' was'} skipped (see above)"
        if not self.files:  # only web sources: say what was fetched, not which file patterns matched
            fetched = len(self.web.links)
            return (f"no page was audited: the site gave no HTML page to audit ({fetched} URL"
                    f"{'s' if fetched != 1 else ''} fetched; robots.txt, --include-url/--exclude-url and "
                    "--max-pages decide what is fetched)")
        patterns = ", ".join(self.config.effective()["include"])
        held = ", ".join(f"{n} {kind}" for kind, n in _file_kinds(self.files)[:6])
        return f"no post was audited: no file matches {patterns}" + (f" (found {held})" if held else "")

    def has_folder(self) -> bool:
        return any(Path(a).is_dir() for a in self.files if a != STDIN)


def _file_kinds(args: Iterable[str], limit: int = 10_000) -> list[tuple[str, int]]:
    """The kinds of file (by extension) the folders among ``args`` hold, most common first."""
    counts: dict[str, int] = {}
    for arg in args:
        path = Path(arg)
        if arg == STDIN or not path.is_dir():
            continue
        for seen, found in enumerate(path.rglob("*")):
            if seen > limit:
                break
            if found.is_file():
                kind = found.suffix.lower() or found.name
                counts[kind] = counts.get(kind, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])
