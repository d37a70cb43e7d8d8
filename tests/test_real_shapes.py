"""Posts shaped as real sites write them: HTML5 pages, site chrome, raw HTML in Markdown, TOML/JSON front
matter, Word drafts and exports, undeclared languages, files that are not posts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from clinic_audit.engine import audit_post
from clinic_audit.model import HEADING, LIST, PARAGRAPH
from conftest import FIXTURES, isolated_config, make_post

EQUIVALENT = FIXTURES / "equivalent"


def outline(post) -> list[tuple]:
    """What a reader sees: headings with levels, paragraphs' text, lists' items, links."""
    out = []
    for block in post.blocks:
        if block.kind == HEADING:
            out.append(("h", block.level, block.plain))
        elif block.kind == LIST:
            out.append(("list", tuple(item.plain for item in block.items)))
        elif block.plain:
            out.append((block.kind, block.plain))
    return out


def headings(post) -> list[tuple[int, str]]:
    return [(b.level, b.plain) for b in post.blocks if b.kind == HEADING]


# --- HTML as a browser builds it ---------------------------------------------------------------

def test_article_in_sections_with_no_body_tag_and_no_closed_head_is_read() -> None:
    page = ("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n<title>Knee pain</title>\n"
            "<section>\n<h1>Knee pain</h1>\n<p>Knee pain often settles with rest and gentle exercise.</p>\n"
            "</section>\n<section>\n<h2>When to see us</h2>\n<p>Come in if it lasts a week.</p>\n</section>\n</html>\n")
    post = make_post(page, "html", "page.html")
    assert headings(post) == [(1, "Knee pain"), (2, "When to see us")]
    assert [b.line for b in post.blocks] == [7, 8, 11, 12]


def test_text_after_the_closing_body_and_html_tags_is_kept() -> None:
    page = "<html><body><p>First paragraph here.</p></body>\n<p>After the body.</p></html>\n<p>After html.</p>"
    assert [b.plain for b in make_post(page, "html", "p.html").blocks] == [
        "First paragraph here.", "After the body.", "After html."]


def test_an_html5_block_closes_an_open_paragraph() -> None:
    page = "<body><p>Intro text<section><h2>Causes</h2><p>Overuse.</p></section></body>"
    post = make_post(page, "html", "p.html")
    assert outline(post) == [("paragraph", "Intro text"), ("h", 2, "Causes"), ("paragraph", "Overuse.")]


def test_stray_closing_p_and_misnested_inline_tags_keep_every_word() -> None:
    page = "<body><main><h1>T</h1><p>a <b>bold <i>word</b> here</i></p></p><p>next one</p></main></body>"
    post = make_post(page, "html", "p.html")
    assert outline(post) == [("h", 1, "T"), ("paragraph", "a bold word here"), ("paragraph", "next one")]


def test_site_chrome_is_dropped_when_the_page_has_no_article_or_main() -> None:
    page = ("<html><body>\n<header><p>Call us today on 0100 000 000 for a visit.</p></header>\n"
            "<div class='cookie-banner'>We use cookies to improve the site.</div>\n"
            "<section><h1>Shin splints</h1><p>Shin splints are pain along the shin bone after running.</p></section>\n"
            "<aside><h2>Recent posts</h2><p>Our new clinic opens soon.</p></aside>\n"
            "<footer><p>This site does not give medical advice.</p></footer>\n</body></html>")
    post = make_post(page, "html", "p.html")
    assert outline(post) == [("h", 1, "Shin splints"),
                             ("paragraph", "Shin splints are pain along the shin bone after running.")]
    assert post.meta["content"]["element"] == "body"
    assert {"header", "aside", "footer"} <= {reason.split()[0] for reason in post.meta["content"]["dropped"]}


def test_a_header_inside_the_article_keeps_the_title_and_byline() -> None:
    page = ("<body><header>Site name</header><article><header><h1>Gout</h1><p>By Dr Ana Ruiz</p></header>"
            "<p>Gout is a painful swelling of a joint.</p></article></body>")
    assert [b.plain for b in make_post(page, "html", "p.html").blocks] == [
        "Gout", "By Dr Ana Ruiz", "Gout is a painful swelling of a joint."]


def test_related_post_cards_are_not_taken_for_the_article() -> None:
    long = "Plantar fasciitis is pain under the heel that is worst with the first steps of the morning. " * 8
    page = (f"<body><main><h1>Heel pain</h1><p>{long}</p>"
            "<div class='related-posts'><article><h3>Knee pain</h3><p>Read about knees.</p></article>"
            "<article><h3>Hip pain</h3><p>Read about hips.</p></article></div></main></body>")
    post = make_post(page, "html", "p.html")
    assert headings(post) == [(1, "Heel pain")]


def test_the_json_names_the_audited_element(cli, tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html lang='en'><body><nav>Home</nav><main><h1>Gout</h1><p>Gout is a painful swelling of a "
                    "joint, often the big toe.</p></main></body></html>", encoding="utf-8")
    data = json.loads(cli("check", str(page), "--isolated", "-f", "json", "--fail-on", "never").output)
    assert data["posts"][0]["document"]["content"]["element"] == "main"


# --- Markdown with raw HTML ---------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.stem for p in EQUIVALENT.glob("*.md")))
def test_markdown_with_raw_html_reads_like_the_rendered_page(name: str) -> None:
    md = make_post((EQUIVALENT / f"{name}.md").read_text(encoding="utf-8"), "markdown", f"{name}.md")
    page = make_post((EQUIVALENT / f"{name}.html").read_text(encoding="utf-8"), "html", f"{name}.html")
    assert [("h", 1, md.title)] + outline(md) == outline(page)
    assert [(l.href, l.text) for l in md.links] == [(l.href, l.text) for l in page.links]
    config = isolated_config()

    def findings(post) -> set[str]:
        return {f.rule for f in audit_post(post, config).findings if f.family in ("headings", "sections", "citations",
                                                                                    "readability")}
    assert findings(md) == findings(page)
    assert "HD003" in findings(md)  # the <h4> under an <h2> is a skipped level in both


def test_raw_html_blocks_keep_their_source_lines() -> None:
    post = make_post("---\ntitle: T\n---\nIntro text here.\n\n<h3>Step one</h3>\n\n<ul>\n<li>first</li>\n"
                     "<li>second</li>\n</ul>\n")
    heading = next(b for b in post.blocks if b.kind == HEADING)
    items = next(b for b in post.blocks if b.kind == LIST).items
    assert (heading.line, [i.line for i in items]) == (6, [9, 10])


def test_inline_html_links_and_images_count() -> None:
    post = make_post('Book on our <a href="/appointments">appointments page</a> or call.\n\n'
                     'A photo: <img src="knee.jpg" alt="a swollen knee">\n')
    assert [(l.href, l.text) for l in post.links] == [("/appointments", "appointments page")]
    assert [(i.src, i.alt) for i in post.images] == [("knee.jpg", "a swollen knee")]


# --- Front matter -------------------------------------------------------------------------------

def test_toml_front_matter_is_read_as_metadata() -> None:
    post = make_post('+++\ntitle = "Ansiedad"\ndate = 2024-03-01\n[thumbnail]\nsrc = "a.jpg"\n+++\n\n'
                     "La ansiedad es una respuesta normal del cuerpo ante el peligro.\n")
    assert (post.title, post.meta["date"], post.meta["thumbnail"]) == ("Ansiedad", "2024-03-01", {"src": "a.jpg"})
    assert [b.plain for b in post.blocks] == ["La ansiedad es una respuesta normal del cuerpo ante el peligro."]
    assert post.title_line == 2


def test_json_front_matter_is_read_as_metadata() -> None:
    post = make_post('{\n  "title": "Knee care",\n  "lang": "en"\n}\n\nKnee pain is common.\n')
    assert post.title == "Knee care" and [b.line for b in post.blocks] == [6]


# --- Word drafts and exports --------------------------------------------------------------------

def _docx(tmp_path: Path) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Knee pain after running", 0)
    document.add_paragraph("Knee pain is common in runners, and it often settles with rest and exercise.")
    document.add_heading("Causes", 1)
    document.add_paragraph("Common causes include:")
    document.add_paragraph("Weak hip muscles", style="List Bullet")
    document.add_paragraph("Running too far too soon", style="List Bullet")
    run = document.add_paragraph().add_run("When to see us")
    run.bold = True
    document.add_paragraph("See a physiotherapist if the pain lasts more than a week.")
    path = tmp_path / "draft.docx"
    document.save(path)
    return path


def test_a_word_draft_is_audited_with_paragraph_numbers(cli, tmp_path: Path) -> None:
    path = _docx(tmp_path)
    data = json.loads(cli("check", str(tmp_path), "--isolated", "-f", "json", "--fail-on", "never").output)
    post = data["posts"][0]
    assert post["format"] == "docx" and post["document"]["positions"] == "paragraphs"
    blocks = post["document"]["blocks"]
    assert [(b["kind"], b.get("level")) for b in blocks[:3]] == [("heading", 1), ("paragraph", None), ("heading", 2)]
    assert blocks[4]["items"] and [i["text"] for i in blocks[4]["items"]] == ["Weak hip muscles",
                                                                              "Running too far too soon"]
    rules = {(f["name"], f["line"]) for f in post["findings"]}
    assert ("bold-paragraph-as-heading", 7) in rules  # the 7th paragraph of the document
    assert not any(name == "list-lead-in-without-list" for name, _ in rules)
    assert path.exists()


def test_a_broken_docx_is_one_clear_error(cli, tmp_path: Path) -> None:
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    result = cli("check", str(tmp_path / "broken.docx"), "--isolated")
    assert result.exit_code == 2 and "not a Word .docx file" in result.output


def test_word_web_page_lists_are_lists() -> None:
    page = ("<html><body lang=ES-ES><div class=WordSection1><p class=MsoNormal>Los síntomas más comunes son:</p>\n"
            "<p class=MsoListParagraphCxSpFirst><span style='mso-list:Ignore'>·<span>&nbsp;</span></span>"
            "Dolor de cabeza</p>\n<p class=MsoListParagraphCxSpLast><span style='mso-list:Ignore'>·</span>"
            "Cansancio</p>\n<p class=MsoNormal>Si los síntomas duran más de una semana, pide cita con nosotros.</p>"
            "</div></body></html>")
    post = make_post(page, "html", "word.htm")
    assert outline(post)[1] == ("list", ("Dolor de cabeza", "Cansancio"))
    assert (post.language, post.language_source) == ("es", "declared")


def test_a_one_line_export_positions_findings_by_block() -> None:
    body = "".join(f"<h2>Part {n}</h2><p>{'Rest the joint and keep it moving gently. ' * 6}</p>" for n in range(12))
    post = make_post(f"<html><body>{body}</body></html>", "html", "gdocs.html")
    assert post.meta["positions"] == "blocks"
    assert len({b.line for b in post.blocks}) == len(post.blocks)


# --- Plain text out of a CMS --------------------------------------------------------------------

def test_short_lines_after_a_lead_in_are_a_list_not_headings() -> None:
    text = ("Why Knees Hurt\n\nKnee pain has many causes, and most of them get better with care.\n\n"
            "These factors include:\n\nAge\n\nWeight\n\nOld injuries\n\nTreatment usually starts with exercise.\n")
    post = make_post(text, "text", "k.txt")
    assert [b.kind for b in post.blocks] == [HEADING, PARAGRAPH, PARAGRAPH, LIST, PARAGRAPH]
    assert [i.plain for i in post.blocks[3].items] == ["Age", "Weight", "Old injuries"]


def test_button_labels_are_not_headings() -> None:
    text = ("Gum Disease\n\nGum disease starts with red, swollen gums that bleed when you brush.\n\nRead more\n\n"
            "Saber más\n\nDownload PDF\n")
    post = make_post(text, "text", "g.txt")
    assert headings(post) == [(1, "Gum Disease")]


def test_blocks_a_cms_copy_glued_together_are_paragraphs_again_and_glued_buttons_go() -> None:
    text = ("Gum Disease\n\nGum disease starts with red gums.It can be stopped early.Shop Mouthwash Now\n\n"
            "Floss once a day.Did our information help you?Tell us what you think.Subscribe\n\n"
            "--- SOURCES ---\n\n- Dental guide, 2020.\n")
    post = make_post(text, "text", "g.txt")
    assert outline(post) == [("h", 1, "Gum Disease"), ("paragraph", "Gum disease starts with red gums."),
                             ("paragraph", "It can be stopped early."), ("paragraph", "Floss once a day."),
                             ("h", 2, "SOURCES"), ("list", ("Dental guide, 2020.",))]
    assert post.reference_blocks


def test_a_footer_phrase_inside_a_sentence_of_the_post_cuts_nothing() -> None:
    text = ("Gum Disease\n\nGum disease starts with red gums that bleed when you brush.\n"
            "Please share your feedback with your dentist at every visit.\nFloss once a day.\n")
    post = make_post(text, "text", "g.txt")
    assert [b.plain for b in post.blocks][-2:] == ["Please share your feedback with your dentist at every visit.",
                                                   "Floss once a day."]


def test_a_fact_box_copied_flat_is_a_list_of_its_cells_not_prose() -> None:
    text = ("Gum Disease\n\nGum disease starts with red gums that bleed when you brush.\n"
            "KEY FACTS\nKey FactsUsually seen inAdultsGender affectedBoth men and womenPrevalenceWorldwide: 20%\n")
    post = make_post(text, "text", "g.txt")
    box = post.blocks[-1]
    assert box.kind == LIST
    assert [i.plain for i in box.items] == ["Usually seen in", "Adults", "Gender affected", "Both men and women",
                                            "Prevalence", "Worldwide: 20%"]


@pytest.mark.parametrize("name, text", [
    ("robots.txt", "User-agent: *\nDisallow: /wp-admin/\nSitemap: https://example.org/sitemap.xml\n"),
    ("deps.txt", "requests==2.31.0\nclick>=8.1\nlxml~=5.0\n"),
    ("settings.txt", "title = Clinic\nport = 8080\ntheme = dark\n"),
])
def test_files_that_are_not_posts_are_skipped_with_a_notice(cli, tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = cli("check", str(tmp_path / name), "--isolated")
    assert result.exit_code == 0 and "skipped" in result.output and "promises a list" not in result.output


# --- No body, nothing audited -------------------------------------------------------------------

def test_a_post_with_no_body_text_is_never_scored(cli, tmp_path: Path) -> None:
    (tmp_path / "only-front-matter.md").write_text("---\ntitle: Hip pain\nsummary: " + "word " * 30 + "\n---\n",
                                                   encoding="utf-8")
    cli("check", str(tmp_path), "--isolated", "-f", "json", "-o", str(tmp_path / "out.json"))
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["posts"] == []
    assert data["errors"][0]["skipped"] and "front-matter field summary" in data["errors"][0]["message"]


def test_a_folder_that_audits_nothing_says_why_and_fails(cli, tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = cli("check", str(tmp_path), "--isolated")
    assert result.exit_code == 2 and "no post was audited" in result.output and ".pdf" in result.output


# --- Language -----------------------------------------------------------------------------------

def test_undeclared_spanish_is_detected_and_gets_spanish_formulas() -> None:
    text = ("# Dolor de espalda\n\nEl dolor de espalda es muy común y casi siempre mejora en pocas semanas. "
            "Lo mejor es seguir activo y evitar el reposo en cama, porque el movimiento ayuda a la espalda.\n")
    post = make_post(text)
    assert (post.language, post.language_source) == ("es", "detected")
    codes = {f.rule for f in audit_post(post, isolated_config()).findings}
    assert not codes & {"RD001", "RD002", "RD006", "RD008"}


def test_a_declared_language_wins_over_detection() -> None:
    post = make_post("---\nlang: en\n---\nEl dolor de espalda es muy común y casi siempre mejora.\n")
    assert (post.language, post.language_source) == ("en", "declared")


def test_german_is_audited_with_neutral_checks_only() -> None:
    text = ("# Zahnreinigung\n\nDie professionelle Zahnreinigung entfernt Beläge, die sich mit der Zeit auf den "
            "Zähnen bilden. Wir empfehlen sie zweimal im Jahr, weil sie das Zahnfleisch gesund hält.\n")
    post = make_post(text)
    families = {f.family for f in audit_post(post, isolated_config()).findings}
    assert post.language == "de" and families <= {"headings", "sections", "seo", "readability"}
    assert "RD012" in {f.rule for f in audit_post(post, isolated_config()).findings}


@pytest.mark.parametrize("value", ["fr", "english-ish", "zz"])
def test_an_unsupported_language_setting_exits_2_naming_the_supported_ones(cli, tmp_path: Path, value: str) -> None:
    (tmp_path / "a.md").write_text("# A\n\nSome text here for the post.\n", encoding="utf-8")
    result = cli("check", str(tmp_path / "a.md"), "--isolated", "--lang", value)
    assert result.exit_code == 2 and "supported: en, es" in result.output


def test_language_names_are_accepted(cli, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\nSome text here for the post.\n", encoding="utf-8")
    data = json.loads(cli("check", str(tmp_path / "a.md"), "--isolated", "--lang", "Spanish", "-f", "json",
                          "--fail-on", "never").output)
    assert (data["posts"][0]["language"], data["posts"][0]["language_source"]) == ("es", "configured")


def test_each_line_of_a_cms_copy_is_its_own_paragraph_unless_it_wraps() -> None:
    text = ("Key Facts\n\nUsually seen in adults over forty.\nGender affected: both men and women\n"
            "Body parts involved: shoulder\nthe joint and its capsule.\n")
    post = make_post(text, "text", "facts.txt")
    assert [b.plain for b in post.blocks[1:]] == ["Usually seen in adults over forty.",
                                                  "Gender affected: both men and women",
                                                  "Body parts involved: shoulder the joint and its capsule."]


def test_capital_headings_inside_a_cms_copy_are_headings_once() -> None:
    text = ("CORNS\n\nOVERVIEW\nOverview\nCorns are hard patches of skin that form where shoes rub.\n"
            "SYMPTOMS OF CORNS\nSymptoms of corns\nA corn hurts when you press on it.\n\nClick to shop for corn caps\n")
    post = make_post(text, "text", "corns.txt")
    assert headings(post) == [(1, "CORNS"), (2, "OVERVIEW"), (2, "SYMPTOMS OF CORNS")]


def test_an_html_list_item_holding_markdown_is_not_empty() -> None:
    post = make_post("# Help\n\n<ul>\n<li>\n\nCall the clinic if the pain is worse.\n\n</li>\n</ul>\n")
    assert not any(b.kind == LIST and not all(i.plain for i in b.items) for b in post.blocks)
    assert any(b.plain == "Call the clinic if the pain is worse." for b in post.blocks)


def test_title_case_headings_under_capital_ones_are_their_subsections() -> None:
    text = ("Corns\n\nCorns are hard patches of skin that form where shoes rub.\n\nCAUSES OF CORNS\n\n"
            "Tight shoes\n\nShoes that squeeze the toes press on the same spot all day.\n")
    post = make_post(text, "text", "corns.txt")
    assert headings(post) == [(1, "Corns"), (2, "CAUSES OF CORNS"), (3, "Tight shoes")]
    assert "SC001" not in {f.rule for f in audit_post(post, isolated_config(select=["SC001"])).findings}


def test_numbered_lines_each_before_their_prose_are_subheadings() -> None:
    text = ("Eye Strain\n\nEye strain is tiredness of the eyes after long use.\n\nCAUSES\n"
            "1. Screens\nLooking at a screen for hours makes you blink less, so the eyes dry out.\n"
            "2. Poor light\nReading in dim light makes the eye muscles work harder than they should.\n")
    post = make_post(text, "text", "eyes.txt")
    assert headings(post) == [(1, "Eye Strain"), (2, "CAUSES"), (3, "1. Screens"), (3, "2. Poor light")]


def test_a_page_builder_body_on_one_line_is_positioned_by_block() -> None:
    body = "".join(f"<h2>Part {n}</h2><p>{'Rest the joint and keep it moving. ' * 8}</p>" for n in range(10))
    page = "<html>\n<head>\n<title>T</title>\n</head>\n<body>\n" + body + "\n</body>\n</html>\n"
    post = make_post(page, "html", "builder.html")
    assert post.meta["positions"] == "blocks" and len({b.line for b in post.blocks}) == len(post.blocks)
    assert "HD007" not in {f.rule for f in audit_post(post, isolated_config(select=["HD007"])).findings}


def test_a_tagline_heading_above_the_title_is_not_an_empty_section() -> None:
    page = ("<body><main><h4>CITY CENTRE CHIROPRACTORS</h4><h1>Back pain</h1><p>Back pain is common and "
            "usually gets better.</p></main></body>")
    post = make_post(page, "html", "p.html")
    assert "SC001" not in {f.rule for f in audit_post(post, isolated_config(select=["SC001"])).findings}


def test_numbered_capital_headings_and_their_repeats_are_one_subsection() -> None:
    text = ("Depression\n\nDepression is common and treatable.\n\nTREATMENT\nTreatment\n\n"
            "1. MEDICAL THERAPY\n1. Medical therapy\n\nMedicines can lift mood over a few weeks of regular use.\n")
    post = make_post(text, "text", "d.txt")
    assert headings(post) == [(1, "Depression"), (2, "TREATMENT"), (3, "1. MEDICAL THERAPY")]


def test_a_bold_label_on_its_own_line_is_read_as_a_heading_like_line() -> None:
    post = make_post("# Yoga for sleep\n\nSome gentle poses help.\n\n**1) Easy forward bend**\nBreathe in slowly and "
                     "raise the arms.\n")
    assert [(b.plain, b.bold) for b in post.blocks[1:]] == [
        ("Some gentle poses help.", False), ("1) Easy forward bend", True), ("Breathe in slowly and raise the arms.", False)]
    assert post.blocks[3].line == 6


def test_a_capital_heading_followed_at_once_by_another_is_its_parent() -> None:
    text = ("CORNS\nCorns are hard skin where shoes rub, on the toes or the soles.\n\nTYPES OF CORNS\n\nHARD CORNS\n"
            "Hard corns form on the tops of the toes where shoes press.\n")
    post = make_post(text, "text", "corns.txt")
    assert headings(post) == [(1, "CORNS"), (2, "TYPES OF CORNS"), (3, "HARD CORNS")]
    assert "SC001" not in {f.rule for f in audit_post(post, isolated_config(select=["SC001"])).findings}


def test_a_teaser_line_above_its_button_is_a_link_card_not_a_heading() -> None:
    text = ("Gum Disease\n\nGum disease starts with red, swollen gums that bleed when you brush.\n\n"
            "5 Natural Ways To Fight Bad Breath\nClick Here\n\nTreatment\n\nA dental cleaning removes the plaque.\n")
    post = make_post(text, "text", "gums.txt")
    assert headings(post) == [(1, "Gum Disease"), (2, "Treatment")]


def test_elements_hidden_from_every_reader_are_not_read() -> None:
    page = ("<body><main><h1>Back pain</h1><p>Back pain is common and usually gets better.</p>"
            "<h2 class='elementor-hidden-desktop elementor-hidden-tablet elementor-hidden-mobile'>Neck Pain</h2>"
            "<h2 class='elementor-hidden-desktop'>Seen on phones</h2><p>Short text for phones.</p>"
            "<div style='display: none'><h2>Old section</h2></div></main></body>")
    assert headings(make_post(page, "html", "p.html")) == [(1, "Back pain"), (2, "Seen on phones")]


def test_hidden_on_some_screens_by_a_wrapper_and_the_rest_by_itself_is_never_shown() -> None:
    page = ("<body><main><h1>Back pain</h1><p>Back pain is common and usually gets better.</p>"
            "<section class='elementor-hidden-desktop elementor-hidden-tablet'><div><h2 class='elementor-hidden-mobile'>"
            "Neck Pain</h2></div></section></main></body>")
    assert headings(make_post(page, "html", "p.html")) == [(1, "Back pain")]


def test_the_text_output_says_a_word_drafts_lines_are_paragraphs(cli, tmp_path: Path) -> None:
    _docx(tmp_path)
    result = cli("check", str(tmp_path / "draft.docx"), "--isolated", "--fail-on", "never")
    assert "draft.docx (line numbers are the document's paragraphs)" in result.output
