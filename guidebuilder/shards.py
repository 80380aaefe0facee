"""Sharded builds: a balanced share of the guide x language pairs per machine, and the merge of their outputs.

`build-guides --shard K/N` builds the K-th of N shares; `guidebuilder site --from DIR...`
copies the shares' pages into one folder and writes the manifest and portal over all
of them, byte for byte what one build of everything writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .catalogs import atomic_write
from .config import Project, guide_slugs
from .errors import GuideError
from .model import BuildReport, JsonObject, LanguageResult
from .state import BuildOptions

Pair = tuple[str, str]  # (guide slug, language)
CHARS_PER_PAGE = 2500  # a printed page of a guide, roughly: the estimate when no earlier build measured one


@dataclass(frozen=True)
class Shard:
    """The K-th of N shares of a build (K from 1)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """K/N as --shard takes it, 1 <= K <= N."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not found or not 1 <= int(found.group(1)) <= int(found.group(2)):
        raise GuideError(f"--shard must be K/N with 1 <= K <= N (e.g. 1/4), not '{text}'")
    return Shard(int(found.group(1)), int(found.group(2)))


def assign(weights: Mapping[Pair, float], count: int) -> list[list[Pair]]:
    """The pairs in count shares of nearly equal weight: heaviest first, each to the lightest share so far (LPT).

    Ties are broken by the pair's name and the share's number, so every machine computes the same shares.
    """
    shares: list[list[Pair]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for pair in sorted(weights, key=lambda p: (-weights[p], p)):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        shares[lightest].append(pair)
        loads[lightest] += weights[pair]
    return [sorted(share) for share in shares]


def measured_pages(manifest_path: Path) -> dict[Pair, int]:
    """Pages each guide x language's outputs had in an earlier build's manifest (none when it is missing)."""
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        pages = {}
        for guide in manifest["guides"]:
            for entry in guide["languages"]:
                total = sum(o.get("pages") or 0 for o in entry.get("outputs", []))
                if total:
                    pages[(guide["slug"], entry["lang"])] = total
        return pages
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def pair_weights(project: Project, pairs: Iterable[Pair], manifest_path: Path) -> dict[Pair, float]:
    """Each pair's expected work in pages: as the previous manifest measured them, else from the source's length."""
    pages = measured_pages(manifest_path)
    estimates: dict[str, float] = {}
    weights = {}
    for slug, lang in pairs:
        if (slug, lang) in pages:
            weights[(slug, lang)] = float(pages[(slug, lang)])
            continue
        if slug not in estimates:
            source = project.guides_dir / slug / "guide.md"
            chars = len(source.read_text(encoding="utf-8")) if source.is_file() else 0
            estimates[slug] = 1.0 + chars / CHARS_PER_PAGE
        weights[(slug, lang)] = estimates[slug]
    return weights


def shard_pairs(project: Project, slugs: list[str], langs: list[str], shard: Shard, out_dir: Path) -> frozenset[Pair]:
    """The pairs shard K/N builds, balanced by the pages out_dir/manifest.json measured last time."""
    weights = pair_weights(project, [(s, lang) for s in slugs for lang in langs], out_dir / "manifest.json")
    return frozenset(assign(weights, shard.count)[shard.index - 1])


def _read_manifest(folder: Path) -> JsonObject:
    path = folder / "manifest.json"
    try:
        manifest: JsonObject = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest.get("guides"), list):
            raise ValueError("no 'guides' list")
        return manifest
    except FileNotFoundError as exc:
        raise GuideError("not found; pass the folders that 'build-guides --shard K/N' wrote", str(path)) from exc
    except (OSError, ValueError) as exc:
        raise GuideError(f"not a guidebuilder manifest ({exc}); build that shard again", str(path)) from exc


def _shard_results(folder: Path, manifest: JsonObject) -> list[tuple[str, str, list[LanguageResult]]]:
    """(slug, title, each language's result) of every guide a shard's manifest lists."""
    path = folder / "manifest.json"
    guides = []
    for guide in manifest["guides"]:
        try:
            slug = guide["slug"]
            entries = [LanguageResult.from_dict({"slug": slug, **entry}) for entry in guide["languages"]]
            guides.append((slug, guide.get("title", slug), entries))
        except KeyError as exc:
            raise GuideError(f"not a guidebuilder manifest (a guide without '{exc.args[0]}'); build that shard "
                             "again", str(path)) from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise GuideError(f"not a guidebuilder manifest ({exc}); build that shard again", str(path)) from exc
    return guides


def _published_files(folder: Path, manifest: JsonObject) -> dict[str, Path]:
    """Every file a shard's manifest lists for its guides; not the portal's (the merge writes its own).

    Only listed files: a folder may hold others (an earlier build's, a user's), which are not the shard's.
    """
    from .site import MANIFEST, listed_paths

    portal = {MANIFEST, *(path for path in manifest.get("files", []) if isinstance(path, str))}
    return {rel: folder / rel for rel in sorted(listed_paths(manifest) - portal) if (folder / rel).is_file()}


def merge_shards(project: Project, folders: list[Path], out_dir: Path) -> BuildReport:
    """Copy the shards' pages into out_dir and write the manifest and portal over all of them.

    Everything is read and checked before anything is written: two shards that
    published the same pair, or different bytes at one path, stop the merge.
    """
    results: dict[Pair, LanguageResult] = {}
    titles: dict[str, str] = {}
    origin: dict[Pair, Path] = {}
    files: dict[str, Path] = {}
    for folder in folders:
        manifest = _read_manifest(folder)
        for slug, title, entries in _shard_results(folder, manifest):
            titles.setdefault(slug, title)
            for result in entries:
                pair = (slug, result.lang)
                if pair in results:
                    raise GuideError(f"{slug}/{result.lang} is in the manifests of both {origin[pair]} and "
                                     f"{folder}; merge the shares of one sharded build")
                results[pair] = result
                origin[pair] = folder
        for rel, path in _published_files(folder, manifest).items():
            if rel in files and files[rel].read_bytes() != path.read_bytes():
                raise GuideError(f"{rel} differs between {files[rel]} and {path}; merge the shares of one "
                                 "sharded build")
            files.setdefault(rel, path)
    order = {slug: i for i, slug in enumerate(guide_slugs(project.root))}
    languages = {lang: i for i, lang in enumerate(project.all_languages())}
    ordered = sorted(results.values(), key=lambda r: (order.get(r.slug, len(order)), r.slug,
                                                      languages.get(r.lang, len(languages)), r.lang))
    report = BuildReport(results=ordered,
                         titles={slug: titles[slug] for slug in dict.fromkeys(r.slug for r in ordered)})
    staging = BuildOptions(out_dir=out_dir).state_dir / "tmp"  # beside the site, never in it
    for rel, path in files.items():
        target, data = out_dir / rel, path.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            atomic_write(target, data, staging)
    from .executor import where_weasyprint_runs
    from .site import MANIFEST, site_files  # the portal's stage: fonts, templates

    writes, _listed = site_files(project, out_dir, report, where_weasyprint_runs(BuildOptions(out_dir=out_dir), None))
    for target, data in writes:  # the manifest last
        if not target.is_file() or target.read_bytes() != data:
            atomic_write(target, data, staging)
    report.manifest_path = str(out_dir / MANIFEST)
    return report
