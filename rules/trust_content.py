"""Trust rules about what a post claims and promotes: disclosure, claims, risks, crisis resources,
patient privacy and the clinic's contact details.

Claims are judged per sentence (list items and quotes included); word lists live in data/trust.toml.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable, Iterator

from clinic_audit.model import CODE, HEADING, LIST, TABLE, Block, Post
from clinic_audit.rule import Hit, Option, Options, rule
from clinic_audit.textscan import TextIndex
from clinic_audit.textstats import NewlineIndex, split_sentences

from .trust_signals import data, lines_matching, text_lines


@lru_cache(maxsize=None)
def rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def any_of(patterns: list[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``patterns``."""
    joined = "|".join(f"(?:{p})" for p in patterns)
    # A leading word boundary lets the engine skip most positions: three times faster on long posts.
    if all(p[:1].isalnum() or p.startswith("\\b") for p in patterns):
        joined = rf"\b(?:{joined})"
    return rx(joined)


def units(post: Post) -> tuple[tuple[int, str, Block], ...]:
    """Text a reader takes as a statement: prose sentences, list items, headings and quotes."""
    return post.view(_all_units)


def _all_units(post: Post) -> tuple[tuple[int, str, Block], ...]:
    return tuple(_units(post))


def _units(post: Post) -> Iterator[tuple[int, str, Block]]:
    by_block: dict[int, list[tuple[int, str]]] = {}
    for sentence in post.sentences:
        by_block.setdefault(sentence.block_index, []).append((sentence.line, sentence.text))
    refs = post.reference_blocks
    for i, block in enumerate(post.blocks):
        if i in refs or block.kind in (CODE, TABLE):
            continue
        if i in by_block:
            for line, text in by_block[i]:
                yield line, text, block
        elif block.kind == HEADING:
            yield block.line, block.plain, block
        else:  # list items, quotes: split into sentences too, so a question stays a question
            for part in (block.items if block.kind == LIST else (block,)):
                breaks = NewlineIndex(part.text)
                for offset, text in split_sentences(part.text):
                    if text.strip():
                        yield part.line + breaks.before(offset), " ".join(text.split()), part


def units_matching(post: Post, *patterns: re.Pattern[str]) -> list[tuple[int, str, Block]]:
    """The units where any of ``patterns`` may match, in order: one search over the post, not one per unit."""
    everything = units(post)
    return [everything[i] for i in post.view(_unit_index).matching(*patterns)]


def _unit_index(post: Post) -> TextIndex:
    return TextIndex([text for _, text, _ in units(post)])


def all_text(post: Post) -> str:
    """The post's visible text on one line, words one space apart (raw lines for plain text, so the
    preamble counts)."""
    return post.view(_joined_text)


def _joined_text(post: Post) -> str:
    return " ".join(" ".join(text for _, text in text_lines(post)).split())  # one space between words


def mentions(post: Post, phrases: list[str]) -> bool:
    """True when one of the ``phrases`` (case-insensitive patterns) matches the post's text, where a phrase
    may run across lines.  Each phrase is searched on its own, only around its own literal words: four times
    quicker than one alternation of them all, which every literal word of every phrase would wake."""
    index = post.view(_joined_text_index)
    return any(index.search(rx(phrase), 0) is not None for phrase in phrases)


def _joined_text_index(post: Post) -> TextIndex:
    return TextIndex([all_text(post)])


def negated(text: str, start: int) -> bool:
    """True when a negation word sits just before ``start`` ("there is no cure", "not guaranteed")."""
    neg = data()["negation"]
    before = re.findall(r"[\w'’]+", text[:start].lower().replace("’", "'"))[-int(neg["window"]):]
    return any(word in neg["words"] or word.endswith("n't") for word in before)


def _clause_before(text: str, start: int) -> str:
    """The words of the claim's clause before ``start``."""
    head = text[:start]
    breaks = list(rx(data()["claim_context"]["clause_breaks"]).finditer(head))
    return head[breaks[-1].end():] if breaks else head


