"""Command line: a thin layer over the stage functions; errors become exit codes here."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import Project, guide_slugs
from .config import load_project as read_project
from .errors import GuideError
from .outputs import selected as selected_kinds
from .state import PROOF, PROOF_DIR, PSEUDO, SITE, STATUS_PAGE, BuildOptions, tree_dir

if TYPE_CHECKING:
    from .build import Progress as BuildProgress
    from .model import BuildReport, LanguageResult

# Stage modules are imported inside the commands: a build with nothing to do
# answers from its state file without loading WeasyPrint, ICU or the catalogs.

PSEUDO_DIR = tree_dir(PSEUDO)
SITE_DIR = tree_dir(SITE)

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Publish multilingual resource guides: Markdown to gettext catalogs to PDF and HTML.")


def stdout_console() -> Console:
    """A rich console on standard output as it is now: made per use, so it follows output redirected after import."""
    # Rich lays tables out for 80 columns when the output is not a terminal (a CI log, a pipe), folding
    # every reason word by word; a log has no width, so give it room unless COLUMNS says otherwise.
    return Console(width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160)


ProjectOpt = typer.Option(Path("."), "--project", "-p", help="Project folder (default: current directory).")
GuideOpt = typer.Option(None, "--guide", "-g", help="Only this guide (repeatable).")
LangOpt = typer.Option(None, "--lang", "-l", help="Only this language (repeatable).")


def _fail(exc: GuideError) -> NoReturn:
    for warning in getattr(exc, "warnings", ()):
        typer.echo(f"warning: {warning}", err=True)
    for line in str(exc).splitlines():
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(1)


def load_project(path: Path) -> Project:
    """config.load_project, its guidebuilder.toml warnings printed on stderr (they never change the exit code)."""
    project = read_project(path)
    for warning in project.warnings:
        typer.echo(f"warning: {warning}", err=True)
    return project


def _slugs(project: Project, guides: list[str] | None) -> list[str]:
    from .errors import ConfigError

    available = guide_slugs(project.root)
    if guides:
        unknown = [g for g in guides if g not in available]
        if unknown:
            raise ConfigError(f"no guide '{unknown[0]}' under guides/; available: {', '.join(available)}")
        return list(guides)
    return available


@app.command("extract")
def extract_cmd(project: Path = ProjectOpt, guide: list[str] | None = GuideOpt) -> None:
    """Write locales/<slug>.pot for every guide."""
    from .extract import extract

    try:
        proj = load_project(project)
        for result in extract(proj, _slugs(proj, guide)):
            state = "written" if result.written else "unchanged"
            typer.echo(f"{result.pot_path}: {result.messages} messages ({state})")
    except GuideError as exc:
        _fail(exc)


@app.command("update")
def update_cmd(project: Path = ProjectOpt, guide: list[str] | None = GuideOpt, lang: list[str] | None = LangOpt,
               check: bool = typer.Option(False, "--check",
                                          help="Write nothing; exit 1 if any catalog is stale.")) -> None:
    """Merge each .pot into every language's .po (fuzzy matches, obsolete entries kept)."""
    from .update import update

    try:
        proj = load_project(project)
        results = update(proj, _slugs(proj, guide), lang or proj.languages, check=check)
    except GuideError as exc:
        _fail(exc)
    # A catalog only wrapped differently (a translator's tool saved it) says the same: --check passes it.
    stale = [r for r in results if r.status not in (("unchanged", "relaid") if check else ("unchanged",))]
    for r in results:
        if r.status != "unchanged":
            verb = {"created": "would be created", "updated": "is stale",
                    "relaid": "wrapped differently (not stale)"}[r.status] if check else r.status
            typer.echo(f"{r.po_path}: {verb}")
    if check and stale:
        typer.echo(f"error: {len(stale)} catalog(s) out of date; run 'guidebuilder update'", err=True)
        raise typer.Exit(1)
    if not stale:
        typer.echo(f"{len(results)} catalogs up to date")


