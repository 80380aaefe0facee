"""Preview: serve the built site on 127.0.0.1 and rebuild what changed when a file is saved.

A saved catalog's web page is rebuilt first, in this process, and the browser is
told to reload (server-sent events on /__reload, from the same server: no other
daemon); the regular build follows with the PDF and the checks, and tells it again.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Set
from pathlib import Path

from watchfiles import watch

from .build import build
from .config import CHROME_DOMAIN, Project, guide_slugs, load_project
from .model import BuildReport, LanguageResult, Status
from .render import TEMPLATES
from .state import BuildOptions

EVENTS_PATH = "/__reload"
# Added to every HTML page the preview serves (never to the built files): reload when this page was rebuilt.
RELOAD_SCRIPT = (
    '<script>new EventSource("' + EVENTS_PATH + '").addEventListener("reload", function (e) {'
    ' var here = location.pathname.replace(/\\/$/, "/index.html").replace(/^\\//, "");'
    ' if (e.data === "*" || e.data === here) { location.reload(); } });</script>'
)


class Broadcaster:
    """Tells every open /__reload stream which page was rebuilt (a path relative to the site, or "*")."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._events: list[str] = []
        self.closed = False

    def send(self, path: str) -> None:
        """Announce that path (relative to the site) changed."""
        with self._changed:
            self._events.append(path)
            self._changed.notify_all()

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, list[str]]:
        """The events after the first seen ones, waiting up to timeout seconds for one."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._events) > seen or self.closed, timeout)
            return len(self._events), self._events[seen:]

    @property
    def count(self) -> int:
        """How many events were sent so far (a new stream starts after them)."""
        with self._changed:
            return len(self._events)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    live: Broadcaster | None = None

    def log_message(self, format: str, *args: object) -> None:  # the rebuild lines are what a translator reads
        pass

    def do_GET(self) -> None:
        if self.live is not None and self.path.split("?")[0] == EVENTS_PATH:
            self._stream(self.live)
            return
        path = Path(self.translate_path(self.path))
        if self.live is not None and (path / "index.html" if path.is_dir() else path).suffix == ".html":
            self._page(path / "index.html" if path.is_dir() else path)
            return
        super().do_GET()

    def _page(self, path: Path) -> None:
        if not path.is_file():
            self.send_error(404)
            return
        html = path.read_bytes()
        at = html.rfind(b"</body>")
        data = html[:at] + RELOAD_SCRIPT.encode() + html[at:] if at >= 0 else html
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, live: Broadcaster) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = live.count
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not live.closed:
                seen, events = live.wait(seen, 15)
                lines = [f"event: reload\ndata: {path}\n\n" for path in events] or [": keep-alive\n\n"]
                self.wfile.write("".join(lines).encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away


def start_server(out_dir: Path, port: int, live: Broadcaster | None = None) -> http.server.ThreadingHTTPServer:
    """Serve out_dir on 127.0.0.1 (port 0 picks a free one) in a background thread; live adds page reloads."""
    handler_class = type("Handler", (_QuietHandler,), {"live": live})
    handler = functools.partial(handler_class, directory=str(out_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True  # open event streams never hold the process
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


def edited_catalogs(project: Project, changes: Set[tuple[object, str]]) -> list[tuple[str, str]]:
    """(guide slug, language) of each saved guide catalog among changes, when those are all the changes."""
    pairs = []
    locales = project.locales_dir.resolve()
    for _change, raw in changes:
        path = Path(raw).resolve()
        rel = path.relative_to(locales).parts if locales in path.parents else ()
        if len(rel) != 3 or rel[1] != "LC_MESSAGES" or path.suffix != ".po" or path.stem == CHROME_DOMAIN:
            return []
        pairs.append((path.stem, rel[0]))
    return sorted(set(pairs))


def preview_page(project: Project, out_dir: Path, slug: str, lang: str) -> str | None:
    """Rebuild one guide x language's web page in this process, ahead of the full build; its path, or None.

    The language menu and the PDF's size are those of the last build, which the
    full build that follows brings up to date.
    """
    from . import outputs
    from .errors import GuideError
    from .job import build_one
    from .planner import JobSpec
    from .state import load_state

    options = BuildOptions(out_dir=out_dir, formats=("html",), only_formats=True)
    decisions = load_state(options.state_dir).get("decisions", {})
    on_site = (Status.PUBLISHED.value, Status.OUTDATED.value)  # an outdated language keeps its page in the menu
    menu = tuple(code for code in project.all_languages()
                 if decisions.get(f"{slug}/{code}", {}).get("status") in on_site)
    if lang not in menu:
        return None  # not published (yet): the full build decides
    spec = JobSpec(slug, lang, menu, "preview", float(decisions[f"{slug}/{lang}"].get("coverage", 0.0)))
    try:
        result = build_one(project, spec, options, outputs.selected(("html",)))
    except (GuideError, OSError, ValueError):
        return None  # the full build reports it
    return result.html


def serve(root: Path, out_dir: Path, port: int, announce: Callable[[str], None],
          stop: threading.Event | None = None) -> None:
    """Build, serve, then rebuild on every save until stop is set (or Ctrl-C)."""
    project = load_project(root)
    options = BuildOptions(out_dir=out_dir)
    # A first build can take a minute (every PDF, after an upgrade): say why nothing is served yet.
    announce(f"Building {out_dir} first; the preview starts when it is up to date")
    report = build(project, guide_slugs(project.root), options)
    live = Broadcaster()
    server = start_server(out_dir, port, live)
    # Load the page stages in this process now, so the first save previews as fast as the next.
    for result in report.results[:1]:
        if result.status is Status.PUBLISHED:
            preview_page(project, out_dir, result.slug, result.lang)
    watched = [project.guides_dir, project.locales_dir, Path(str(TEMPLATES)), project.config_path]
    ready = False
    try:
        # yield_on_timeout: the first (empty) round says the watcher is running, so a save made as soon as
        # the address is printed is seen.
        for changes in watch(*[str(p) for p in watched if p.exists()], stop_event=stop, step=20,
                             rust_timeout=500, yield_on_timeout=True):
            if not ready:
                announce(f"Serving {out_dir} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
                _announce_report(report, announce)
                ready = True
            if not changes:
                continue
            project = load_project(root)
            for slug, lang in edited_catalogs(project, changes):
                page = preview_page(project, out_dir, slug, lang)
                if page:
                    live.send(page)
                    announce(f"preview {page}")
            slugs = affected(project, changes)
            targets = sorted(slugs) if slugs else guide_slugs(project.root)
            targets = [s for s in targets if s in guide_slugs(project.root)]
            # Every language of the guides: one catalog's coverage changes the others' language menus,
            # and the build skips what is unchanged anyway.
            report = build(project, targets, BuildOptions(out_dir=out_dir), _announcer(live))
            live.send("index.html")
            _announce_report(report, announce)
    finally:
        live.close()
        server.shutdown()


def _announcer(live: Broadcaster) -> Callable[[str, LanguageResult | None], None]:
    """A build progress callback that announces each rebuilt language's files as soon as its job is done."""

    def progress(event: str, result: LanguageResult | None) -> None:
        if event == "done" and result is not None and result.rebuilt:
            for output in result.outputs:
                live.send(output.path)

    return progress


def _announce_report(report: BuildReport, announce: Callable[[str], None]) -> None:
    rebuilt = [f"{r.slug}/{r.lang}" for r in report.results if r.rebuilt]
    failed = [f"{r.slug}/{r.lang}: {r.reason}" for r in report.results if r.status == "failed"]
    announce(f"rebuilt {len(rebuilt)}: {', '.join(rebuilt) or 'nothing changed'}")
    for line in failed:
        announce(f"failed {line}")