def denied_or_hedged(text: str, start: int) -> bool:
    """A negation or a hedge anywhere earlier in the clause: a denial or a judgement, not an absolute claim."""
    clause = _clause_before(text, start).lower().replace("’", "'")
    words = re.findall(r"[\w']+", clause)
    neg = data()["negation"]["words"]
    if any(word in neg or word.endswith("n't") for word in words):
        return True
    hedges = data()["claim_context"]["hedges"]
    return any(h in words if " " not in h else h in clause for h in hedges)


def _without_idioms(text: str) -> str:
    """The text with set phrases blanked (same length, so positions hold)."""
    return rx("|".join(f"(?:{p})" for p in data()["claim_context"]["idioms"])).sub(lambda m: " " * len(m.group(0)), text)


def cited(text: str, block: Block) -> bool:
    """A citation in the sentence itself: a linked source named in it, a marker, author-year, DOI or PMID."""
    if any_of(data()["citation"]["patterns"]).search(text) or block.footnote_refs:
        return True
    return any(link.is_external and link.text and link.text in text for link in block.links)


@rule("TR008", "undisclosed-promotion", "trust", "warning")
def undisclosed_promotion(post: Post, opts: Options) -> Iterable[Hit]:
    """The post promotes the clinic's own treatment ("our ketamine infusions") without disclosing that interest.

    A treatment named after a negation ("we do not offer acupuncture") is not promoted.

    Why: the JAMA disclosure benchmark, HONcode 7–8 and ACOG opinion 510 ask that commercial interest be
    stated; the FTC treats undisclosed material connections as deceptive.
    Fix: add a disclosure: "Our clinic offers the treatments described in this article."
    Bad:
        # Ketamine for nerve pain

        Our ketamine infusions can ease nerve pain for some patients.
    Good:
        # Ketamine for nerve pain

        Our ketamine infusions can ease nerve pain for some patients.

        Disclosure: our clinic provides the treatments described in this article.
    """
    treatment = any_of(data()["treatments"]["words"])
    own = rx(data()["disclosure"]["self_reference"])
    for line, text, _block in units_matching(post, treatment):
        # "we do not offer acupuncture" says what the clinic does not sell: not a promotion
        match = next((m for m in treatment.finditer(text) if not negated(text, m.start())), None)
        if match and own.search(text):
            if mentions(post, data()["disclosure"]["phrases"]):  # looked for only once a promotion is found
                return
            yield Hit(line, f"promotes the clinic's own {match.group(0).lower()} without a disclosure", excerpt=text,
                      key="undisclosed-promotion", suggestion="State that the clinic offers the treatment it describes.")
            return


def _claims(post: Post, severity: str) -> Iterator[Hit]:
    claims = [c for c in data()["claims"] if c["severity"] == severity]
    anything = any_of([c["pattern"] for c in claims])  # one pass rules out most sentences
    for line, text, block in units_matching(post, anything):
        if text.rstrip().endswith("?") or not anything.search(text):
            continue  # a question asks, it does not claim
        plain = _without_idioms(text)
        for claim in claims:
            for match in rx(claim["pattern"]).finditer(plain):
                if negated(plain, match.start()) or denied_or_hedged(plain, match.start()) \
                        or (claim["citable"] and cited(text, block)):
                    continue
                yield Hit(line, f"'{match.group(0)}': {claim['reason']}", excerpt=text, key=f"{match.group(0).lower()} {text}",
                          suggestion="Remove the claim, or qualify it and cite the evidence in the same sentence.")
                break