@app.command("init")
def init_cmd(language: str = typer.Argument(..., help="CLDR locale identifier, e.g. es or zh_Hans."),
             project: Path = ProjectOpt,
             seed_from: str | None = typer.Option(None, "--from", help="Seed the catalogs with this language's "
                                                  "translations converted by OpenCC, fuzzy (zh_Hant <-> zh_Hans).")
             ) -> None:
    """Add a language: list it in guidebuilder.toml and create its catalogs."""
    from .update import init_language

    try:
        proj = load_project(project)
        for r in init_language(proj, language, guide_slugs(proj.root), seed_from):
            seeded = "" if r.seeded is None else f"; {r.seeded} entries seeded from {seed_from} (fuzzy, to review)"
            typer.echo(f"{r.po_path}: {r.status}{seeded}")
    except GuideError as exc:
        _fail(exc)


@app.command("stats")
def stats_cmd(project: Path = ProjectOpt, guide: list[str] | None = GuideOpt, lang: list[str] | None = LangOpt,
              format: str = typer.Option("text", "--format", help="text or json")) -> None:
    """Translated / fuzzy / untranslated messages and words, per guide and language."""
    from .chrome import chrome_stats
    from .stats import collect_stats, stats_json

    try:
        proj = load_project(project)
        rows = collect_stats(proj, _slugs(proj, guide), lang or proj.languages)
        chrome = chrome_stats(proj, lang or proj.languages)
    except GuideError as exc:
        _fail(exc)
    if format == "json":
        sys.stdout.write(json.dumps(stats_json(rows, chrome), indent=2, ensure_ascii=False) + "\n")
        return
    for slug in dict.fromkeys(r.slug for r in rows):
        table = Table(title=slug, title_justify="left")
        for name in ("language", "translated", "fuzzy", "untranslated", "memory", "words", "words done", "%"):
            table.add_column(name, justify="left" if name == "language" else "right")
        for r in (r for r in rows if r.slug == slug):
            c = r.coverage
            table.add_row(r.lang, str(c.translated), str(c.fuzzy), str(c.untranslated), str(r.memory),
                          str(c.total_words), str(c.translated_words), f"{100 * c.ratio:.1f}")
        stdout_console().print(table)
    table = Table(title="guidebuilder (page chrome)", title_justify="left")
    for name in ("language", "project", "package", "english", "fuzzy", "chrome"):
        table.add_column(name, justify="left" if name in ("language", "chrome") else "right")
    for row in chrome:
        table.add_row(row.lang, str(row.translated), str(row.from_package), str(row.english), str(row.fuzzy),
                      row.chrome)
    stdout_console().print(table)


@app.command("check")
def check_cmd(project: Path = ProjectOpt, guide: list[str] | None = GuideOpt, lang: list[str] | None = LangOpt,
              format: str = typer.Option("text", "--format", help="text or json"),
              strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
              only: list[str] | None = typer.Option(None, "--only", help="Run only this check (repeatable)."),
              skip: list[str] | None = typer.Option(None, "--skip", help="Do not run this check (repeatable).")
              ) -> None:
    """Translation QA: markup, links, numbers, glyphs, punctuation; findings name the .po line."""
    from .check import check_project
    from .checks import select

    try:
        selection = select(only, skip)
        proj = load_project(project)
        findings = check_project(proj, _slugs(proj, guide), lang or proj.languages, selection)
    except GuideError as exc:
        _fail(exc)
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if format == "json":
        sys.stdout.write(json.dumps({"findings": [f.as_dict() for f in findings], "errors": errors,
                                     "warnings": warnings}, indent=2, ensure_ascii=False) + "\n")
    else:
        for finding in findings:
            typer.echo(str(finding))
        typer.echo(f"{errors} error(s), {warnings} warning(s)")
    if errors or (strict and warnings):
        raise typer.Exit(1)


