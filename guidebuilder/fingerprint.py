"""Fingerprints: checksums of what a result depends on, so an unchanged one is reused.

Every key starts the same way (guidebuilder's own code, then files, then the
settings as JSON); they differ only in which files and settings they take.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from . import __version__
from .config import CHROME_DOMAIN, Project
from .glossary import glossary_path


def _hash_tree(digest: hashlib._Hash, root: Path) -> None:
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())


_package_digest: str | None = None


def package_digest() -> str:
    """Version and source of guidebuilder itself (code, templates, interface strings)."""
    global _package_digest
    if _package_digest is None:
        digest = hashlib.sha256(__version__.encode())
        _hash_tree(digest, Path(str(resources.files("guidebuilder"))))
        _package_digest = digest.hexdigest()
    return _package_digest


def fingerprint(trees: list[Path], files: list[tuple[str, Path]], settings: Sequence[object]) -> str:
    """Checksum of guidebuilder, the folders' trees, the named files (absent ones too) and the settings."""
    digest = hashlib.sha256(package_digest().encode())
    for tree in trees:
        _hash_tree(digest, tree)
    for name, path in files:
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    digest.update(json.dumps(settings).encode())
    return digest.hexdigest()


def job_key(project: Project, slug: str, lang: str, settings: Sequence[object]) -> str:
    """Checksum of one guide x language's inputs (guide, its catalogs, fonts, config) and the settings given.

    The publishing decision takes the settings that decide it; the outputs take
    every setting that shows in a file.
    """
    files = [(path.name, path) for path in (project.po_path(lang, slug), project.po_path(lang, CHROME_DOMAIN),
                                            project.fonts_dir / "manifest.json", project.config_path)]
    files.append((f"glossary/{lang}", glossary_path(project.root, lang)))  # its findings are check warnings
    return fingerprint([project.guides_dir / slug], files, [lang, *settings])


def site_key(project: Project, slugs: list[str], settings: Sequence[object]) -> str:
    """Checksum of every input of a whole build: guidebuilder, settings, fonts, guides, catalogs."""
    files = [(path.name, path) for path in (project.config_path, project.fonts_dir / "manifest.json")]
    for slug in slugs:  # other languages' coverage decides the language switchers
        files += [(f"{lang}/{slug}", project.po_path(lang, slug)) for lang in project.all_languages()]
    files += [(f"{lang}/{CHROME_DOMAIN}", project.po_path(lang, CHROME_DOMAIN)) for lang in project.all_languages()]
    files += [(f"glossary/{lang}", glossary_path(project.root, lang)) for lang in project.all_languages()]
    return fingerprint([project.guides_dir / slug for slug in slugs], files, settings)
