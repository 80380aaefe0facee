"""Import: Word documents into guides, and existing translations into catalogs."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import polib
import pytest

from guidebuilder.align import plain
from guidebuilder.importer import pandoc_path
from guidebuilder.source import Block, Guide, Message, read_guide

from conftest import ROOT, run_cli

SAMPLE = "responding-to-hate"


# --- helpers: a sample project, and a guide written out as a Word document -----------------------------------

def sample_project(target: Path) -> Path:
    """The repository's sample guide with its catalogs, fonts linked."""
    target.mkdir(parents=True)
    shutil.copy(ROOT / "guidebuilder.toml", target / "guidebuilder.toml")
    shutil.copytree(ROOT / "guides" / SAMPLE, target / "guides" / SAMPLE)
    (target / "locales").mkdir()
    shutil.copy(ROOT / "locales" / f"{SAMPLE}.pot", target / "locales")
    for lang in ("ko", "ur"):
        folder = target / "locales" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "locales" / lang / "LC_MESSAGES" / f"{SAMPLE}.po", folder)
    (target / "fonts").symlink_to(ROOT / "fonts")
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "fonts" not in p.parts}


def _markdown_of(message: Message, text: str) -> str:
    """A message (msgid or msgstr form) back to Markdown: [words]{n} -> [words](its address)."""
    return re.sub(r"\]\{(\d+)\}", lambda m: f"]({message.links[int(m.group(1)) - 1]})", text)


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _grid(lines: list[str]) -> str:
    """A one-cell pandoc grid table holding lines (a Word user's boxed note); pandoc counts wide letters twice."""
    width = max(_columns(line) for line in lines) + 2
    rule = "+" + "-" * width + "+"
    return "\n".join([rule, *[f"| {line}{' ' * (width - 2 - _columns(line))} |" for line in lines], rule])


def guide_markdown(guide: Guide, text_of, drop: set[int] = frozenset(), swap: tuple[int, int] | None = None) -> str:
    """The guide as pandoc Markdown, each message replaced by text_of(message); a callout as a one-cell table.

    drop leaves out the paragraphs of those source lines; swap exchanges the two list items of those lines.
    """
    out: list[str] = ["---"]
    for key, pandoc_key in (("title", "title"), ("subtitle", "subtitle"), ("summary", "abstract")):
        if key in guide.meta_messages:
            value = text_of(guide.meta_messages[key]).replace('"', '\\"')
            out.append(f'{pandoc_key}: "{value}"')
    out += [f"date: {guide.meta['date']}", "---", ""]

    def blocks(items: list[Block], indent: str = "") -> list[str]:
        lines: list[str] = []
        for block in items:
            message = block.message
            text = _markdown_of(message, text_of(message)) if message else ""
            if block.kind == "heading":
                lines += ["#" * block.attrs["level"] + " " + text, ""]
            elif block.kind == "paragraph":
                if message.line not in drop:
                    lines += [indent + text, ""]
            elif block.kind == "image":
                lines += [f"{indent}![{text}]({block.attrs['src']})", ""]
            elif block.kind == "list":
                children = list(block.children)
                lines_of = [c.message.line if c.message else 0 for c in children]
                if swap and swap[0] in lines_of and swap[1] in lines_of:
                    a, b = lines_of.index(swap[0]), lines_of.index(swap[1])
                    children[a], children[b] = children[b], children[a]
                for number, item in enumerate(children, start=block.attrs["start"]):
                    marker = f"{number}. " if block.attrs["ordered"] else "- "
                    item_text = _markdown_of(item.message, text_of(item.message))
                    lines.append(indent + marker + item_text)
                    inner = blocks(item.children, indent + " " * len(marker))
                    lines += [line for line in inner if line]
                lines.append("")
            elif block.kind == "table":
                def row(cells: list[Message | None]) -> str:
                    return "| " + " | ".join(_markdown_of(c, text_of(c)) if c else "" for c in cells) + " |"
                lines += [row(block.attrs["header"]), "|" + " --- |" * len(block.attrs["header"])]
                lines += [row(r) for r in block.attrs["rows"]] + [""]
            elif block.kind == "callout":
                inner = [f"**{text}**", ""] if message else []
                inner += blocks(block.children)
                while inner and not inner[-1]:
                    inner.pop()
                lines += [_grid(inner), ""]
        return lines

    out += blocks(guide.blocks)
    for label, body in guide.footnotes:
        notes = blocks(body)
        out.append(f"[^{label}]: {notes[0]}")
    return "\n".join(out) + "\n"