@app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="A .docx, .odt, .html or .md document."),
               slug: str = typer.Option(..., "--slug", help="The guide's folder name under guides/."),
               project: Path = ProjectOpt,
               diff: bool = typer.Option(False, "--diff", help="Show what changed in guide.md."),
               dry_run: bool = typer.Option(False, "--dry-run", help="Write nothing; report only.")) -> None:
    """Import a Word, OpenDocument, web or Markdown document as guides/<slug>/guide.md with its images."""
    from .importer import import_document

    try:
        result = import_document(load_project(project), file, slug, write=not dry_run)
    except GuideError as exc:
        _fail(exc)
    if diff and result.diff:
        typer.echo(result.diff, nl=False)
    for note in result.notes:
        typer.echo(f"{file}: {note.where}: {note.what}")
    images = f", {len(result.images)} image(s) in images/" if result.images else ""
    status = f"would be {result.status}" if dry_run and result.status != "unchanged" else result.status
    typer.echo(f"{result.guide_path}: {status}: {result.messages} messages{images}; "
               f"{len(result.notes)} thing(s) not carried over as they were (listed above)"
               if result.notes else f"{result.guide_path}: {status}: {result.messages} messages{images}")


@app.command("import-translation")
def import_translation_cmd(file: Path = typer.Argument(..., help="The translated .docx, .odt, .html, .md or .pdf."),
                           guide: str = typer.Option(..., "--guide", "-g", help="The guide it translates."),
                           lang: str = typer.Option(..., "--lang", "-l", help="Its language, e.g. ko."),
                           project: Path = ProjectOpt,
                           overwrite: bool = typer.Option(False, "--overwrite",
                                                          help="Replace confirmed (non-fuzzy) translations too."),
                           dry_run: bool = typer.Option(False, "--dry-run", help="Write nothing; report only.")
                           ) -> None:
    """Align a translated document to its guide; fill the catalog with fuzzy entries for review."""
    from .import_translation import import_translation
    from .importer import excerpt
    from .inline import plain

    try:
        result = import_translation(load_project(project), file, guide, lang, overwrite, write=not dry_run)
    except GuideError as exc:
        _fail(exc)
    found = result.alignment
    for unit in found.unaligned_source:
        typer.echo(f"{unit.where}: no translation found in {file.name}: \"{excerpt(plain(unit.text), 50)}\"")
    for unit in found.unaligned_target:
        typer.echo(f"{file}: {unit.where}: matches no block of the guide: \"{excerpt(plain(unit.text), 50)}\"")
    typer.echo(f"aligned {len(found.pairs)} of {result.target_blocks} blocks of {file.name} "
               f"({result.share:.0%}); anchors (numbers, phones, addresses, links): {found.agreed} agreed, "
               f"{found.disagreed} disagreed")
    verb = "would write" if dry_run else "wrote"
    extra = f"; {result.not_in_catalog} not in the catalog (run extract and update)" if result.not_in_catalog else ""
    markup = (f"; {result.plain_only} without the source's bold, italic or links (a PDF has none): restore them"
              if result.plain_only else "")
    typer.echo(f"{result.po_path}: {verb} {result.written} fuzzy entries to review; kept {result.kept} confirmed "
               f"translations{' (use --overwrite to replace them)' if result.kept else ''}{extra}{markup}")


tm_app = typer.Typer(no_args_is_help=True, help="Translation memory: TMX files update fills new messages from.")
app.add_typer(tm_app, name="tm")


