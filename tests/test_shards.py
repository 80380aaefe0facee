"""Sharded builds: `build-guides --shard K/N` on N machines, `guidebuilder site --from DIR...` to merge them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".guidebuilder" not in p.relative_to(folder).parts}


def _pairs(manifest: Path) -> set[tuple[str, str]]:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return {(guide["slug"], entry["lang"]) for guide in data["guides"] for entry in guide["languages"]}


def test_two_shards_merged_are_byte_identical_to_one_build(site, tmp_path):
    """The sample guides in all nine languages: shards 1/2 and 2/2 on separate folders, merged, against one build."""
    shards = []
    for k in (1, 2):
        out = tmp_path / f"shard{k}"
        out.mkdir()
        shutil.copy(site / "manifest.json", out / "manifest.json")  # CI restores the last build's manifest
        result = run_cli("build-guides", "--quiet", "--shard", f"{k}/2", "--out", str(out), cwd=ROOT)
        assert result.code == 0, result.stdout + result.stderr
        shards.append(out)
    first, second = _pairs(shards[0] / "manifest.json"), _pairs(shards[1] / "manifest.json")
    assert first and second and not first & second
    assert first | second == _pairs(site / "manifest.json")
    merged = tmp_path / "merged"
    result = run_cli("site", "--from", str(shards[0]), str(shards[1]), "--out", str(merged), cwd=ROOT)
    assert result.code == 0, result.stdout + result.stderr
    single, together = _files(site), _files(merged)
    assert sorted(together) == sorted(single)
    assert [name for name in single if single[name] != together[name]] == []
    # Balanced by the pages the last build measured, not by count.
    pages = {(g["slug"], e["lang"]): sum(o.get("pages") or 0 for o in e["outputs"])
             for g in json.loads((site / "manifest.json").read_text())["guides"] for e in g["languages"]}
    loads = sorted(sum(pages[pair] for pair in share) for share in (first, second))
    assert loads[1] - loads[0] <= max(pages.values())


def test_shares_are_balanced_by_weight_heaviest_first():
    from guidebuilder.shards import assign

    weights = {("a", "en"): 10, ("b", "en"): 7, ("c", "en"): 5, ("d", "en"): 4, ("e", "en"): 3}
    # a -> 1 (10); b -> 2 (7); c -> 2 (12); d -> 1 (14); e -> 2 (15)
    assert assign(weights, 2) == [[("a", "en"), ("d", "en")], [("b", "en"), ("c", "en"), ("e", "en")]]
    assert assign(weights, 1) == [sorted(weights)]
    assert assign({("a", "en"): 1}, 3) == [[("a", "en")], [], []]


def test_equal_weights_split_by_name_the_same_way_every_time():
    from guidebuilder.shards import assign

    weights = {(slug, lang): 2 for slug in ("x", "y") for lang in ("bn", "en", "ur")}
    assert assign(weights, 2) == [[("x", "bn"), ("x", "ur"), ("y", "en")], [("x", "en"), ("y", "bn"), ("y", "ur")]]


def test_weights_come_from_the_previous_manifests_pages_else_the_source_length(project, tmp_path):
    from guidebuilder.config import load_project
    from guidebuilder.shards import pair_weights

    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"guides": [{"slug": "fixture", "title": "F", "languages": [
        {"lang": "bn", "outputs": [{"kind": "pdf", "pages": 12}, {"kind": "html", "pages": None},
                                   {"kind": "booklet", "pages": 8}]}]}]}))
    chars = len((project / "guides/fixture/guide.md").read_text(encoding="utf-8"))
    weights = pair_weights(load_project(project), [("fixture", "bn"), ("fixture", "en")], manifest)
    assert weights == {("fixture", "bn"): 20.0, ("fixture", "en"): 1 + chars / 2500}


@pytest.mark.parametrize("shard", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_a_bad_shard_is_one_line(project, cli, shard):
    result = cli("build-guides", "--shard", shard, cwd=project)
    assert (result.code, result.stderr) == (1, f"error: --shard must be K/N with 1 <= K <= N (e.g. 1/4), "
                                               f"not '{shard}'\n")
    assert not (project / "build").exists()


def test_merging_a_folder_without_a_manifest_is_one_line(project, cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = cli("site", "--from", str(tmp_path / "empty"), cwd=project)
    assert (result.code, result.stderr) == (1, f"error: {tmp_path}/empty/manifest.json: not found; pass the folders "
                                               "that 'build-guides --shard K/N' wrote\n")
    assert not (project / "build").exists()


def test_merging_the_same_pair_twice_is_refused(project, cli, tmp_path):
    out = tmp_path / "one"
    assert cli("build-guides", "--quiet", "--lang", "en", "--out", str(out), cwd=project).code == 0
    result = cli("site", "--from", str(out), str(out), "--out", str(tmp_path / "merged"), cwd=project)
    assert (result.code, result.stderr) == (1, f"error: fixture/en is in the manifests of both {out} and {out}; "
                                               "merge the shares of one sharded build\n")
    assert not (tmp_path / "merged").exists()


def test_merging_a_manifest_with_a_broken_entry_is_one_line(project, cli, tmp_path):
    shard = tmp_path / "shard"
    shard.mkdir()
    (shard / "manifest.json").write_text('{"guides": [{"title": "Fixture", "languages": []}]}')
    result = cli("site", "--from", str(shard), "--out", str(tmp_path / "merged"), cwd=project)
    assert (result.code, result.stderr) == (1, f"error: {shard}/manifest.json: not a guidebuilder manifest "
                                               "(a guide without 'slug'); build that shard again\n")
    assert not (tmp_path / "merged").exists()


def test_a_partial_build_after_a_merge_keeps_every_other_page(project, cli, tmp_path):
    """A merged site has no build state: `build-guides --lang bn --format html` keeps the other pages and bn's PDF."""
    shards = [tmp_path / "s1", tmp_path / "s2"]
    for k, out in enumerate(shards, start=1):
        result = cli("build-guides", "--quiet", "--shard", f"{k}/2", "--out", str(out), cwd=project)
        assert result.code == 0, result.stdout + result.stderr
    assert cli("site", "--from", *map(str, shards), cwd=project).code == 0
    site = project / "build" / "site"
    merged = _files(site)
    result = cli("build-guides", "--quiet", "--lang", "bn", "--format", "html", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    assert _pairs(site / "manifest.json") == {("fixture", "en"), ("fixture", "bn"), ("fixture", "ur")}
    after = _files(site)
    for name in ("fixture/en/fixture-en.pdf", "fixture/en/index.html", "fixture/ur/fixture-ur.pdf",
                 "fixture/ur/index.html", "fixture/bn/fixture-bn.pdf"):
        assert after[name] == merged[name], name
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    bn = next(e for e in manifest["guides"][0]["languages"] if e["lang"] == "bn")
    assert sorted(o["kind"] for o in bn["outputs"]) == ["html", "pdf"]


def test_a_shard_run_into_a_whole_site_leaves_the_other_pairs_pages(project, cli, tmp_path):
    """--shard 1/2 into the everyday build/site: only its own pairs are rebuilt and listed; the rest stay on disk,
    and a merge takes from that folder only what its manifest lists."""
    assert cli("build-guides", "--quiet", cwd=project).code == 0
    site = project / "build" / "site"
    whole = _files(site)
    second = tmp_path / "s2"
    second.mkdir()
    (second / "manifest.json").write_bytes(whole["manifest.json"])  # both shards split by the same last build
    assert cli("build-guides", "--quiet", "--force", "--shard", "1/2", cwd=project).code == 0
    mine = _pairs(site / "manifest.json")
    others = {("fixture", lang) for lang in ("en", "bn", "ur")} - mine
    assert mine and others
    after = _files(site)
    for name, data in whole.items():
        if tuple(name.split("/")[:2]) in others:
            assert after.get(name) == data, name
    assert cli("build-guides", "--quiet", "--shard", "2/2", "--out", str(second), cwd=project).code == 0
    merged = tmp_path / "merged"
    result = cli("site", "--from", str(site), str(second), "--out", str(merged), cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    assert _pairs(merged / "manifest.json") == {("fixture", lang) for lang in ("en", "bn", "ur")}
