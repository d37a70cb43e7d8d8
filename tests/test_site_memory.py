"""Site-rule summaries stay small as a run grows (issue 18), and compacting them changed nothing site rules see."""

from __future__ import annotations

import hashlib
import pickle
import random
import tracemalloc
from pathlib import Path

import pytest

from clinic_audit.config import RuleSetting
from clinic_audit.registry import load
from clinic_audit.rule import Options
from clinic_audit.run import Run, RunOptions
from clinic_audit.siterules import (NO_LINKS, Links, PostSummary, SharedStrings, Site, pack_sketch, run_site_rules,
                                    similarity, sketch, sketch_hashes)

from conftest import isolated_config

# A summary as cache entries and histories stored it before summaries were compacted: pairs as lists, the
# sketch as a list of ints.  The JSON form is unchanged, so entries written either way load either way.
STORED = {"url": "https://clinic.test/knee/", "title": "Knee pain", "description": "When to see us.", "h1": "Knee pain",
          "keyphrase": "knee pain", "links": [["https://clinic.test/hip/", 12], ["https://clinic.test/book/", 300]],
          "sketch": [3, 17, 2**63, 2**64 - 1], "words": 412, "final_url": "",
          "external": [["https://www.nhs.uk/conditions/knee-pain/", 40]]}


def test_a_summary_stored_before_the_compaction_loads_and_writes_back_the_same_json():
    assert PostSummary.from_dict(STORED).to_dict() == STORED


def test_a_loaded_summary_reads_as_the_tuples_it_was_built_from():
    summary = PostSummary.from_dict(STORED)
    assert summary.links == (("https://clinic.test/hip/", 12), ("https://clinic.test/book/", 300))
    assert list(summary.links) == [tuple(pair) for pair in STORED["links"]]
    assert summary.links[1] == ("https://clinic.test/book/", 300) and len(summary.external) == 1
    assert hash(summary.links) == hash(tuple(summary.links))
    assert sketch_hashes(summary.sketch) == tuple(STORED["sketch"])


def test_a_sketch_given_as_ints_or_packed_makes_the_same_summary():
    hashes = (5, 9, 2**40)
    assert PostSummary("u", sketch=hashes) == PostSummary("u", sketch=pack_sketch(hashes))
    assert PostSummary("u", links=[("a", 1)]) == PostSummary("u", links=Links([("a", 1)]))


def test_a_summary_crosses_from_a_worker_unchanged():
    summary = PostSummary.from_dict(STORED)
    assert pickle.loads(pickle.dumps(summary)) == summary
    assert pickle.loads(pickle.dumps(PostSummary("u"))).links is NO_LINKS  # no links: one shared empty value


@pytest.mark.parametrize("field, value", [("sketch", [-1]), ("sketch", [2**64]), ("links", [["u", 2**40]])])
def test_a_damaged_stored_summary_is_a_value_error(field: str, value: list):
    """The cache and the history read a ValueError as a miss: the post is audited again."""
    with pytest.raises(ValueError):
        PostSummary.from_dict({**STORED, field: value})


def test_similarity_reads_packed_and_int_sketches_alike():
    rng = random.Random(3)
    words = [f"w{rng.randrange(500)}" for _ in range(300)]
    changed = [*words[:150], "other", *words[151:]]
    a, b = sketch(words), sketch(changed)
    assert similarity(pack_sketch(a), pack_sketch(b)) == similarity(a, b) and 0.5 < similarity(a, b) < 1


class _Kept:
    """A store that keeps what it is given."""

    def __init__(self) -> None:
        self.summaries: list[PostSummary] = []

    def get(self, key: str) -> None:
        return None

    def put(self, key: str, result: object, summary: PostSummary | None, reused: bool = False) -> None:
        self.summaries.append(summary)

    def failure(self, failure: object, key: str = "") -> None: ...

    def site(self, key: str) -> None:
        return None

    def put_site(self, key: str, findings: object) -> None: ...

    def finish(self, site_findings: object, penalties: object) -> None: ...


def _linking_posts(folder: Path) -> Path:
    for name in ("a", "b", "c"):
        (folder / f"{name}.md").write_text(f"# Post {name}\n\nSee [the NHS](https://www.nhs.uk/knee/) and "
                                           f"[booking](/book/).\n", encoding="utf-8")
    return folder