@tm_app.command("export")
def tm_export_cmd(lang: str = typer.Option(..., "--lang", "-l", help="The language to export."),
                  project: Path = ProjectOpt, guide: list[str] | None = GuideOpt,
                  out_file: Path | None = typer.Option(None, "--out", "-o", help="TMX file (default: stdout).")
                  ) -> None:
    """Write every guide's translated, non-fuzzy messages in one language as TMX 1.4."""
    from .catalogs import atomic_write
    from .errors import ConfigError
    from .memory import export_tmx

    try:
        proj = load_project(project)
        if lang not in proj.languages:
            raise ConfigError(f"language '{lang}' is not configured in guidebuilder.toml; "
                              f"languages: {', '.join(proj.languages)}")
        data = export_tmx(proj, _slugs(proj, guide), lang)
        if out_file is not None:
            atomic_write(out_file, data)
    except GuideError as exc:
        _fail(exc)
    if out_file is None:
        sys.stdout.buffer.write(data)
    else:
        typer.echo(f"{out_file}: {data.count(b'<tu>')} translation units", err=True)


@tm_app.command("import")
def tm_import_cmd(file: Path = typer.Argument(..., help="A TMX file."), project: Path = ProjectOpt) -> None:
    """Copy a TMX file into memory/ and list it under \\[memory] tmx; 'guidebuilder update' then fills from it."""
    from .memory import import_tmx

    try:
        rel = import_tmx(load_project(project), file.resolve())
    except GuideError as exc:
        _fail(exc)
    typer.echo(f"{rel}: listed under [memory] tmx; run 'guidebuilder update' to fill catalogs from it")


glossary_app = typer.Typer(no_args_is_help=True, help="Glossaries: glossary/<lang>.csv, the terms check enforces.")
app.add_typer(glossary_app, name="glossary")


@glossary_app.command("import")
def glossary_import_cmd(file: Path = typer.Argument(..., help="A TBX file (TBX 2008 or TBX v3)."),
                        lang: str = typer.Option(..., "--lang", "-l", help="The language whose terms to import."),
                        project: Path = ProjectOpt) -> None:
    """Add a TBX termbase's terms for one language to glossary/<lang>.csv."""
    from .termbase import import_tbx

    try:
        proj = load_project(project)
        proj.require_language(lang, source_too=False)
        done = import_tbx(proj.root, proj.rel, file, proj.source_language, lang)
    except GuideError as exc:
        _fail(exc)
    typer.echo(f"{done.path}: {done.added} term(s) added, {done.updated} updated"
               + (f", {done.skipped} concept(s) without a {lang} or source term skipped" if done.skipped else ""))


fonts_app = typer.Typer(no_args_is_help=True, help="The project's fonts: add font files, see which scripts they cover.")
app.add_typer(fonts_app, name="fonts")


@fonts_app.command("add")
def fonts_add_cmd(files: list[Path] = typer.Argument(..., help="Font files (.ttf, .otf, .woff, .woff2)."),
                  project: Path = ProjectOpt,
                  script: list[str] | None = typer.Option(None, "--script", help="ISO 15924 code each font must "
                                                          "cover, e.g. Arab (repeatable).")) -> None:
    """Copy fonts into fonts/ and rewrite fonts/manifest.json from the facts each font states."""
    from .fontfiles import add_fonts, describe

    try:
        result = add_fonts(load_project(project).fonts_dir, list(files), tuple(script or ()))
    except GuideError as exc:
        _fail(exc)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    for font in result.added:
        typer.echo(describe(font))


@fonts_app.command("list")
def fonts_list_cmd(project: Path = ProjectOpt,
                   format: str = typer.Option("text", "--format", help="text or json")) -> None:
    """Which family draws each script in regular, bold, italic and bold italic."""
    from .fontfiles import SLOTS, list_fonts

    try:
        if format not in ("text", "json"):
            raise GuideError(f"--format must be text or json, not '{format}'")
        table = list_fonts(load_project(project).fonts_dir)
    except GuideError as exc:
        _fail(exc)
    if format == "json":
        sys.stdout.write(json.dumps({"scripts": table}, indent=2, ensure_ascii=False) + "\n")
        return
    view = Table(title="fonts by script", title_justify="left")
    view.add_column("script")
    for name in SLOTS:
        view.add_column(name)
    for script, row in table.items():
        view.add_row(script, *(", ".join(row[name]) or "-" for name in SLOTS))
    stdout_console().print(view)