def shade_boxes(docx: Path) -> None:
    """Shade every one-cell table, as Word users draw a box around a note."""
    import docx as python_docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = python_docx.Document(str(docx))
    for table in document.tables:
        if len(table.rows) == 1 and len(table.columns) == 1:
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), "FCE4E4")
            table.cell(0, 0)._tc.get_or_add_tcPr().append(shading)
    document.save(str(docx))


def to_docx(markdown: str, out: Path, resource_dir: Path) -> Path:
    """pandoc Markdown to .docx (smart quotes off: the guide keeps straight quotes)."""
    source = out.with_suffix(".md")
    source.write_text(markdown, encoding="utf-8")
    subprocess.run([pandoc_path(), "--from", "markdown-smart", "--resource-path", str(resource_dir),
                    str(source), "-o", str(out)], check=True, capture_output=True)
    shade_boxes(out)
    return out


def msgids(project: Path, slug: str) -> list[tuple[str | None, str]]:
    result = run_cli("extract", "--guide", slug, cwd=project)
    assert result.code == 0, result.stderr
    return [(e.msgctxt, e.msgid) for e in polib.pofile(str(project / "locales" / f"{slug}.pot"))]


# --- 1. round trip -----------------------------------------------------------------------------------------------

def test_sample_guide_round_trips_through_word(tmp_path):
    project = sample_project(tmp_path / "project")
    guide = read_guide(project, SAMPLE)
    docx = to_docx(guide_markdown(guide, lambda m: m.text), tmp_path / "guide.docx", guide.abs_dir)

    result = run_cli("import", str(docx), "--slug", "imported", cwd=project)
    assert result.code == 0, result.stderr

    original = msgids(project, SAMPLE)
    imported = msgids(project, "imported")
    # organization, version, license and contact are not document properties pandoc writes.
    expected = [m for m in original if m[1] != guide.meta_messages["organization"].text]
    missing = [m for m in expected if m not in imported]
    extra = [m for m in imported if m not in expected]
    assert (missing, extra) == ([], []), f"differ: missing {missing}, extra {extra}"
    assert imported == expected  # same order too
    assert (project / "guides" / "imported" / "images").is_dir()
    text = (project / "guides" / "imported" / "guide.md").read_text()
    assert "::: callout Emergency numbers\n" in text
    assert "date: 2026-11-01" in text
    check = run_cli("check", "--guide", "imported", cwd=project)
    assert check.code == 0, check.stdout + check.stderr

    # A second import of a changed document updates guide.md in place and --diff shows the change.
    markdown = guide_markdown(guide, lambda m: m.text.replace("Hate can be frightening.", "Hate can be scary."))
    to_docx(markdown, tmp_path / "guide.docx", guide.abs_dir)
    (project / "guides" / "imported" / "guide.md").write_text(
        text.replace("---\n\n", 'license: "CC BY 4.0"\n---\n\n', 1))  # a field the author added by hand
    again = run_cli("import", str(docx), "--slug", "imported", "--diff", cwd=project)
    assert again.code == 0, again.stderr
    assert "-Hate can be frightening." in again.stdout and "+Hate can be scary." in again.stdout
    assert "guides/imported/guide.md: updated" in again.stdout
    updated = (project / "guides" / "imported" / "guide.md").read_text()
    assert 'license: "CC BY 4.0"' in updated and "Hate can be scary." in updated


# --- 2. a document written in Word ---------------------------------------------------------------------------