def test_a_run_keeps_one_copy_of_each_link_url(tmp_path: Path):
    run = Run(isolated_config(), RunOptions((str(_linking_posts(tmp_path)),)))
    run.execute()
    internals = [s.links.urls[0] for s in run.summaries]
    assert len(internals) == 3 and all(url is internals[0] for url in internals)


def test_a_run_that_checks_no_external_link_keeps_none_but_stores_them(tmp_path: Path):
    store = _Kept()
    run = Run(isolated_config(), RunOptions((str(_linking_posts(tmp_path)),)), store)
    run.execute()
    assert [len(s.external) for s in run.summaries] == [0, 0, 0]
    assert [s.external for s in store.summaries] == [(("https://www.nhs.uk/knee/", 3),)] * 3


def test_shared_strings_share_urls_across_summaries_built_apart():
    first, second = (PostSummary.from_dict(pickle.loads(pickle.dumps(STORED))) for _ in range(2))
    assert first.links.urls[0] is not second.links.urls[0]
    shared = SharedStrings()
    kept = [shared.summary(first), shared.summary(second)]
    assert kept == [first, second] and kept[0].links.urls[0] is kept[1].links.urls[0]


def test_an_h1_that_reads_as_the_title_is_kept_as_the_titles_string():
    title = "".join(["Knee pain ", "after running"])  # built apart, as two strings read from JSON are
    same, other = (PostSummary("u", title=title, h1=h1) for h1 in ("Knee pain after running", "Knee pain"))
    assert same.h1 is not same.title
    kept = SharedStrings().summary(same)
    assert kept == same and kept.h1 is kept.title
    assert SharedStrings().summary(other).h1 == "Knee pain"


def test_a_kept_summary_takes_about_one_and_a_half_kilobytes():
    """A full sketch and 20 external links (5 sources): about 1.6 KB as kept, 5.4 KB as tuples of Python objects."""
    rng = random.Random(1)
    sources = [f"https://www.source{i}.example/guidance/" for i in range(5)]
    stored = [pickle.dumps(PostSummary(f"https://clinic.test/p{i}/", title=f"Post number {i} about knees",
                                       sketch=sorted(rng.getrandbits(64) for _ in range(64)), words=rng.randrange(300, 2000),
                                       external=[(rng.choice(sources), rng.randrange(1, 900)) for _ in range(20)]))
              for i in range(300)]
    shared = SharedStrings()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [shared.summary(pickle.loads(blob)) for blob in stored]
        per_post = (tracemalloc.get_traced_memory()[0] - before) / len(kept)
    finally:
        tracemalloc.stop()
    assert per_post < 2000, per_post


def _sketch(words: list[str]) -> tuple[int, ...]:
    """A bottom-64 sketch hashed here (BLAKE2b), so the expected findings do not change with the shingle hash."""
    hashes = {int.from_bytes(hashlib.blake2b(" ".join(words[i:i + 5]).encode(), digest_size=8).digest(), "big")
              for i in range(len(words) - 4)}
    return tuple(sorted(hashes)[:64])