@rule("TR009", "unsubstantiated-claim", "trust", "warning")
def unsubstantiated_claim(post: Post, opts: Options) -> Iterable[Hit]:
    """Absolute claims: "cure", "guaranteed", "100% effective", "no side effects", "risk-free", "clinically proven".

    Why: the FTC Health Products Compliance Guidance requires competent and reliable scientific evidence
    (generally randomized controlled trials) for health claims and forbids hiding risks; the AMA code bars
    advertising that creates unjustified expectations.  Negations ("there is no cure") and questions are skipped;
    "cure" and "clinically proven" pass when the same sentence cites its evidence.
    Fix: say what the evidence shows ("helped about half of the people in a 2023 trial [1]") and name the risks.
    Bad:
        # Ketamine

        Ketamine infusions are guaranteed to end your pain.
    Good:
        # Ketamine

        There is no cure for nerve pain, but ketamine infusions help some people.
    """
    yield from _claims(post, "error")


@rule("TR010", "hype-claim", "trust", "warning")
def hype_claim(post: Post, opts: Options) -> Iterable[Hit]:
    """Hype wording the FDA lists as health-fraud tip-offs: "miracle", "breakthrough", "quick fix", "instant relief".

    Why: the FDA's health-fraud tip-offs and the AMA code: such words raise expectations the treatment cannot meet.
    Fix: describe what the treatment does and for whom, in plain, measured words.
    Bad:
        # Ketamine

        For many patients, ketamine is a miracle.
    Good:
        # Ketamine

        For some patients, ketamine eases pain for a few weeks.
    """
    yield from _claims(post, "warning")


@rule("TR011", "treatment-without-risks", "trust", "warning",
      options=[Option("min-mentions", int, 2, "Mentions that make a treatment the post's subject.")])
def treatment_without_risks(post: Post, opts: Options) -> Iterable[Hit]:
    """A treatment is promoted but its risks and side effects are never mentioned.

    Why: DISCERN question 11 (does it describe the risks of each treatment?) and the FTC's duty to disclose
    serious risks clearly; the AMA code calls omission of material information misleading.
    Fix: add a section on risks and side effects, and on who should not have the treatment.
    Bad:
        # Ketamine for nerve pain

        Ketamine can ease nerve pain. Many patients try ketamine after other drugs fail.
    Good:
        # Ketamine for nerve pain

        Ketamine can ease nerve pain. Ketamine has side effects, such as nausea and raised blood pressure.
    """
    treatment = any_of(data()["treatments"]["words"])
    risk = any_of(data()["treatments"]["risks"])
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for line, text, _block in units_matching(post, risk):
        for match in risk.finditer(text):
            if not negated(text, match.start()) and not text[match.end():].startswith("-free"):
                return
    for line, text, _block in units_matching(post, treatment):
        for match in treatment.finditer(text):
            name = match.group(0).lower()
            counts[name] += 1
            first.setdefault(name, line)
    if counts:
        name, mentions = counts.most_common(1)[0]
        if mentions >= opts.min_mentions:
            yield Hit(first[name], f"{name} is mentioned {mentions} times but no risks or side effects are described",
                      value=mentions, key=f"treatment {name}",
                      suggestion=f"Describe the risks and side effects of {name}, and who should not have it.")


@rule("TR012", "missing-crisis-resources", "trust", "warning",
      options=[Option("locale", str, "auto", "Which crisis resources to expect (US, CA, GB, AU, ES, MX); auto: "
                      "from the post's language (English US, Spanish ES).",
                      choices=("auto", *data()["crisis"]["locales"]))])