def _hyperlink(paragraph, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    label = OxmlElement("w:t")
    label.text = text
    run.append(label)
    link.append(run)
    paragraph._p.append(link)


def _png(width: int, height: int) -> io.BytesIO:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(out, "PNG")
    out.seek(0)
    return out


def _borders(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "8")
        borders.append(line)
    table._tbl.tblPr.append(borders)


def word_document(path: Path, *, headings: bool = True, big_image: bool = False) -> Path:
    """A .docx as staff write one in Word: styles, a picture with alt text, lists, a table, a link."""
    import docx as python_docx
    from docx.oxml import parse_xml
    from docx.shared import RGBColor

    document = python_docx.Document()
    document.core_properties.title = "Tenant Rights Basics"
    document.core_properties.modified = datetime.datetime(2026, 5, 4, 9, 30)
    if headings:
        document.add_heading("Before you sign", level=1)
    intro = document.add_paragraph("Read the whole lease. ")
    intro.add_run("Never").bold = True
    intro.add_run(" sign a blank form, and keep an ")
    intro.add_run("exact").italic = True
    intro.add_run(" copy. Learn more at ")
    _hyperlink(intro, "https://www.example.org/tenants", "our tenant page")
    intro.add_run(".")
    document.add_paragraph("Ask for the landlord's name", style="List Bullet")
    document.add_paragraph("Write down the phone number", style="List Bullet 2")
    document.add_paragraph("Keep receipts for every payment", style="List Bullet")
    if headings:
        document.add_heading("Repairs", level=2)
    document.add_paragraph("Send the request in writing.", style="List Number")
    document.add_paragraph("Wait 14 days for an answer.", style="List Number")
    picture = document.add_picture(_png(3000 if big_image else 400, 200))
    picture._inline.docPr.set("descr", "A lease with a pen beside it")
    table = document.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("Office", "Phone"), ("Housing Help", "(415) 555-0190"),
                                ("Legal Aid", "(415) 555-0127")]):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    document.add_paragraph("Call 911 in an emergency.")
    document.add_page_break()
    box = document.add_table(rows=1, cols=1)  # a bordered one-cell table, as Google Docs exports a boxed note
    _borders(box)
    cell = box.cell(0, 0)
    cell.paragraphs[0].add_run("Keep this safe").bold = True
    cell.add_paragraph("Store copies of the lease somewhere dry.")
    warning = document.add_paragraph("Deadlines ")
    warning.add_run("matter").font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    warning.add_run(".")
    boxed = document.add_paragraph("See the box. ")  # a floating text box, drawn the old (VML) way
    boxed._p.append(parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:200pt;height:50pt"><v:textbox>'
        '<w:txbxContent><w:p><w:r><w:t>Night line 555-0100</w:t></w:r></w:p></w:txbxContent></v:textbox>'
        '</v:shape></w:pict></w:r>'))
    document.save(str(path))
    return path


