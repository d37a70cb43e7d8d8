"""A deterministic corpus of realistic clinic blog posts for the benchmark.

Every post is 300-2,500 words with a title, headings of several levels, lists,
links and metadata (YAML front matter for Markdown; <title>, meta description,
canonical, JSON-LD and site chrome for HTML).  About one post in three carries
the defects the rules exist for: an empty section, a list lead-in with no list,
an uncited statistic, medical jargon, a skipped heading level.  A third of the
sentences draw on a 12,000-word vocabulary (Zipf-distributed), so 300 posts hold
about 11,000 distinct words as real pages do, and word-list and syllable caches
are not flattered.  The same seed always writes the same files.

    python benchmarks/corpus.py 200 /tmp/posts [--seed 7]
"""

from __future__ import annotations

import argparse
import html
import random
from dataclasses import dataclass, field
from pathlib import Path

# (topic, plain name, jargon term, body part, treatment, specialist)
TOPICS = [
    ("knee arthritis", "wear and tear in the knee", "osteoarthritis", "knee", "physical therapy", "orthopedist"),
    ("high blood pressure", "high blood pressure", "hypertension", "heart", "daily walks and less salt", "cardiologist"),
    ("shingles", "a painful rash", "herpes zoster", "skin", "antiviral pills", "dermatologist"),
    ("heartburn", "acid coming back up", "gastroesophageal reflux", "stomach", "smaller meals", "gastroenterologist"),
    ("type 2 diabetes", "high blood sugar", "hyperglycemia", "pancreas", "a steady meal plan", "endocrinologist"),
    ("back pain", "a sore lower back", "lumbar radiculopathy", "spine", "gentle stretching", "physiatrist"),
    ("migraine", "a bad headache", "cephalalgia", "head", "rest in a dark room", "neurologist"),
    ("asthma", "trouble breathing", "bronchospasm", "lungs", "an inhaler", "pulmonologist"),
    ("plantar fasciitis", "heel pain", "plantar fasciopathy", "foot", "supportive shoes", "podiatrist"),
    ("sleep apnea", "pauses in breathing at night", "obstructive apnea", "airway", "a CPAP machine", "sleep specialist"),
]
JARGON = ["myocardial infarction", "edema", "dyspnea", "analgesic", "benign", "contraindicated", "idiopathic",
          "prophylaxis", "comorbidity", "etiology", "subcutaneous", "hypertension", "syncope", "erythema"]
SIMPLE = [
    "Most people with {topic} feel better with a few simple steps.",
    "Your {body} may feel stiff or sore, especially in the morning.",
    "It helps to keep a short diary of when the symptoms start.",
    "Call us if the pain gets worse or does not go away.",
    "Small changes at home often make a big difference.",
    "Ask your doctor which option fits your daily life.",
    "Many patients try {treatment} first.",
    "Rest when you need to, but try to keep moving.",
    "Bring a list of your medicines to every visit.",
    "A {specialist} can check your {body} and explain what they find.",
    "Drink water through the day and eat regular meals.",
    "Some people notice symptoms only after a long day.",
]
LONG = [
    "Although {topic} is common and usually manageable, the way it affects your daily routine depends on your age, "
    "your general health, how active you are, and whether other conditions such as {jargon} are also present.",
    "When you come to the clinic, the {specialist} will ask about your symptoms, examine your {body}, review the "
    "medicines you take, and may order tests to rule out other causes before suggesting a treatment plan.",
    "Treatment for {topic} is rarely a single step; instead it combines {treatment}, changes in everyday habits, "
    "regular follow-up visits, and, for some people, medicines that need careful monitoring over several months.",
]
JARGON_SENTENCES = [
    "Physicians describe this as {jargon}, which may present with {extra} in some patients.",
    "The etiology of {jargon} is often multifactorial and idiopathic.",
    "Prophylaxis is recommended when comorbidity increases the risk of {extra}.",
]
STATISTICS = [
    "About {pct} percent of adults will have {topic} at some point.",
    "Nearly {n} million people live with {topic} today.",
    "Research suggests that {treatment} helps most people within weeks.",
    "One in {k} patients needs a second visit within a year.",
]
LEAD_INS = ["Common symptoms may include:", "Warning signs include:", "Ask yourself these questions:",
            "Things that can help include:"]
LIST_ITEMS = ["pain that gets worse at night", "swelling around the {body}", "stiffness after rest",
              "trouble sleeping", "tiredness during the day", "a rash or redness", "pain when you climb stairs",
              "numbness or tingling", "feeling short of breath", "a fever above 38 °C"]
SECTION_TITLES = ["What is {topic}?", "Symptoms to watch for", "What causes it", "How we diagnose it",
                  "Treatment options", "What you can do at home", "When to see a doctor", "Living with {topic}",
                  "Questions to ask your {specialist}", "How to prevent flare-ups", "What to expect at your visit"]
