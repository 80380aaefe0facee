"""Executor: runs the planned jobs, in worker processes when there are several.

One language failing never stops the others. A GuideError says what to fix
and is reported as it is; any other exception is a bug: its one-line summary
names the exception and the guidebuilder line it came from, and its whole
traceback goes to build/.guidebuilder/site/errors.log.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalogs import atomic_write
from .config import Project
from .errors import GuideError
from .fonts import isolate_fontconfig
from .locales import facts_for
from .model import LanguageResult, Status
from .outputs import OutputKind
from .planner import JobSpec
from .state import BuildOptions
from .translate import Translation

ERRORS_LOG = "errors.log"
# Memory one worker may need: WeasyPrint holds a whole document's layout until the PDF is written.
# Measured (peak RSS of each worker process, psutil at 50 Hz): 158 MB on the sample's
# longest guide (responding-to-hate, 8 to 11 pages a language), 527 MB on the same guide ten times
# over (74 pages a language); so 512 MB holds a guide of about 70 pages.
WORKER_MEMORY = 512 * 2**20
MEMINFO = Path("/proc/meminfo")
PACKAGE_PARENT = Path(__file__).resolve().parent.parent  # frames under it are guidebuilder's own


@dataclass
class Finished:
    """A job's result, with the traceback of the unexpected exception that failed it."""

    spec: JobSpec
    result: LanguageResult
    trace: str = ""


def describe(exc: BaseException) -> str:
    """One line for an exception: a GuideError's own message, else `Type: message (guidebuilder/x.py:123)`."""
    if isinstance(exc, GuideError):
        return str(exc)
    line = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(PACKAGE_PARENT / "guidebuilder"):
            return f"{line} ({path.relative_to(PACKAGE_PARENT).as_posix()}:{frame.lineno})"
    return line


def run_guarded(run: Callable[..., LanguageResult], project: Project, spec: JobSpec, options: BuildOptions,
                kinds: list[OutputKind], translation: Translation | None = None) -> Finished:
    """Run one job, turning any exception into a failed result (in the worker, where its traceback is)."""
    try:
        return Finished(spec, run(project, spec, options, kinds, translation))
    except Exception as exc:  # noqa: BLE001  one language failing never stops the others
        trace = "" if isinstance(exc, GuideError) else "".join(traceback.format_exception(exc))
        return Finished(spec, _failed(spec, describe(exc)), trace)


def _failed(spec: JobSpec, reason: str) -> LanguageResult:
    return LanguageResult(spec.slug, spec.lang, facts_for(spec.lang).direction, Status.FAILED, reason)


def warm_worker(conf_dir: Path) -> None:
    """A worker's start: isolate fontconfig, then import WeasyPrint (about a second) before any job needs it."""
    isolate_fontconfig(conf_dir)
    from .pdf import _weasyprint

    _weasyprint()


def _ready() -> None:
    """A task that makes the pool start a worker."""


def available_memory() -> int | None:
    """Bytes of memory the system can give new processes without swapping (None when it cannot tell)."""
    try:
        for line in MEMINFO.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024  # the kernel writes kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil  # type: ignore[import-untyped]  # optional: where /proc/meminfo is missing
    except ImportError:
        return None
    return int(psutil.virtual_memory().available)


def worker_count(cpus: int | None, available: int | None, budget: int = WORKER_MEMORY) -> int:
    """Workers for --jobs 0: one per CPU, no more than the available memory holds at budget bytes each, at least 1."""
    workers = cpus or 1
    if available is not None:
        workers = min(workers, available // budget)
    return max(1, workers)


def build_workers(jobs: int) -> int:
    """How many processes run a build's jobs: --jobs when given, else sized from the CPUs and the free memory."""
    return jobs if jobs > 0 else worker_count(os.cpu_count(), available_memory())


@contextmanager
def start_workers(options: BuildOptions, workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """The build's worker processes, started now so that they warm up while the build plans (None: one job at a time).

    Each worker lives for the whole build and runs many jobs.
    """
    if workers <= 1:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_worker,
                             initargs=(options.state_dir,)) as pool:
        for _ in range(workers):  # the pool starts one process per task submitted while none is idle
            pool.submit(_ready)
        yield pool


def where_weasyprint_runs(options: BuildOptions, pool: ProcessPoolExecutor | None) -> Callable[..., Any]:
    """call(fn, *args): fn(*args) where the build's WeasyPrint lives, in a worker of the pool or here.

    Here, fontconfig is isolated first. With workers, the build's own process never
    imports WeasyPrint (about a second) nor starts fontconfig; a pool whose workers
    died runs it here instead.
    """
    def here(fn: Callable[..., Any], *args: Any) -> Any:
        isolate_fontconfig(options.state_dir)
        return fn(*args)

    if pool is None:
        return here

    def in_worker(fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return pool.submit(fn, *args).result()
        except BrokenExecutor:
            return here(fn, *args)

    return in_worker


def run_jobs(project: Project, jobs: list[JobSpec], options: BuildOptions, kinds: list[OutputKind],
             run: Callable[..., LanguageResult],
             loaded: dict[tuple[str, str], Translation] | None = None,
             pool: ProcessPoolExecutor | None = None) -> Iterator[Finished]:
    """Run run(project, spec, options, kinds, translation) for each job; yields each as it finishes.

    loaded holds the catalogs the build already read, by (slug, lang); a job without one reads its own.
    pool runs the jobs when given (start_workers); otherwise they run here.
    """
    loaded = loaded or {}
    if pool is None:
        isolate_fontconfig(options.state_dir)
        for spec in jobs:
            yield run_guarded(run, project, spec, options, kinds, loaded.get((spec.slug, spec.lang)))
        return
    futures = {pool.submit(run_guarded, run, project, spec, options, kinds,
                           loaded.get((spec.slug, spec.lang))): spec for spec in jobs}
    for future in as_completed(futures):
        spec = futures[future]
        try:
            yield future.result()
        except Exception as exc:  # noqa: BLE001  the worker itself died (killed, out of memory)
            yield Finished(spec, _failed(spec, describe(exc)), "".join(traceback.format_exception(exc)))


def write_errors_log(state_dir: Path, finished: list[Finished]) -> Path | None:
    """build/.guidebuilder/site/errors.log: every unexpected exception's traceback of this build (removed when none)."""
    path = state_dir / ERRORS_LOG
    traces = [f"{f.spec.slug}/{f.spec.lang}: {f.result.reason}\n{f.trace}" for f in finished if f.trace]
    if not traces:
        path.unlink(missing_ok=True)
        return None
    atomic_write(path, "\n".join(traces).encode("utf-8"))
    return path