def test_word_document_imports_and_builds_in_every_language(tmp_path):
    project = sample_project(tmp_path / "project")
    with open(project / "guidebuilder.toml", "a") as config:
        config.write("\n[guides.tenants]\nmin_coverage = 0\n")
    docx = word_document(tmp_path / "tenants.docx", big_image=True)

    result = run_cli("import", str(docx), "--slug", "tenants", cwd=project)
    assert result.code == 0, result.stderr
    text = (project / "guides" / "tenants" / "guide.md").read_text()
    assert text.startswith('---\ntitle: "Tenant Rights Basics"\ndate: 2026-05-04\n---\n')
    assert "# Before you sign\n" in text and "## Repairs\n" in text
    assert "**Never**" in text and "*exact*" in text
    assert "[our tenant page](https://www.example.org/tenants)" in text
    assert "- Ask for the landlord's name\n  - Write down the phone number\n- Keep receipts" in text
    assert "1. Send the request in writing.\n2. Wait 14 days" in text
    assert "| Office | Phone |" in text and "| Legal Aid | (415) 555-0127 |" in text
    image = re.search(r"!\[A lease with a pen beside it\]\((images/[^)]+\.png)\)", text)
    assert image and (project / "guides" / "tenants" / image.group(1)).is_file()
    assert re.search(r"image images/\S+\.png is 3000 x 200 px", result.stdout), result.stdout
    assert "::: callout Keep this safe\nStore copies of the lease somewhere dry.\n:::" in text
    assert 'paragraph 20 ("Deadlines matter."): coloured text (#C00000)' in result.stdout, result.stdout
    assert ('paragraph 17 (empty, after "Call 911 in an emergency."): page break: the guide flows onto pages by '
            'itself; dropped') in result.stdout
    assert ('paragraph 21 ("See the box. Night line 555-0100"): text box not imported: copy its text into '
            'guide.md: "Night line 555-0100"') in result.stdout
    assert "our tenant page" not in result.stdout  # a link's own colour is no finding
    # (paragraphs are counted as Word holds them: every heading, list item, picture and table cell is one)

    assert run_cli("extract", "--guide", "tenants", cwd=project).code == 0
    assert run_cli("update", "--guide", "tenants", cwd=project).code == 0
    out = tmp_path / "build"
    build = run_cli("build-guides", "--guide", "tenants", "--out", str(out), "--quiet", "--format", "html", cwd=project)
    assert build.code == 0, build.stdout + build.stderr
    for lang in ("en", "bn", "zh_Hant", "hi", "km", "ko", "tl", "vi", "ur"):
        page = (out / "tenants" / lang / "index.html").read_text()
        assert "Keep receipts for every payment" in page, lang  # English fallback
    pdf = run_cli("build-guides", "--guide", "tenants", "--lang", "ur", "--out", str(out), "--quiet",
                  "--format", "pdf", cwd=project)
    assert pdf.code == 0, pdf.stdout + pdf.stderr
    text_layer = subprocess.run(["pdftotext", str(out / "tenants" / "ur" / "tenants-ur.pdf"), "-"],
                                capture_output=True, text=True).stdout
    assert "Wait 14 days for an answer." in text_layer


def test_word_footnotes_comments_and_tracked_changes_are_reported(tmp_path):
    project = sample_project(tmp_path / "project")
    markdown = ("---\ntitle: Notes\n---\n\n# Part one\n\nA claim.[^1] [A remark]{.comment-start id=\"0\" "
                "author=\"Ana\"}Hello[]{.comment-end id=\"0\"} and $x^2$ too. Call [today]{.insertion author=\"Ana\" "
                "date=\"2026-01-02T00:00:00Z\"}[tomorrow]{.deletion author=\"Ana\" date=\"2026-01-02T00:00:00Z\"}."
                "\n\n[^1]: The source.\n")
    docx = tmp_path / "notes.docx"
    (tmp_path / "notes.md").write_text(markdown)
    subprocess.run([pandoc_path(), str(tmp_path / "notes.md"), "-o", str(docx)], check=True)
    result = run_cli("import", str(docx), "--slug", "notes", cwd=project)
    assert result.code == 0, result.stderr
    text = (project / "guides" / "notes" / "guide.md").read_text()
    assert "A claim.[^1]" in text and "[^1]: The source." in text
    assert 'comment by Ana ("A remark")' in result.stdout
    assert "equation (x^{2})" in result.stdout
    assert 'under "Part one"' in result.stdout
    assert "Call today." in text and "tomorrow" not in text  # tracked changes accepted
    assert 'tracked insertion ("today"): accepted (kept)' in result.stdout
    assert 'tracked deletion ("tomorrow"): accepted (left out)' in result.stdout


# --- 3. existing translations ----------------------------------------------------------------------------------

DROPPED = ("Hate can be frightening.", "Some people feel upset days or weeks later")
SWAPPED = ("Tell the officer that you believe", "You can ask for an interpreter.")