def missing_crisis_resources(post: Post, opts: Options) -> Iterable[Hit]:
    """A mental-health topic (depression, suicide, self-harm, PTSD) with no crisis resource such as 988.

    Why: the 988 Suicide & Crisis Lifeline, reportingonsuicide.org and the Action Alliance messaging framework ask
    that content reaching people at risk include where to get help now; ketamine-for-depression posts reach them.
    Fix: add a crisis line for your readers' country (US: call or text 988; call 911 in an emergency).
    Bad:
        # Ketamine for depression

        Ketamine may help depression that other drugs did not.
    Good:
        # Ketamine for depression

        Ketamine may help depression that other drugs did not.

        If you are thinking about suicide, call or text 988 to reach the Suicide & Crisis Lifeline.
    """
    crisis = data()["crisis"]
    locales = crisis["locales"]
    locale = opts.locale.upper()
    if locale == "AUTO":
        locale = crisis["locale_by_language"].get(post.language, "US")
    if locale not in locales:
        raise ValueError(f"option 'locale' must be auto or one of {', '.join(locales)}, got {opts.locale!r}")
    resources = locales[locale]
    trigger = any_of(crisis["triggers"])
    found = [(line, text, match) for line, text in lines_matching(post, trigger) for match in trigger.finditer(text)]
    in_outline = any(trigger.search(text) for text in (post.title, *(h.plain for h in post.headings)))
    # Mentions count by line: one teaser line naming "postpartum depression" three times is one mention.
    if not found or not (in_outline or len({line for line, _, _ in found}) >= crisis["min_mentions"]):
        return
    if mentions(post, resources["resources"]) or _links_to_crisis_help(post, any_of(crisis["resource_links"])):
        return
    line, text, match = found[0]
    yield Hit(line, f"mentions '{match.group(0)}' but gives no crisis resource", excerpt=text,
              key="missing-crisis-resources", suggestion=resources["suggestion"])


def _links_to_crisis_help(post: Post, pattern: re.Pattern[str]) -> bool:
    """A link to a crisis or suicide-prevention page (by its address or its text) is a crisis resource."""
    return any(pattern.search(link.href) or pattern.search(link.text) for link in post.links)


@lru_cache(maxsize=1)
def _story_patterns() -> list[re.Pattern[str]]:
    privacy = data()["privacy"]
    name = r"(?:(?:Mr|Mrs|Ms|Miss)\.?\s+)?[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+"
    verbs = "|".join(privacy["story_verbs"])
    return [
        re.compile(rf"\b({name}),\s(?:a\s|an\s)?\d{{1,3}}(?:,|\s(?:years? old|year-old|-year-old))"),
        re.compile(rf"\b({name})\s\(\d{{1,3}}\)"),
        re.compile(rf"\b\d{{1,3}}-year-old\s({name})\b"),
        re.compile(rf"\b({name}),?\s(?:who\s)?(?:{verbs})", re.UNICODE),
    ]


# A name after "Dr." is a clinician, not a patient.
_TITLED = re.compile(r"\b(?:Dr|Dra|Prof)\.?\s*$")


@rule("TR013", "identifiable-patient", "trust", "warning")
def identifiable_patient(post: Post, opts: Options) -> Iterable[Hit]:
    """A case story names a person next to an age, a condition or a date ("Maria, 54, came to us with…").

    Why: under HIPAA (45 CFR 164.508) an identifiable patient story used in marketing needs the patient's
    written authorization; the FTC Endorsement Guides treat outcome stories as claims of typical results.
    Fix: confirm written consent is on file, or de-identify: no name, a broad age range, no dates.
    Bad:
        # Nerve pain

        Maria, 54, came to us with burning pain in her feet.
    Good:
        # Nerve pain

        One of our patients, a woman in her fifties, had burning pain in her feet.
    """
    not_names = set(data()["privacy"]["not_names"])
    for line, text, block in units_matching(post, *_story_patterns()):
        if block.kind == HEADING:
            continue
        for pattern in _story_patterns():
            match = pattern.search(text)
            if match and match.group(1).split()[-1] not in not_names and not _TITLED.search(text[: match.start(1)]):
                yield Hit(line, f"case story names '{match.group(1)}' with identifying details", excerpt=text,
                          key=f"patient {match.group(1)}", suggestion="Confirm written consent, or remove the name and exact details.")
                break


@rule("TR014", "clinic-nap-mismatch", "trust", "warning",
      options=[Option("clinic-name", str, "", "The clinic's name as it should be written."),
               Option("clinic-address", str, "", "The clinic's street address."),
               Option("clinic-phone", str, "", "The clinic's phone number.")])