def _progress_printer(quiet: bool) -> tuple[Progress, BuildProgress, dict[str, TaskID | None]] | None:
    if quiet:
        return None
    progress = Progress(TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.description}"), TimeElapsedColumn(), console=Console(stderr=True),
                        transient=True)
    task: dict[str, TaskID | None] = {"id": None}

    def callback(event: str, result: LanguageResult | None) -> None:
        if event == "start" or result is None:
            return
        if task["id"] is not None:
            progress.update(task["id"], advance=1, description=f"{result.slug} {result.lang} {result.status}")

    return progress, callback, task


@app.command("build-guides")
def build_cmd(project: Path = ProjectOpt, guide: list[str] | None = GuideOpt, lang: list[str] | None = LangOpt,
              format: list[str] | None = typer.Option(None, "--format", "-f",
                                                      help="pdf, pdf-grayscale, html, booklet, wallet-card, "
                                                           "wallet-card-sheet, trifold, text or share-image "
                                                           "(repeatable; default: pdf, html and each guide's "
                                                           "front matter formats)."),
              out_dir: Path | None = typer.Option(None, "--out", "-o",
                                                  help="The folder to write (default build/site, the site to publish; "
                                                       "build/proof with --proof); without it the status page "
                                                       "(build/status) is written too."),
              jobs: int = typer.Option(0, "--jobs", "-j", envvar="GUIDEBUILDER_JOBS",
                                       help="Parallel jobs (default: one per CPU, no more than the free memory "
                                            "holds at 512 MB each).", show_default=False),
              force: bool = typer.Option(False, "--force", help="Rebuild even when inputs are unchanged."),
              include_fuzzy: bool = typer.Option(False, "--include-fuzzy", help="Publish fuzzy translations."),
              proof: bool = typer.Option(False, "--proof", help="Mark untranslated and fuzzy blocks for reviewers."),
              paper: str | None = typer.Option(None, "--paper",
                                               help="letter or a4 (default from guidebuilder.toml)."),
              marks: bool = typer.Option(False, "--marks", help="Crop marks and 1/8 in (9 pt) of bleed on the guide "
                                                                "PDF, for a print shop."),
              quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (for CI)."),
              keep_print_html: bool = typer.Option(False, "--keep-print-html",
                                                   help="Also write the HTML each PDF is typeset from, to "
                                                        "build/.guidebuilder/site/print/<guide>/<lang>.html."),
              shard: str | None = typer.Option(None, "--shard",
                                               help="K/N: build the K-th of N shares of the guide x language pairs, "
                                                    "balanced by the pages of the last build; merge them with "
                                                    "'guidebuilder site --from DIR...'.")) -> None:
    """Build every guide x language as PDF and HTML into build/site/."""
    try:
        proj = load_project(project)
        formats = tuple(format or ("pdf", "html"))
        selected_kinds(formats)  # refuses an unknown format before anything is read
        if paper not in (None, "letter", "a4"):
            raise GuideError(f"--paper must be letter or a4, not '{paper}'")
        langs = list(lang) if lang else None
        for code in langs or []:
            proj.require_language(code)
        slugs = _slugs(proj, guide)
        default_out = out_dir is None
        out_dir = out_dir or tree_dir(PROOF if proof else SITE)
        out_path = out_dir if out_dir.is_absolute() else (Path.cwd() / out_dir)
        pairs = None
        if shard is not None:
            from .shards import parse_shard, shard_pairs

            pairs = shard_pairs(proj, slugs, langs or proj.all_languages(), parse_shard(shard), out_path)
        options = BuildOptions(out_dir=out_path, guides=slugs, langs=langs, formats=formats, only_formats=bool(format),
                               jobs=jobs,
                               force=force, include_fuzzy=include_fuzzy, proof=proof, paper=paper, marks=marks,
                               keep_print_html=keep_print_html, pairs=pairs)
        from .state import unchanged_report

        report = unchanged_report(proj, slugs, options)
        built = report is None
        if report is None:
            from .build import build

            total = len(pairs) if pairs is not None else len(slugs) * len(langs or proj.all_languages())
            report = _run_build(lambda progress: build(proj, slugs, options, progress), total, quiet)
        if default_out and (built or not STATUS_PAGE.is_file()):  # an unchanged build leaves it as it is
            from .status import write_status

            try:
                write_status(proj, guide_slugs(proj.root))
            except GuideError as exc:  # the build's own summary reports what is wrong; the page waits for the fix
                report.warnings.append(f"status page not written: {exc}")
    except GuideError as exc:
        _fail(exc)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    _summary(report)
    if report.failed:
        raise typer.Exit(1)


