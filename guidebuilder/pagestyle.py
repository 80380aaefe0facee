"""A page's stylesheet and the font faces it embeds: subsets of each face to the characters it draws.

Used by every output kind and the portal; the stylesheet itself is the
guide.css.j2 template.
"""

from __future__ import annotations

from pathlib import Path

from .config import Project
from .fonts import Face, FontFile, cmap, facts_families, font_stack, fonts_for, load_manifest, page_chars, subset_font
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


def drawn_chars(html: str, facts: LocaleFacts) -> dict[Face, set[str]]:
    """Characters a page draws per face, with the locale's digits (list markers and page numbers)."""
    chars = page_chars(html)
    digits = set(facts.digits("0123456789"))
    return {face: found | digits if face[1] == "normal" else found for face, found in chars.items()}


def subset_faces(project: Project, families: tuple[str, ...], chars: dict[Face, set[str]], flavor: str | None,
                  cache: Path, first_match: bool = False) -> list[tuple[FontFile, Path]]:
    """Subset every face of the families to the characters drawn in its weight and style.

    With first_match, a face gets only the characters no earlier family of the
    stack has, as a browser's per-character font matching would draw them. A
    family without an italic face draws italic text with its upright face
    (synthesized slant), so those characters go to the upright face.
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
        if flavor == "woff2" and font.web_bold_synthesized:
            if font.weight == 700:
                continue
            wanted = set().union(*chars.values())  # the regular face draws the bold text too
        if flavor is None:
            wanted = set().union(*chars.values())  # WeasyPrint subsets again; one file per face is enough
        path = subset_font(project, font, wanted, flavor, cache)
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