def clinic_nap_mismatch(post: Post, opts: Options) -> Iterable[Hit]:
    """The clinic's name, address or phone in the post differs from the configured one.

    Why: local search (Google Business Profile) and patients rely on one consistent name, address and phone;
    a wrong number costs appointments.  Nothing is checked until the clinic's details are configured.
    Fix: write the clinic's name, address and phone exactly as configured.
    Example options: clinic-phone=555-010-2000
    Bad:
        # Book a visit

        Call us at 555-010-2999 to book a visit.
    Good:
        # Book a visit

        Call us at (555) 010-2000 to book a visit.
    """
    if not (opts.clinic_name or opts.clinic_phone or opts.clinic_address):
        return  # nothing configured to compare with
    nap = data()["nap"]
    context = any_of(nap["contact_context"] + ([re.escape(opts.clinic_name)] if opts.clinic_name else []))
    want_phone = re.sub(r"\D", "", opts.clinic_phone)[-10:]
    for line, text in text_lines(post):
        if want_phone and context.search(text):
            for match in rx(nap["phone"], 0).finditer(text):
                digits = re.sub(r"\D", "", match.group(0))[-10:]
                if digits != want_phone:
                    yield Hit(line, f"phone '{match.group(0)}' differs from the clinic's {opts.clinic_phone}",
                              excerpt=match.group(0), value=match.group(0), limit=opts.clinic_phone)
        if opts.clinic_address:
            for match in rx(nap["street"], 0).finditer(text):
                if _address_key(match.group(0)) != _address_key(opts.clinic_address)[: len(_address_key(match.group(0)))]:
                    yield Hit(line, f"address '{match.group(0)}' differs from the clinic's {opts.clinic_address}",
                              excerpt=match.group(0), value=match.group(0), limit=opts.clinic_address)
        if opts.clinic_name:
            variant = _name_variant(text, opts.clinic_name)
            if variant:
                yield Hit(line, f"clinic name written '{variant}' (configured: {opts.clinic_name})",
                          excerpt=variant, value=variant, limit=opts.clinic_name)


def _address_key(address: str) -> str:
    words = re.findall(r"\w+", address.lower())
    abbreviations = data()["nap"]["abbreviations"]
    return " ".join(abbreviations.get(w, w) for w in words)


def _name_variant(text: str, name: str) -> str | None:
    """The clinic's name written differently: same first word, then other capitalised words."""
    words = name.split()
    pattern = rx(rf"\b{re.escape(words[0])}(?:\s+[A-Z&][\w'’&-]*){{{max(0, len(words) - 1)}}}", 0)
    for match in pattern.finditer(text):
        found = re.sub(r"['’]s$", "", match.group(0))
        if _normal_name(found) != _normal_name(name):
            return found
    return None


def _normal_name(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.lower().replace("&", "and")))


@rule("TR015", "missing-booking-cta", "trust", "info")
def missing_booking_cta(post: Post, opts: Options) -> Iterable[Hit]:
    """No way to act on the post: no "book an appointment", "call us" or booking link.

    Why: the CDC Clear Communication Index asks for one clear action for the reader; for a clinic post that is
    usually how to get care.
    Fix: end with a call to action and a link: "Book an appointment" or "Call us at …".
    Bad:
        # Knee pain

        Knee pain is common after 50.
    Good:
        # Knee pain

        Knee pain is common after 50. [Book an appointment](/appointments) to talk about your options.
    """
    booking = data()["booking"]
    if not post.blocks or any(any_of(booking["hrefs"]).search(link.href) for link in post.links):
        return  # a link to the booking page is quicker to find than the phrases
    if mentions(post, booking["phrases"]):
        return
    yield Hit(post.blocks[-1].line, "no booking call to action", key="missing-booking-cta",
              suggestion="Add 'Book an appointment' or 'Call us at …' with a link.")


RULES = (
    undisclosed_promotion,
    unsubstantiated_claim,
    hype_claim,
    treatment_without_risks,
    missing_crisis_resources,
    identifiable_patient,
    clinic_nap_mismatch,
    missing_booking_cta,
)