SUBSECTION_TITLES = ["Medicines", "Exercises", "At work", "For older adults", "For children", "Diet", "Sleep"]
SOURCES = ["https://www.cdc.gov/", "https://www.nih.gov/", "https://medlineplus.gov/", "https://www.who.int/",
           "https://www.mayoclinic.org/"]
AUTHORS = ["Dana Whitfield, PT, DPT", "Dr. Omar Reyes, MD", "Lena Park, RN", "Dr. Priya Nair, DO"]


@dataclass
class _Post:
    """One post as a list of blocks, rendered to HTML or Markdown at the end."""

    title: str
    description: str
    author: str
    date: str
    blocks: list[tuple[str, object]] = field(default_factory=list)  # (kind, payload)
    words: int = 0


# Real posts use thousands of distinct words (about 12,000 across 275 real clinic pages), so word-list lookups
# and syllable caches must be measured on a vocabulary that large, not on the templates' few hundred words.
# VOCABULARY is a fixed list of pseudo-words built from syllables, drawn with a Zipf-like rank distribution.
_ONSETS = ["b", "br", "c", "ch", "d", "f", "g", "gr", "h", "l", "m", "n", "p", "pl", "r", "s", "st", "t", "th", "v", "w"]
_VOWELS = ["a", "e", "i", "o", "u", "ea", "ou", "io"]
_CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck"]


def _vocabulary(size: int = 12_000, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        words["".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))] = None
    return list(words)


VOCABULARY = _vocabulary()
_ZIPF_WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def _varied(rng: random.Random) -> str:
    """A sentence of 6-22 words from the large vocabulary (rare words appear, as in real text)."""
    words = rng.choices(VOCABULARY, weights=_ZIPF_WEIGHTS, k=rng.randint(6, 22))
    return " ".join(words).capitalize() + "."


def _fill(template: str, rng: random.Random, topic: tuple[str, ...]) -> str:
    name, plain, jargon, body, treatment, specialist = topic
    return template.format(topic=name, plain=plain, jargon=jargon, body=body, treatment=treatment,
                           specialist=specialist, extra=rng.choice(JARGON), pct=rng.randint(5, 60),
                           n=rng.randint(2, 40), k=rng.randint(3, 12))


def _paragraph(rng: random.Random, topic: tuple[str, ...], defects: bool) -> tuple[str, list[tuple[str, str]]]:
    """A paragraph of 3-8 sentences; returns its text and the links it cites."""
    sentences: list[str] = []
    links: list[tuple[str, str]] = []
    for _ in range(rng.randint(3, 8)):
        roll = rng.random()
        if roll < 0.33:
            sentences.append(_varied(rng))
        elif roll < 0.63:
            sentences.append(_fill(rng.choice(SIMPLE), rng, topic))
        elif roll < 0.75:
            sentences.append(_fill(rng.choice(LONG), rng, topic))
        elif roll < 0.87 and defects:
            sentences.append(_fill(rng.choice(JARGON_SENTENCES), rng, topic))
        else:
            sentences.append(_fill(rng.choice(STATISTICS), rng, topic))
            if not defects or rng.random() < 0.5:  # cited: a source link in the paragraph
                links.append(("the " + rng.choice(["CDC", "NIH", "WHO", "Mayo Clinic"]), rng.choice(SOURCES)))
    return " ".join(sentences), links


