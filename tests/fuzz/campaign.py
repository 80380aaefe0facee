"""Seeded mutation fuzzing of guidebuilder's readers: guide.md, .po catalogs and guidebuilder.toml.

Each mutant is fed to the stage functions in-process. A GuideError whose every line reads
``path:line: message`` is a pass; any other exception is a traceback a user would have seen;
a case slower than the time limit is a hang. ``python tests/fuzz/campaign.py`` runs the long
campaign (``make fuzz``) and writes a summary table to build/fuzz/summary.md.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from guidebuilder.errors import GuideError  # noqa: E402

TIME_LIMIT = 5.0  # seconds for one case; a reader is linear, the slowest good case takes ~0.3 s
FUZZ_LANGS = ("bn", "ur", "km")
ERROR_LINE = re.compile(r"^(?P<path>[\w./-]+):(?P<line>\d+): \S.*$")

GUIDE_FRAGMENTS = [
    b"---\n", b"---", b"<<: {title: \"x\"}\n", b"date: 2026-13-45\n", b"date: 2026-02-30\n",
    b"date: 2026-11-01 25:00:00\n", b"title:\n", b"title: \"\"\n", b"organization Test\n", b"version: 1.5\n",
    b"date: !!timestamp 2026-99-99\n", b"title: &a [*a]\n", b"title: !!python/object:os.system x\n",
    b"? [a, b]\n: c\n", b"[^1]\n", b"[^1]: note\n", b"^[inline note]\n", b"![](images/nothing.png)\n",
    b"![alt](../../guidebuilder.toml)\n", b"<div>raw</div>\n", b"::: callout\n", b":::\n", b"| a | b |\n|---|\n",
    b"> quote\n", b"```\n", b"    code\n", b"[x](javascript:alert(1))\n", b"***\n", b"**\n", b"*a **b* c**\n",
    b"\\\n", b"1. \n", b"- \n", b"# \n", b"[^[^[^[^\n", b"[a]{1}\n", b"<https://example.org>\n", b"\x7f",
    b"\x00", b"\r", b"\r\n", b"\t", b"\xef\xbb\xbf", b"&#0;\n", b"[[[[[[[[\n",
]
PO_FRAGMENTS = [
    b"msgid \"\"\n", b"msgstr \"\n", b"\\n\n", b"msgid_plural \"x\"\n", b"msgstr[0] \"\"\n", b"msgstr[9] \"x\"\n",
    b"#~ msgid \"gone\"\n", b"#, fuzzy\n", b"#, python-brace-format\n", b"msgctxt \"c\"\n", b"#| msgid \"old\"\n",
    b"\"Content-Type: text/plain; charset=CHARSET\\n\"\n", b"\"Language: xx\\n\"\n", b"\"Language: \\n\"\n",
    b"\"Plural-Forms: nplurals=0; plural=;\\n\"\n", b"msgstr \"{x}\"\n", b"msgstr \"\\q\"\n", b"\"\n",
    b"msgid \"Fixture Guide\"\nmsgstr \"again\"\n", b"#: guides/x/guide.md:abc\n", b"msgstr \"**\"\n",
    b"msgstr \"[a]{9}\"\n", b"msgstr \"<script>\"\n", b"msgstr \"[^[^[^[^\"\n", b"\x7f", b"\x00",
    b"\xef\xbb\xbf",
]
TOML_FRAGMENTS = [
    b"[project]\n", b"languages = \"bn\"\n", b"languages = [1, 2]\n", b"min_coverage = \"x\"\n", b"paper = 4\n",
    b"paper = \"a5\"\n", b"[locales.bn]\n", b"[locales.xx]\n", b"digits = \"urdu\"\n", b"justify = \"no\"\n",
    b"[[project]]\n", b"source_language = \"\"\n", b"[guides.x]\nmin_coverage = 2\n", b"[urls]\nbn = 3\n",
    b"locales = 1\n", b"= x\n", b"\"\n", b"\x00", b"\xff",
]
INVALID_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80", b"\xe2\x82"]
HUGE = [b"a" * 70_000, b"w" * 100_000 + b"@", b"[^" * 30_000, b"*a" * 30_000, b"\\*" * 30_000,
        b"`" * 60_000, b"[" * 30_000, b"x" * 60_000, b"a@" * 30_000, b"- " * 30_000, b">" * 30_000]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _mutate_once(data: bytes, fragments: list[bytes], rng: random.Random) -> bytes:
    """One random change: a byte flip, truncation, line edit, fragment, bad encoding or huge field."""
    op = rng.randrange(10)
    if not data:
        return rng.choice(fragments)
    if op == 0:  # flip bits
        buf = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        return bytes(buf)
    if op == 1:  # truncate
        return data[: rng.randrange(len(data))]
    lines = _lines(data)
    at = rng.randrange(len(lines))
    if op == 2:  # delete lines
        del lines[at: at + rng.randint(1, 3)]
    elif op == 3:  # duplicate a line
        lines.insert(at, lines[at])
    elif op == 4:  # swap two lines
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    elif op in (5, 6):  # structural fragment at a line start or inside a line
        fragment = rng.choice(fragments)
        if op == 5:
            lines.insert(at, fragment.rstrip(b"\n"))
        else:
            cut = rng.randint(0, len(lines[at]))
            lines[at] = lines[at][:cut] + fragment.rstrip(b"\n") + lines[at][cut:]
    elif op == 7:  # invalid encoding
        cut = rng.randint(0, len(lines[at]))
        lines[at] = lines[at][:cut] + rng.choice(INVALID_BYTES) + lines[at][cut:]
    elif op == 8:  # a huge field, inside quotes when the line has them
        huge = rng.choice(HUGE)
        quote = lines[at].rfind(b'"')
        cut = quote if quote > 0 else len(lines[at])
        lines[at] = lines[at][:cut] + huge + lines[at][cut:]
    else:  # a control character
        cut = rng.randint(0, len(lines[at]))
        lines[at] = lines[at][:cut] + bytes([rng.choice([0, 1, 8, 11, 12, 27, 127])]) + lines[at][cut:]
    return b"\n".join(lines)


def mutate(data: bytes, fragments: list[bytes], rng: random.Random) -> bytes:
    """One to three random changes to data."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        data = _mutate_once(data, fragments, rng)
    return data


