"""A page's stylesheet and the font faces it embeds: subsets of each face to the characters it draws.

Used by every output kind and the portal; the stylesheet itself is the
guide.css.j2 template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .config import Project
from .fonts import (
    BASE_CHARS,
    FACES,
    UNDRAWN,
    Face,
    FontFile,
    cmap,
    facts_families,
    font_stack,
    fonts_for,
    load_manifest,
    page_text,
    subset_font,
)
from .locales import LocaleFacts, facts_for
from .render import jinja_env

# The stylesheet's colours (guide.css.j2); grayscale.TEXT_ON pairs the text colours with their backgrounds.
PALETTE = {"ink": "#1d1d1f", "muted": "#4a4a55", "accent": "#8a1c1c", "callout": "#fff4e5", "page": "#fff",
           "table_head": "#f3f1ec", "header": "#666"}

# The print page's CSS size and margins for each paper: the project's papers and the booklet's halves of them.
PAGE_SIZES = {"letter": ("letter", "22mm 20mm"), "a4": ("A4", "22mm 20mm"),
              "half-letter": ("5.5in 8.5in", "16mm 14mm"), "a5": ("A5", "16mm 14mm")}


def page_css(project: Project, lang: str, source_lang: str, faces: str, paper: str, target: str,
             grayscale: bool = False) -> str:
    """The page's stylesheet: WeasyPrint's paged media for print (on paper: PAGE_SIZES), browser CSS for the web.

    With grayscale, every colour is the gray a black-and-white copier prints it as.
    """
    facts = facts_for(lang, project)
    source = facts_for(source_lang, project)
    size, margin = PAGE_SIZES[paper]
    accent = project.brand_accent
    if grayscale and accent:
        from .grayscale import gray_hex

        accent = gray_hex(accent)  # a named colour too, which grayscale_css would not find
    css = jinja_env().get_template("guide.css.j2").render(
        facts=facts, source=source, font_faces=faces, paper=paper, target=target, page_size=size, page_margin=margin,
        font_stack=font_stack(facts_families(facts, source)), source_stack=font_stack(source.fonts),
        accent=accent, palette=PALETTE)
    if grayscale:
        from .grayscale import grayscale_css

        css = grayscale_css(css)
    return css


def print_chars(html: str, facts: LocaleFacts) -> set[str]:
    """Every character a print page draws, with the locale's digits (list markers and page numbers)."""
    return page_text(html) | set(facts.digits("0123456789"))


def print_faces(project: Project, families: tuple[str, ...], chars: set[str],
                cache: Path) -> list[tuple[FontFile, Path]]:
    """Every face of the families, subset to all of a PDF's characters.

    WeasyPrint, which lays the page out, subsets each face again to the glyphs it
    draws in it: one file per face with every character is all it needs.
    """
    out = []
    for font in fonts_for(load_manifest(project), families):
        path = subset_font(project, font, chars, None, cache)
        if path is not None:
            out.append((font, path))
    return out


# WeasyPrint's user-agent stylesheet draws these as generated text (a line feed, a ZERO WIDTH SPACE);
# browsers draw nothing.
LINE_BREAKS = {"br", "wbr"}


class _NoFonts:
    """The font configuration web_chars gives WeasyPrint's cascade instead of a new one per page.

    Its pages have no @font-face rules, and it reads only font-weight, font-style
    and content, none of which needs a font.
    """


def web_chars(html: str, facts: LocaleFacts) -> dict[Face, set[str]]:
    """Characters a web page draws in each face (weight, style), as its stylesheet's cascade sets them.

    html is the page with its stylesheet but no @font-face rules. WeasyPrint's CSS
    engine computes each element's style for the screen: what is bold or italic
    comes from the user agent's and the page's rules, not from a list of tags here.
    (It drops @media rules with a feature query, such as a width: the page's
    stylesheets set no weight or style in one; tests/test_drawn_chars.py checks.)
    A weight of 600 or more draws with the 700 face and an oblique style with the
    italic one (CSS font matching among 400 and 700 faces). Characters the
    stylesheet draws (BASE_CHARS) and the locale's digits go to the upright faces.
    Call it where WeasyPrint may load: after fonts.isolate_fontconfig, as a build's
    jobs do (executor.where_weasyprint_runs).
    """
    from .pdf import _weasyprint

    HTML = _weasyprint().HTML
    from weasyprint.css import get_all_computed_styles  # after _weasyprint(), which prepares the import

    document = HTML(string=html, media_type="screen")
    style_for = get_all_computed_styles(document, font_config=_NoFonts())
    chars: dict[Face, set[str]] = {face: set() for face in FACES}

    def face(style: Any) -> Face:
        return (700 if style["font_weight"] >= 600 else 400, "normal" if style["font_style"] == "normal" else "italic")

    stack = [document.etree_element]
    while stack:
        element = stack.pop()
        style = style_for(element) if isinstance(element.tag, str) else None
        if style is None or element.tag in UNDRAWN:
            continue
        drawn = chars[face(style)]
        drawn.update(element.text or "")
        for child in element:
            drawn.update(child.tail or "")
            stack.append(child)
        if element.tag in LINE_BREAKS:
            continue
        for pseudo in ("before", "after", "marker"):
            generated = style_for(element, pseudo)
            if generated is not None and isinstance(generated["content"], (list, tuple)):
                chars[face(generated)].update("".join(value for kind, value in generated["content"]
                                                      if kind == "string"))
    upright = BASE_CHARS | set(facts.digits("0123456789"))
    for weight in (400, 700):
        chars[(weight, "normal")] |= upright
    return chars