def build_post(rng: random.Random, index: int) -> _Post:
    """A post of 300-2,500 words; about a third carry defects."""
    topic = TOPICS[index % len(TOPICS)]
    defects = rng.random() < 0.35
    target = rng.randint(300, 2500)
    title = f"{topic[0].capitalize()}: {rng.choice(['what helps', 'a patient guide', 'causes and care', 'answers to common questions'])}"
    post = _Post(title, f"How to recognise and manage {topic[0]}, and when to see a {topic[5]}.",
                 rng.choice(AUTHORS), f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    text, links = _paragraph(rng, topic, defects)
    post.blocks.append(("p", (text, links)))
    post.words += len(text.split())
    titles = rng.sample(SECTION_TITLES, len(SECTION_TITLES))
    section = 0
    while post.words < target:
        heading = _fill(titles[section % len(titles)], rng, topic)
        section += 1
        post.blocks.append(("h2", heading))
        if defects and rng.random() < 0.08:
            continue  # empty section: the next heading follows directly
        for _ in range(rng.randint(1, 3)):
            text, links = _paragraph(rng, topic, defects)
            post.blocks.append(("p", (text, links)))
            post.words += len(text.split())
        if rng.random() < 0.5:
            lead = rng.choice(LEAD_INS)
            post.blocks.append(("p", (lead, [])))
            if not (defects and rng.random() < 0.3):  # a lead-in without its list is a defect
                items = [_fill(t, rng, topic) for t in rng.sample(LIST_ITEMS, rng.randint(3, 6))]
                post.blocks.append(("ul" if rng.random() < 0.8 else "ol", items))
                post.words += sum(len(i.split()) for i in items)
        if rng.random() < 0.4:
            level = "h4" if defects and rng.random() < 0.2 else "h3"  # h2 -> h4 skips a level
            for sub in rng.sample(SUBSECTION_TITLES, rng.randint(1, 2)):
                post.blocks.append((level, sub))
                text, links = _paragraph(rng, topic, defects)
                post.blocks.append(("p", (text, links)))
                post.words += len(text.split())
    post.blocks.append(("h2", "Sources"))
    post.blocks.append(("ul", [f"[{s}]({s})" for s in rng.sample(SOURCES, 2)]))
    return post


def _md_inline(text: str, links: list[tuple[str, str]]) -> str:
    tail = "".join(f" See [{label}]({href})." for label, href in links)
    return text + tail


def render_markdown(post: _Post) -> str:
    """YAML front matter and CommonMark, wrapped at sentence boundaries like hand-written posts."""
    out = ["---", f'title: "{post.title}"', f"description: {post.description}", f"author: {post.author}",
           f"date: {post.date}", "lang: en", "---", ""]
    for kind, payload in post.blocks:
        if kind.startswith("h"):
            out += ["#" * int(kind[1]) + " " + str(payload), ""]
        elif kind == "p":
            text, links = payload  # type: ignore[misc]
            out += [_md_inline(text, links).replace(". ", ".\n", 2), ""]
        else:
            marker = "-" if kind == "ul" else "1."
            out += [f"{marker} {item}" for item in payload] + [""]  # type: ignore[union-attr]
    return "\n".join(out)


def _html_inline(text: str, links: list[tuple[str, str]]) -> str:
    tail = "".join(f' See <a href="{href}">{html.escape(label)}</a>.' for label, href in links)
    return html.escape(text) + tail


def _html_link(item: str) -> str:
    if item.startswith("[") and "](" in item:
        label, href = item[1:-1].split("](")
        return f'<a href="{href}">{html.escape(label)}</a>'
    return html.escape(item)


def render_html(post: _Post, index: int) -> str:
    """A full page: head metadata, site chrome around an <article>."""
    slug = f"post-{index:05d}"
    out = [
        "<!doctype html>", '<html lang="en">', "<head>", '  <meta charset="utf-8">',
        f"  <title>{html.escape(post.title)} | Riverside Clinic</title>",
        f'  <meta name="description" content="{html.escape(post.description)}">',
        f'  <link rel="canonical" href="https://clinic.example/blog/{slug}">',
        f'  <meta property="og:title" content="{html.escape(post.title)}">',
        '  <script type="application/ld+json">{"@type": "MedicalWebPage", "author": {"name": "'
        + post.author + '"}, "datePublished": "' + post.date + '"}</script>',
        "</head>", "<body>",
        '  <nav><ul><li><a href="/">Home</a></li><li><a href="/blog">Blog</a></li></ul></nav>',
        "  <article>", f"    <h1>{html.escape(post.title)}</h1>",
        f'    <p class="byline">By {html.escape(post.author)}, <time datetime="{post.date}">{post.date}</time></p>',
    ]
    for kind, payload in post.blocks:
        if kind.startswith("h"):
            out.append(f"    <{kind}>{html.escape(str(payload))}</{kind}>")
        elif kind == "p":
            text, links = payload  # type: ignore[misc]
            out.append("    <p>" + _html_inline(text, links).replace(". ", ".\n      ", 2) + "</p>")
        else:
            out.append(f"    <{kind}>")
            out += [f"      <li>{_html_link(item)}</li>" for item in payload]  # type: ignore[union-attr]
            out.append(f"    </{kind}>")
    out += ["  </article>", "  <footer><p>Riverside Clinic, 12 Main St.</p></footer>", "</body>", "</html>", ""]
    return "\n".join(out)


def write_corpus(count: int, folder: Path, seed: int = 7, html_share: float = 0.5) -> list[Path]:
    """Write ``count`` posts (HTML and Markdown) into ``folder``; the same seed writes the same files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for index in range(count):
        post = build_post(rng, index)
        if rng.random() < html_share:
            path = folder / f"post-{index:05d}.html"
            path.write_text(render_html(post, index), encoding="utf-8")
        else:
            path = folder / f"post-{index:05d}.md"
            path.write_text(render_markdown(post), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of posts")
    parser.add_argument("folder", type=Path, help="where to write them")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = write_corpus(args.count, args.folder, args.seed)
    print(f"wrote {len(paths)} posts to {args.folder}")


if __name__ == "__main__":
    main()