def make_project(target: Path) -> Path:
    """A copy of the sample project (its guides, catalogs and config) with templates extracted."""
    from guidebuilder.config import guide_slugs, load_project
    from guidebuilder.extract import extract

    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "guides", target / "guides")
    shutil.copytree(ROOT / "tests/data/project/guides/fixture", target / "guides/fixture")
    (target / "locales").mkdir()
    for pot in (ROOT / "locales").glob("*.pot"):
        shutil.copy(pot, target / "locales")
    for lang in FUZZ_LANGS:
        (target / "locales" / lang / "LC_MESSAGES").mkdir(parents=True)
        for po in (ROOT / "locales" / lang / "LC_MESSAGES").glob("*.po"):
            shutil.copy(po, target / "locales" / lang / "LC_MESSAGES")
        fixture = ROOT / "tests/data/project/locales" / lang / "LC_MESSAGES/fixture.po"
        if fixture.is_file():
            shutil.copy(fixture, target / "locales" / lang / "LC_MESSAGES")
    shutil.copy(ROOT / "guidebuilder.toml", target)
    (target / "fonts").symlink_to(ROOT / "fonts")
    project = load_project(target)
    extract(project, guide_slugs(project.root))
    return target


@dataclass
class Seed:
    """A file to mutate, and how to feed a mutant of it to guidebuilder."""

    kind: str
    path: Path  # where the mutant is written inside the fuzz project
    data: bytes
    fragments: list[bytes]
    run: Callable[[Path], None]


def _run_guide(root: Path, slug: str) -> None:
    from guidebuilder.catalogs import format_catalog
    from guidebuilder.extract import build_template, creation_date
    from guidebuilder.source import read_guide

    format_catalog(build_template(read_guide(root, slug), creation_date()))