@app.command("status")
def status_cmd(project: Path = ProjectOpt,
               out: Path = typer.Option(STATUS_PAGE, "--out", "-o", help="The page to write."),
               proofs: Path = typer.Option(PROOF_DIR, "--proofs", help="The proof build the page links to.")) -> None:
    """Write the coordinators' status page: every guide x language, and which are closest to publishing."""
    from .status import write_status

    try:
        proj = load_project(project)
        page = write_status(proj, guide_slugs(proj.root), out, proofs)
    except GuideError as exc:
        _fail(exc)
    typer.echo(f"status page: {page}")


@app.command("screenshots")
def screenshots_cmd(lang: str = typer.Option(..., "--lang", "-l", help="The language whose pages to photograph."),
                    project: Path = ProjectOpt, guide: list[str] | None = GuideOpt,
                    out_dir: Path = typer.Option(Path("build"), "--out", "-o",
                                                 help="Build folder; pictures go to .guidebuilder/screenshots/ in it.")
                    ) -> None:
    """A PNG of every block of each guide's web page in one language, with a JSON index (Weblate screenshots)."""
    from .screenshots import take_screenshots

    try:
        proj = load_project(project)
        proj.require_language(lang)
        out_path = out_dir if out_dir.is_absolute() else (Path.cwd() / out_dir)
        for slug in _slugs(proj, guide):
            folder, taken, missing = take_screenshots(proj, slug, lang, out_path)
            note = f" ({len(missing)} block(s) not shown on the page)" if missing else ""
            typer.echo(f"{proj.rel(folder) if folder.is_relative_to(proj.root.resolve()) else folder}: "
                       f"{len(taken)} screenshot(s){note}")
    except GuideError as exc:
        _fail(exc)


@app.command("site")
def site_cmd(folders: list[Path] | None = typer.Argument(None, help="More shard folders (after --from)."),
             from_dirs: list[Path] | None = typer.Option(None, "--from", help="A folder 'build-guides --shard K/N' "
                                                                             "wrote (repeatable)."),
             project: Path = ProjectOpt,
             out_dir: Path = typer.Option(SITE_DIR, "--out", "-o", help="The site folder to write.")) -> None:
    """Merge the folders of a sharded build into one site: pages, manifest.json and the portal."""
    from .shards import merge_shards

    try:
        proj = load_project(project)
        sources = [*(from_dirs or []), *(folders or [])]
        if not sources:
            raise GuideError("name the shard folders: guidebuilder site --from DIR [DIR...]")
        for folder in sources:
            if not folder.is_dir():
                raise GuideError(f"{folder} is not a folder; pass the folders 'build-guides --shard K/N' wrote")
        report = merge_shards(proj, sources, out_dir if out_dir.is_absolute() else Path.cwd() / out_dir)
    except GuideError as exc:
        _fail(exc)
    _summary(report)
    if report.failed:
        raise typer.Exit(1)




