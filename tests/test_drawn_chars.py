"""The characters each font face draws: from the stylesheet's cascade for web pages, every one for PDFs."""

from __future__ import annotations

import pytest

from guidebuilder.config import load_project
from guidebuilder.fonts import BASE_CHARS
from guidebuilder.locales import facts_for
from guidebuilder.pagestyle import page_css, print_chars, web_chars
from guidebuilder.render import PageLinks, render_page, restyle
from guidebuilder.source import read_guide
from guidebuilder.translate import load_translation

REGULAR, BOLD, ITALIC, BOLD_ITALIC = (400, "normal"), (700, "normal"), (400, "italic"), (700, "italic")


def _page(body: str, css: str) -> str:
    return f"<!DOCTYPE html><html><head><title>Tĩtle</title><style>{css}</style></head><body>{body}</body></html>"


def _drawn(body: str, css: str = "") -> dict:
    """web_chars of a small page, without the characters every page gets (BASE_CHARS and digits)."""
    chars = web_chars(_page(body, css), facts_for("en"))
    return {face: found - BASE_CHARS for face, found in chars.items()}


def test_user_agent_faces_of_strong_em_headings_and_table_heads():
    drawn = _drawn("<p>ä<strong>ö</strong><em>ü</em><b>ß</b><i>é</i><strong><em>ñ</em></strong></p>"
                   "<h2>ç</h2><table><tr><th>ø</th><td>å</td></tr></table>")
    assert drawn[REGULAR] == set("äå")
    assert drawn[BOLD] == set("ößçø")
    assert drawn[ITALIC] == set("üé")
    assert drawn[BOLD_ITALIC] == set("ñ")


def test_the_stylesheet_decides_what_is_bold_or_italic():
    """A class made bold, a heading made regular, emphasis set upright: the faces follow the page's CSS."""
    drawn = _drawn('<p class="lead">ä</p><h2>ö</h2><p><em>ü</em><span class="slant">é</span></p>',
                   ".lead { font-weight: 600 } h2 { font-weight: 400 } em { font-style: normal } "
                   ".slant { font-style: oblique }")
    assert drawn[BOLD] == {"ä"}  # 600 draws with the 700 face
    assert drawn[REGULAR] == {"ö", "ü"}
    assert drawn[ITALIC] == {"é"}  # oblique draws with the italic face


def test_generated_text_is_drawn_in_its_own_face_and_line_breaks_draw_nothing():
    drawn = _drawn('<p class="note">ä<wbr>ö<br>ü</p>', '.note::before { content: "→ "; font-weight: 700 }')
    assert drawn[BOLD] == {"→"}
    assert drawn[REGULAR] == set("äöü")  # no ZERO WIDTH SPACE, no line feed
    assert not drawn[ITALIC] and not drawn[BOLD_ITALIC]


def test_head_and_style_text_is_not_drawn():
    drawn = _drawn("<p>ä</p>", "p { color: red } /* ǂ */")
    assert set().union(*drawn.values()) == {"ä"}  # not the title's ĩ, nor the stylesheet's ǂ


def test_locale_digits_go_to_the_upright_faces():
    chars = web_chars(_page("<p>x</p>", ""), facts_for("bn"))
    bengali = {chr(0x09E6 + d) for d in range(10)}
    assert bengali <= chars[REGULAR] and bengali <= chars[BOLD]
    assert not bengali & chars[ITALIC]


def test_print_chars_hold_every_character_of_the_text_and_the_locale_digits():
    chars = print_chars(_page("<p>ä<strong>ö</strong><em>ü</em></p>", "p { color: red } /* ǂ */"), facts_for("bn"))
    assert set("äöü") <= chars
    assert {chr(0x09E6 + d) for d in range(10)} <= chars
    assert "ǂ" not in chars and "ĩ" not in chars


@pytest.mark.parametrize(("target", "lang"), [("web", "bn"), ("print", "ur")])
def test_a_page_is_rendered_once_and_given_its_stylesheet_after(project, target, lang):
    """restyle on the page rendered without CSS gives exactly the page rendered with it."""
    proj = load_project(project)
    guide = read_guide(proj.root, "fixture")
    translation = load_translation(proj, "fixture", lang)
    facts, source = facts_for(lang, proj), facts_for("en", proj)
    css = page_css(proj, lang, "en", "", "letter", target)

    def render(stylesheet: str) -> str:
        return render_page(guide, translation, facts, source, target, stylesheet, PageLinks([]), notices=True)[0]

    assert restyle(render(""), css) == render(css)
    with pytest.raises(ValueError):
        restyle(render(css), css)


def _weights_in_feature_queries(css: str) -> list[str]:
    """Declarations of font weight or style inside @media rules with a feature query, e.g. (max-width: 30rem)."""
    import tinycss2

    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "media" or rule.content is None:
            continue
        if not any(token.type == "() block" for token in rule.prelude):
            continue
        for inner in tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True):
            if inner.type != "qualified-rule":
                continue
            for declaration in tinycss2.parse_blocks_contents(inner.content, skip_whitespace=True):
                if declaration.type == "declaration" and declaration.lower_name in ("font", "font-weight",
                                                                                    "font-style"):
                    found.append(f"{tinycss2.serialize(inner.prelude).strip()} {{ {declaration.lower_name} }}")
    return found


def test_no_weight_or_style_hides_in_a_media_feature_query(project):
    """WeasyPrint's cascade (web_chars) skips @media rules with feature queries: the stylesheets keep faces out."""
    from guidebuilder.render import jinja_env

    hidden = "@media (max-width: 30rem) { .x { font-weight: 700 } } @media print { .y { font-style: italic } }"
    assert _weights_in_feature_queries(hidden) == [".x { font-weight }"]
    proj = load_project(project)
    for lang in ("en", "ur"):
        assert _weights_in_feature_queries(page_css(proj, lang, "en", "", "letter", "web")) == []
    portal = jinja_env().get_template("portal.css.j2").render(stack="serif", accent=None)
    assert _weights_in_feature_queries(portal) == []
