"""Preview: serve the built site on 127.0.0.1 and rebuild what changed when a file is saved."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Set
from pathlib import Path

from watchfiles import watch

from .build import build
from .config import CHROME_DOMAIN, Project, guide_slugs, load_project
from .model import BuildReport
from .render import TEMPLATES
from .state import BuildOptions


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the rebuild lines are what a translator reads
        pass


def start_server(out_dir: Path, port: int) -> http.server.ThreadingHTTPServer:
    """Serve out_dir on 127.0.0.1 (port 0 picks a free one) in a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(out_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def affected(project: Project, changes: Set[tuple[object, str]]) -> set[str] | None:
    """Guides a set of changed paths touches (None: all of them)."""
    slugs: set[str] = set()
    for _change, raw in changes:
        path = Path(raw).resolve()
        if project.guides_dir.resolve() in path.parents:
            slugs.add(path.relative_to(project.guides_dir.resolve()).parts[0])
        elif (project.locales_dir.resolve() in path.parents and path.suffix in (".po", ".pot")
              and path.stem != CHROME_DOMAIN):  # the page chrome is in every guide
            slugs.add(path.stem)
        else:  # templates, settings: everything may change
            return None
    return slugs or None


def serve(root: Path, out_dir: Path, port: int, announce: Callable[[str], None],
          stop: threading.Event | None = None) -> None:
    """Build, serve, then rebuild on every save until stop is set (or Ctrl-C)."""
    project = load_project(root)
    options = BuildOptions(out_dir=out_dir)
    report = build(project, guide_slugs(project.root), options)
    server = start_server(out_dir, port)
    announce(f"Serving {out_dir} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    _announce_report(report, announce)
    watched = [project.guides_dir, project.locales_dir, Path(str(TEMPLATES)), project.config_path]
    try:
        for changes in watch(*[str(p) for p in watched if p.exists()], stop_event=stop):
            project = load_project(root)
            slugs = affected(project, changes)
            targets = sorted(slugs) if slugs else guide_slugs(project.root)
            targets = [s for s in targets if s in guide_slugs(project.root)]
            # Every language of the guides: one catalog's coverage changes the others' language menus,
            # and the build skips what is unchanged anyway.
            report = build(project, targets, BuildOptions(out_dir=out_dir))
            _announce_report(report, announce)
    finally:
        server.shutdown()


def _announce_report(report: BuildReport, announce: Callable[[str], None]) -> None:
    rebuilt = [f"{r.slug}/{r.lang}" for r in report.results if r.rebuilt]
    failed = [f"{r.slug}/{r.lang}: {r.reason}" for r in report.results if r.status == "failed"]
    announce(f"rebuilt {len(rebuilt)}: {', '.join(rebuilt) or 'nothing changed'}")
    for line in failed:
        announce(f"failed {line}")