@pytest.mark.parametrize("lang", ["ko", "ur"])
def test_existing_translation_aligns_to_the_guide(tmp_path, lang):
    project = sample_project(tmp_path / "project")
    guide = read_guide(project, SAMPLE)
    po_path = project / "locales" / lang / "LC_MESSAGES" / f"{SAMPLE}.po"
    known = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(po_path)) if e.msgstr and not e.fuzzy}

    def translated(message: Message) -> str:
        return known.get((None, message.text)) or known.get((message.role.context, message.text)) or message.text

    messages = guide.messages()
    line_of = {prefix: next(m.line for m in messages if m.text.startswith(prefix)) for prefix in DROPPED + SWAPPED}
    dropped = {line_of[p] for p in DROPPED}
    markdown = guide_markdown(guide, translated, drop=dropped, swap=(line_of[SWAPPED[0]], line_of[SWAPPED[1]]))
    docx = to_docx(markdown, tmp_path / f"guide-{lang}.docx", guide.abs_dir)
    po_path.unlink()  # the catalog is rebuilt from the document alone

    result = run_cli("import-translation", str(docx), "--guide", SAMPLE, "--lang", lang, cwd=project)
    assert result.code == 0, result.stderr
    imported = polib.pofile(str(po_path))
    organization = guide.meta_messages["organization"].line  # the document does not carry it
    remaining = [m for m in messages if m.line not in dropped | {organization}]
    right = wrong = 0
    wrong_ones = []
    for message in remaining:
        entry = imported.find(message.text) or imported.find(message.text, msgctxt=message.role.context)
        if entry and entry.msgstr == translated(message):
            right += 1
            assert entry.fuzzy and f"imported from {docx.name}" in entry.comment
        else:
            wrong += 1
            wrong_ones.append((message.line, message.text[:40], entry.msgstr[:40] if entry else None))
    assert right / len(remaining) >= 0.95, wrong_ones
    reported = {int(n) for n in re.findall(rf"guides/{SAMPLE}/guide.md:(\d+): no translation found", result.stdout)}
    assert reported == dropped | {organization}, result.stdout  # and nothing that was there
    share = re.search(r"aligned (\d+) of (\d+) blocks", result.stdout)
    assert share and int(share.group(1)) >= 0.95 * int(share.group(2)), result.stdout
    assert re.search(r"anchors \(numbers, phones, addresses, links\): \d+ agreed, 0 disagreed", result.stdout)


def test_confirmed_translations_are_kept_unless_overwrite(tmp_path):
    project = sample_project(tmp_path / "project")
    guide = read_guide(project, SAMPLE)
    po_path = project / "locales" / "ko" / "LC_MESSAGES" / f"{SAMPLE}.po"
    before = po_path.read_bytes()
    docx = to_docx(guide_markdown(guide, lambda m: "번역 " + m.text), tmp_path / "other.docx", guide.abs_dir)

    kept = run_cli("import-translation", str(docx), "--guide", SAMPLE, "--lang", "ko", cwd=project)
    assert kept.code == 0, kept.stderr
    assert po_path.read_bytes() == before  # every entry was confirmed: nothing to write
    assert re.search(r"kept \d+ confirmed translations \(use --overwrite", kept.stdout)

    over = run_cli("import-translation", str(docx), "--guide", SAMPLE, "--lang", "ko", "--overwrite", cwd=project)
    assert over.code == 0, over.stderr
    entry = polib.pofile(str(po_path)).find("Hate can be frightening. You may feel angry, scared, numb, or ashamed. "
                                            "These feelings are normal. What happened is not your fault.")
    assert entry.msgstr.startswith("번역 Hate can be frightening.") and entry.fuzzy


def test_translation_from_a_pdf(tmp_path):
    """A translation that exists only as a PDF: the Korean guide as guidebuilder prints it."""
    project = sample_project(tmp_path / "project")
    po_path = project / "locales" / "ko" / "LC_MESSAGES" / f"{SAMPLE}.po"
    known = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)) if e.msgstr}
    out = tmp_path / "build"
    build = run_cli("build-guides", "--guide", SAMPLE, "--lang", "ko", "--format", "pdf", "--out", str(out),
                    "--quiet", cwd=project)
    assert build.code == 0, build.stdout + build.stderr
    po_path.unlink()
    result = run_cli("import-translation", str(out / SAMPLE / "ko" / f"{SAMPLE}-ko.pdf"), "--guide", SAMPLE,
                     "--lang", "ko", cwd=project)
    assert result.code == 0, result.stderr
    imported = [e for e in polib.pofile(str(po_path)) if e.msgstr]
    right = [e for e in imported if " ".join(plain(e.msgstr).split()) == " ".join(plain(known[e.msgid]).split())]
    assert len(right) >= 0.9 * len(imported) and len(imported) >= 0.7 * len(known), (len(right), len(imported))
    heading = "If you witness a hate incident"
    assert next(e for e in imported if e.msgid == heading).msgstr == known[heading]
    assert re.search(r"aligned \d+ of \d+ blocks", result.stdout)