def _near_copies(n: int = 3000, seed: int = 11) -> tuple[PostSummary, ...]:
    """Posts in families of up to six near-copies, each copy with 0-40 words replaced, so similarities spread
    across every threshold; built from the stored (list of ints) form."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(2000)]
    stored, base = [], None
    for i in range(n):
        if base is not None and i % 10 < rng.randrange(1, 6):
            words = list(base)
            for _ in range(rng.randrange(0, 40)):
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
        else:
            words = base = rng.choices(vocabulary, k=rng.randrange(40, 400))
        stored.append({"url": f"https://c.test/p{i}/", "title": f"T{i}", "sketch": list(_sketch(words)),
                       "words": len(words)})
    return tuple(PostSummary.from_dict(d) for d in stored)


# (findings, most posts in one, posts in all, sha256 of the findings) as the tuple-of-ints sketches gave them
# (main at fedc21b, before summaries were compacted).
CLUSTERS_BEFORE = {0.5: (260, 6, 684, "3ae9e8c070e993d2"), 0.8: (110, 4, 239, "cd7deb9a0e325b01"),
                   0.95: (42, 3, 88, "ec3d06ed8c68c08e")}


@pytest.mark.parametrize("threshold", sorted(CLUSTERS_BEFORE))
def test_near_duplicate_findings_are_the_ones_tuple_sketches_gave(threshold: float):
    r = load().get("SI008")
    setting = RuleSetting(r, r.severity, Options({**r.defaults(), "threshold": threshold}))
    found = run_site_rules(Site(_near_copies()), [setting])
    text = "\n".join(f"{f.sources} {f.value} {f.message}" for f in found)
    assert (len(found), max(len(f.sources) for f in found), sum(len(f.sources) for f in found),
            hashlib.sha256(text.encode()).hexdigest()[:16]) == CLUSTERS_BEFORE[threshold]


# --- summaries past SPILL_FROM live in a temporary file -------------------------------------------------------

def _site_posts(n: int = 600) -> list[PostSummary]:
    """Near-copies, shared titles and links between web pages: something for every site rule to find."""
    from dataclasses import replace

    posts = list(_near_copies(n))
    return [replace(p, title=f"T{i % (n // 3)}", h1=f"H{i % 5}" if i % 7 == 0 else "",
                    links=[(posts[(i + 1) % (n - 10)].url, 3)] if i % 4 else []) for i, p in enumerate(posts)]


def test_spilled_summaries_read_back_as_they_were_kept():
    from clinic_audit.siterules import Summaries

    posts = _site_posts(60)
    kept = Summaries(spill_from=7)
    for post in posts:
        kept.append(post)
    assert len(kept) == 60 and len(kept.kept) == 7 and kept.file is not None
    assert list(kept) == posts and kept[7] == posts[7] and kept[-1] == posts[-1] and kept[5:12] == posts[5:12]
    assert [(post, kept[0], kept[59]) for post in kept] == [(post, posts[0], posts[59]) for post in posts]
    with pytest.raises(IndexError):
        kept[60]
    kept.close()
    assert len(kept) == 7


def test_site_findings_are_the_same_when_summaries_are_spilled(monkeypatch):
    from clinic_audit import siterules
    from clinic_audit.siterules import Summaries

    monkeypatch.setattr(siterules, "READ_BYTES", 4096)  # many chunks
    posts = _site_posts()
    settings = [RuleSetting(r, r.severity, Options(r.defaults())) for r in load() if r.family == "site"]
    spilled = Summaries(spill_from=50)
    for post in posts:
        spilled.append(post)
    found = run_site_rules(Site(tuple(posts)), settings)
    assert {f.rule for f in found} >= {"SI001", "SI003", "SI006", "SI008"}
    assert [f.to_dict() | {"source": f.source} for f in run_site_rules(Site(spilled), settings)] == \
           [f.to_dict() | {"source": f.source} for f in found]


def test_a_run_past_spill_from_posts_reports_what_a_run_in_memory_does(cli, tmp_path, monkeypatch):
    from clinic_audit import siterules

    for i in range(8):
        (tmp_path / f"p{i}.md").write_text(f"# Knee pain {i % 3}\n\nRest the knee for a day or two. Ice helps "
                                           f"the swelling go down. See [care](/care/{i}/).\n", encoding="utf-8")
    in_memory = cli("check", "--isolated", "--no-cache", "-f", "json", str(tmp_path)).stdout
    monkeypatch.setattr(siterules, "SPILL_FROM", 2)
    assert cli("check", "--isolated", "--no-cache", "-f", "json", str(tmp_path)).stdout == in_memory
    assert "SI001" in in_memory


def test_summaries_that_cannot_be_spilled_stay_in_memory_in_order(monkeypatch):
    import io

    from clinic_audit.siterules import Summaries

    class Filling(io.BytesIO):
        """A temporary file on a disk that fills after three summaries."""
        writes = 0

        def write(self, data):
            Filling.writes += 1
            if Filling.writes > 3:
                raise OSError(28, "No space left on device")
            return super().write(data)

    monkeypatch.setattr("tempfile.TemporaryFile", lambda **_: Filling())
    posts = _site_posts(30)
    kept = Summaries(spill_from=5)
    for post in posts:
        kept.append(post)
    assert list(kept) == posts and kept.file is None and len(kept.kept) == 30


def test_spilled_summaries_hold_a_few_bytes_a_post():
    from clinic_audit.siterules import Summaries

    stored = [pickle.dumps(p) for p in _site_posts(2000)]  # arriving from workers, as a run's do
    tracemalloc.start()
    try:
        kept = Summaries(spill_from=0)
        for data in stored:
            kept.append(pickle.loads(data))
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    kept.close()
    assert size / 2000 < 40  # 8 bytes of offset a post (and the file's buffer); about 1.1 KB each in memory