def _run_catalog(root: Path, path: Path, lang: str) -> None:
    from guidebuilder.catalogs import coverage, format_catalog, merge, read_catalog

    rel = path.relative_to(root).as_posix()
    catalog = read_catalog(path, rel, expect_lang=lang)
    coverage(catalog)
    pot = root / "locales" / f"{path.stem}.pot"
    template = read_catalog(pot, pot.relative_to(root).as_posix())
    format_catalog(merge(catalog, template))


_CHECKERS: dict = {}


def _run_check(root: Path, path: Path, lang: str) -> None:
    """`guidebuilder check` on one catalog; its findings are printed lines, never exceptions."""
    from guidebuilder.check import CatalogChecker
    from guidebuilder.config import load_project

    if (root, lang) not in _CHECKERS:
        _CHECKERS[root, lang] = CatalogChecker(load_project(root), lang)
    for finding in _CHECKERS[root, lang].check_file(path):
        if not ERROR_LINE.match(f"{finding.path}:{finding.line}: {finding.message}") or "\n" in finding.message:
            raise AssertionError(f"finding is not one path:line line: {finding}")


def _run_config(root: Path) -> None:
    from guidebuilder.config import load_project

    load_project(root)


def seeds(root: Path, kinds: tuple[str, ...] = ("guide", "po", "check", "toml")) -> list[Seed]:
    """The sample files of a fuzz project, each with the stage that reads it."""
    found: list[Seed] = []
    for guide in sorted((root / "guides").glob("*/guide.md")):
        slug = guide.parent.name
        found.append(Seed("guide", guide, guide.read_bytes(), GUIDE_FRAGMENTS,
                          lambda r, slug=slug: _run_guide(r, slug)))
    for po in sorted((root / "locales").glob("*/LC_MESSAGES/*.po")):
        lang = po.parent.parent.name
        found.append(Seed("po", po, po.read_bytes(), PO_FRAGMENTS,
                          lambda r, po=po, lang=lang: _run_catalog(r, po, lang)))
        if po.stem == "fixture":
            found.append(Seed("check", po, po.read_bytes(), PO_FRAGMENTS,
                              lambda r, po=po, lang=lang: _run_check(r, po, lang)))
    config = root / "guidebuilder.toml"
    found.append(Seed("toml", config, config.read_bytes(), TOML_FRAGMENTS, _run_config))
    return [seed for seed in found if seed.kind in kinds]


@dataclass
class Outcome:
    """What one mutant did."""

    status: str  # accepted, error (a GuideError), traceback, bad-message, over-time
    seconds: float
    detail: str = ""


class _Hung(BaseException):
    """Raised by the alarm when a case runs far past the limit (BaseException: no except clause eats it)."""


def _alarm(_signum, _frame) -> None:
    raise _Hung()


def run_case(root: Path, seed: Seed, mutant: bytes, limit: float = TIME_LIMIT) -> Outcome:
    """Write one mutant, run its stage, restore the seed file; classify what happened."""
    seed.path.write_bytes(mutant)
    use_alarm = hasattr(signal, "setitimer")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, limit * 3)
    start = time.perf_counter()
    try:
        seed.run(root)
        outcome = Outcome("accepted", 0.0)
    except GuideError as exc:
        lines = str(exc).splitlines()
        bad = [line for line in lines if not ERROR_LINE.match(line)]
        outcome = Outcome("bad-message", 0.0, "\n".join(bad)) if bad or not lines else Outcome("error", 0.0, str(exc))
    except _Hung:
        outcome = Outcome("over-time", 0.0, f"stopped after {limit * 3:.0f} s")
    except Exception:  # noqa: BLE001 - this is what the fuzzer is looking for
        outcome = Outcome("traceback", 0.0, traceback.format_exc())
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        seed.path.write_bytes(seed.data)
    outcome.seconds = time.perf_counter() - start
    if outcome.status in ("accepted", "error") and outcome.seconds > limit:
        outcome = Outcome("over-time", outcome.seconds, f"{outcome.seconds:.1f} s")
    return outcome