# --- 4. bad input ----------------------------------------------------------------------------------------------

def _emf_document(path: Path) -> Path:
    """A .docx whose picture is an EMF metafile (as Word stores pasted charts)."""
    source = word_document(path.with_name("plain.docx"))
    emf = b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 64
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("word/media/"):
                new.writestr(item.filename.rsplit(".", 1)[0] + ".emf", emf)
                continue
            if item.filename.endswith(".rels") or item.filename == "[Content_Types].xml":
                data = re.sub(rb"(media/image\d+)\.png", rb"\1.emf", data)
                data = data.replace(b'<Default Extension="png"', b'<Default Extension="emf" '
                                    b'ContentType="image/x-emf"/><Default Extension="png"')
            new.writestr(item, data)
    return path


def _scanned_pdf(path: Path) -> Path:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (850, 1100), "white")
    ImageDraw.Draw(page).text((100, 100), "A scanned page", fill="black")
    page.save(path, "PDF")
    return path


BAD_DOCUMENTS = {
    "locked.docx": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600) or p,
                    "error: locked.docx: the document is password-protected (encrypted); open it, remove the "
                    "password (File > Info > Protect Document), save it and import again"),
    "broken.docx": (lambda p: p.write_bytes(word_document(p.with_name("whole.docx")).read_bytes()[:3000]) or p,
                    "error: broken.docx: the document is damaged (not a readable .docx/.odt file); open it in Word "
                    "or LibreOffice, save it again and import that copy"),
    "flat.docx": (lambda p: word_document(p, headings=False),
                  "error: flat.docx: the document has no headings, so it cannot be split into sections; give the "
                  "section titles a Heading 1 / Heading 2 style (in Word: Home > Styles) and import again"),
    "chart.docx": (_emf_document,
                   "error: chart.docx: image image1.emf (under \"Repairs\") is EMF, which web pages and PDFs "
                   "cannot show; in Word right-click it, Save as Picture as PNG, insert that and import again"),
}


@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
def test_bad_document_is_refused_with_one_line(tmp_path, name):
    project = sample_project(tmp_path / "project")
    make, message = BAD_DOCUMENTS[name]
    make(project / name)
    before = snapshot(project)
    result = run_cli("import", name, "--slug", "new-guide", cwd=project)
    assert (result.code, result.stderr.strip()) == (1, message)
    assert snapshot(project) == before


def test_scanned_pdf_is_refused_with_one_line(tmp_path):
    project = sample_project(tmp_path / "project")
    _scanned_pdf(project / "scan.pdf")
    before = snapshot(project)
    result = run_cli("import-translation", "scan.pdf", "--guide", SAMPLE, "--lang", "ko", cwd=project)
    assert (result.code, result.stderr.strip()) == (
        1, "error: scan.pdf: the PDF has no text layer (it is a scanned image); import the Word or web version, "
           "or run OCR on it first (e.g. ocrmypdf), then import again")
    assert snapshot(project) == before


@pytest.mark.parametrize("command", [("import-translation", "x.docx", "--guide", "fixture"),
                                     ("glossary", "import", "x.tbx")])
def test_a_language_not_configured_is_one_line(project, cli, command):
    result = cli(*command, "--lang", "fr", cwd=project)
    assert (result.code, result.stderr) == (1, "error: language 'fr' is not configured in guidebuilder.toml; "
                                               "add it with 'guidebuilder init fr'\n")
