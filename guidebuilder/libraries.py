"""Shared-library lookups (ctypes.util.find_library), answered once per machine state instead of every time.

cffi (under WeasyPrint's Pango, HarfBuzz and fontconfig bindings) calls
ctypes.util.find_library for every name WeasyPrint tries, about 22 names per
process; a name that is not found costs 10 to 25 ms, since Python then runs gcc
and ld to look for it. Each worker process of a build would pay that again
(about 0.3 s). install() replaces find_library with a version that remembers
its answers in memory and in <cache>/libraries.json, keyed by what decides
them: /etc/ld.so.cache (rewritten whenever a library is installed) and
LD_LIBRARY_PATH. Call it before anything imports WeasyPrint or cffi.
"""

from __future__ import annotations

import ctypes.util
import functools
import json
import os
from collections.abc import Callable
from pathlib import Path

LD_CACHE = Path("/etc/ld.so.cache")
_ORIGINAL: Callable[[str], str | None] = ctypes.util.find_library


def _machine_key() -> str:
    try:
        stat = LD_CACHE.stat()
        ld_cache = f"{stat.st_mtime_ns}:{stat.st_size}"
    except OSError:
        ld_cache = "none"
    return f"{ld_cache}|{os.environ.get('LD_LIBRARY_PATH', '')}"


def _cache_file() -> Path:
    from .fonts import cache_root  # late: fonts is heavier than what a no-op build loads

    return cache_root() / "libraries.json"


@functools.cache
def _remembered() -> dict[str, str | None]:
    """The answers an earlier process gave on this machine state ({} when none or stale)."""
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("key") != _machine_key() or not isinstance(data.get("found"), dict):
        return {}
    return dict(data["found"])


def _remember(found: dict[str, str | None]) -> None:
    path = _cache_file()
    data = json.dumps({"key": _machine_key(), "found": found}, sort_keys=True, indent=1)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}")
        temp.write_text(data, encoding="utf-8")
        os.replace(temp, path)  # atomic: concurrent workers each write a whole file
    except OSError:
        pass  # a read-only cache only costs the lookups


@functools.cache
def find_library(name: str) -> str | None:
    """ctypes.util.find_library(name), remembered in memory and across processes."""
    found = _remembered()
    if name in found:
        return found[name]
    result = _ORIGINAL(name)
    found[name] = result
    _remember(found)
    return result


def install() -> None:
    """Make ctypes.util.find_library (used by cffi) the remembering find_library."""
    ctypes.util.find_library = find_library