@dataclass
class Tally:
    """Counts for one input kind."""

    mutants: int = 0
    accepted: int = 0
    errors: int = 0
    tracebacks: int = 0
    bad_messages: int = 0
    over_time: int = 0
    slowest: float = 0.0
    failures: list[tuple[bytes, Outcome]] = field(default_factory=list)

    def add(self, mutant: bytes, outcome: Outcome) -> None:
        self.mutants += 1
        self.slowest = max(self.slowest, outcome.seconds)
        attr = {"accepted": "accepted", "error": "errors", "traceback": "tracebacks",
                "bad-message": "bad_messages", "over-time": "over_time"}[outcome.status]
        setattr(self, attr, getattr(self, attr) + 1)
        if outcome.status not in ("accepted", "error"):
            self.failures.append((mutant, outcome))


KIND_LABELS = {"guide": "guide.md (extract)", "po": ".po (catalog reader, update)",
               "check": ".po (check)", "toml": "guidebuilder.toml (load_project)"}


def campaign(root: Path, cases: int, seed: int = 0, kinds: tuple[str, ...] = ("guide", "po", "check", "toml"),
             share: dict[str, float] | None = None, limit: float = TIME_LIMIT) -> dict[str, Tally]:
    """Run `cases` mutants split across the kinds; deterministic for a given seed."""
    share = share or {"guide": 0.4, "po": 0.3, "check": 0.1, "toml": 0.2}
    weights = {kind: share.get(kind, 0.0) for kind in kinds}
    total = sum(weights.values())
    rng = random.Random(seed)
    all_seeds = seeds(root, kinds)
    tallies: dict[str, Tally] = {}
    for kind in kinds:
        pool = [s for s in all_seeds if s.kind == kind]
        tally = tallies.setdefault(kind, Tally())
        for _ in range(round(cases * weights[kind] / total)):
            chosen = rng.choice(pool)
            mutant = mutate(chosen.data, chosen.fragments, rng)
            tally.add(mutant, run_case(root, chosen, mutant, limit))
    return tallies


def table(tallies: dict[str, Tally], limit: float) -> str:
    """The summary as a Markdown table."""
    rows = ["| input kind | mutants | refused with path:line error | accepted | tracebacks | "
            f"malformed messages | over time limit ({limit:g} s) | slowest |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for kind, t in tallies.items():
        rows.append(f"| {KIND_LABELS[kind]} | {t.mutants} | {t.errors} | {t.accepted} | {t.tracebacks} | "
                    f"{t.bad_messages} | {t.over_time} | {t.slowest:.2f} s |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """The long campaign: mutants of every sample file, a summary table, failing inputs kept."""
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20260315)
    parser.add_argument("--limit", type=float, default=TIME_LIMIT)
    parser.add_argument("--kinds", default="guide,po,check,toml")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "fuzz")
    args = parser.parse_args(argv)
    kinds = tuple(args.kinds.split(","))
    with tempfile.TemporaryDirectory(prefix="guidebuilder-fuzz-") as tmp:
        root = make_project(Path(tmp) / "project")
        started = time.perf_counter()
        tallies = campaign(root, args.cases, args.seed, kinds, limit=args.limit)
        elapsed = time.perf_counter() - started
    summary = (f"# Fuzz campaign: {args.cases} cases, seed {args.seed}, {elapsed:.0f} s\n\n"
               + table(tallies, args.limit))
    args.out.mkdir(parents=True, exist_ok=True)
    failures = args.out / "failures"
    shutil.rmtree(failures, ignore_errors=True)
    for kind, tally in tallies.items():
        for number, (mutant, outcome) in enumerate(tally.failures):
            (failures / kind).mkdir(parents=True, exist_ok=True)
            (failures / kind / f"{number:04d}.input").write_bytes(mutant)
            (failures / kind / f"{number:04d}.{outcome.status}.txt").write_text(outcome.detail)
    (args.out / "summary.md").write_text(summary)
    sys.stdout.write(summary)
    sys.stdout.write(f"\nwritten: {args.out / 'summary.md'}; failing inputs under {failures}\n")
    broken = sum(t.tracebacks + t.bad_messages + t.over_time for k, t in tallies.items() if k != "toml")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