@app.command("pseudo")
def pseudo_cmd(project: Path = ProjectOpt, guide: list[str] | None = GuideOpt,
               out_dir: Path = typer.Option(PSEUDO_DIR, "--out", "-o", help="Output folder."),
               quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar.")) -> None:
    """Build pseudo-translations (accented and 40% longer; right to left) to test layout."""
    from .pseudo import PSEUDO_LOCALES, build_pseudo

    try:
        proj = load_project(project)
        slugs = _slugs(proj, guide)
        options = BuildOptions(out_dir=out_dir if out_dir.is_absolute() else Path.cwd() / out_dir, force=True)
        report = _run_build(lambda progress: build_pseudo(proj, slugs, options, progress),
                            len(slugs) * (1 + len(PSEUDO_LOCALES)), quiet)
    except GuideError as exc:
        _fail(exc)
    _summary(report)
    if report.failed:
        raise typer.Exit(1)


@app.command("serve")
def serve_cmd(project: Path = ProjectOpt,
              out_dir: Path = typer.Option(SITE_DIR, "--out", "-o", help="The site folder."),
              port: int = typer.Option(8000, "--port", help="Port on 127.0.0.1 (0: any free port).")) -> None:
    """Preview on 127.0.0.1, rebuilding what changed whenever a guide, catalog or template is saved."""
    from .serve import serve

    try:
        load_project(project)  # its warnings, once; serve reloads the settings on every save
        serve(project, out_dir if out_dir.is_absolute() else Path.cwd() / out_dir, port,
              lambda line: typer.echo(line))
    except KeyboardInterrupt:
        pass
    except GuideError as exc:
        _fail(exc)


def _run_build(run: Callable[[BuildProgress | None], BuildReport], total: int, quiet: bool) -> BuildReport:
    """Run a build with a progress bar unless quiet."""
    printer = _progress_printer(quiet)
    if printer is None:
        return run(None)
    progress, callback, task = printer
    with progress:
        task["id"] = progress.add_task("", total=total)
        return run(callback)


def _summary(report: BuildReport) -> None:
    table = Table(title="build summary", title_justify="left")
    for name in ("guide", "lang", "status", "coverage", "pages", "PDF", "time", "reason"):
        # Short values stay whole; the guide's slug and the reason wrap when the terminal is narrow.
        table.add_column(name, overflow="fold", no_wrap=name not in ("guide", "reason"))
    for r in report.results:
        colour = {"published": "green", "outdated": "yellow", "skipped": "yellow", "failed": "red"}[r.status]
        note = r.reason or ("rebuilt" if r.rebuilt else "unchanged")
        table.add_row(r.slug, r.lang, f"[{colour}]{r.status}[/]", f"{100 * r.coverage:.0f}%",
                      str(r.pdf_pages or ""), f"{r.pdf_bytes // 1024} KB" if r.pdf_bytes else "",
                      f"{r.seconds:.1f}s" if r.rebuilt else "", escape(note))  # "[project]" is not markup
    stdout_console().print(table)
    counts = {s: sum(1 for r in report.results if r.status == s) for s in ("published", "outdated", "skipped",
                                                                           "failed")}
    rebuilt = sum(1 for r in report.results if r.rebuilt)
    outdated = f", {counts['outdated']} outdated (last edition kept)" if counts["outdated"] else ""
    workers = f"; {report.workers} worker{'s' if report.workers > 1 else ''}" if report.workers else ""
    typer.echo(f"{counts['published']} published ({rebuilt} rebuilt){outdated}, {counts['skipped']} skipped, "
               f"{counts['failed']} failed{workers}; manifest: {report.manifest_path}")


def build_guides_main() -> None:
    """Entry point of the build-guides script."""
    sys.argv[0] = "build-guides"
    group = typer.main.get_command(app)
    command = group.commands["build-guides"]  # type: ignore[attr-defined]  # a typer group has its commands
    command.main(args=sys.argv[1:], prog_name="build-guides")


def main() -> None:
    """python -m guidebuilder"""
    app()