def web_faces(project: Project, families: tuple[str, ...], chars: dict[Face, set[str]], cache: Path,
              first_match: bool = False) -> list[tuple[FontFile, Path]]:
    """Web fonts (WOFF2) of every face of the families, each subset to the characters drawn in its weight and style.

    With first_match, a face gets only the characters no earlier family of the
    stack has, as a browser's per-character font matching would draw them. A
    family without an italic face draws italic text with its upright face
    (synthesized slant), so those characters go to the upright face. A face whose
    bold the browser synthesizes (FontFile.web_bold_synthesized) has no bold file:
    its regular file draws the bold text too.
    """
    manifest = load_manifest(project)
    out = []
    taken: dict[Face, set[str]] = {face: set() for face in chars}
    stack = fonts_for(manifest, families)
    styles = {(font.family, font.weight, font.style) for font in stack}
    for font in stack:
        face = (font.weight, font.style)
        wanted = set(chars.get(face, set()))
        if font.style == "normal" and (font.family, font.weight, "italic") not in styles:
            wanted |= chars.get((font.weight, "italic"), set())
        if first_match:
            covered = {c for c in wanted if ord(c) in cmap(project.fonts_dir / font.file)}
            wanted = covered - taken[face]
            taken[face] |= covered
        if font.web_bold_synthesized:
            if font.weight == 700:
                continue
            wanted = set().union(*chars.values())  # the regular face draws the bold text too
        path = subset_font(project, font, wanted, "woff2", cache)
        if path is not None:
            out.append((font, path))
    return out


def picker_fonts(project: Project, lang: str, published: list[str], families: tuple[str, ...],
                  cache: Path) -> tuple[list[tuple[FontFile, Path]], str]:
    """Web faces and CSS that draw each language's native name in the language picker in its own fonts.

    A name the page's own families cannot draw (বাংলা on an English page) gets the
    first family of its language's stack that has each character, subset to the
    names' characters only (a few KB). Every other language's link gets a rule on
    nav.languages [lang=xx] naming those families, then the page's stack: the page's
    subsets hold every character of the picker its families draw, while the source
    language's own stack may have none (a Korean page draws Latin with its CJK face).
    """
    manifest = load_manifest(project)
    wanted: dict[str, set[str]] = {}  # family -> characters of the names it draws
    stacks: dict[str, list[str]] = {}  # bcp47 -> families the name needs beyond the page's
    for code in published:
        facts = facts_for(code, project)
        if code == lang:
            continue
        stacks.setdefault(facts.bcp47, [])
        for char in facts.native_name:
            for family in facts.fonts:
                regular = [f for f in fonts_for(manifest, (family,)) if f.weight == 400]
                if regular and ord(char) in cmap(project.fonts_dir / regular[0].file):
                    if family not in families:
                        wanted.setdefault(family, set()).add(char)
                        if family not in stacks[facts.bcp47]:
                            stacks[facts.bcp47].append(family)
                    break
    faces = []
    for family, chars in sorted(wanted.items()):
        for font in fonts_for(manifest, (family,)):
            if font.weight == 400:
                path = subset_font(project, font, chars, "woff2", cache)
                if path is not None:
                    faces.append((font, path))
    rules = []
    for tag, stack in sorted(stacks.items()):
        value = ", ".join(filter(None, [font_stack(tuple(stack)), font_stack(families)]))
        rules.append(f'\nnav.languages [lang="{tag}"] {{ font-family: {value}; }}')
    return faces, "".join(rules)
