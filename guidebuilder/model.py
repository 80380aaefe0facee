"""The build's typed results: what each guide x language came to, and the files it published.

Plain data, no I/O: the state file, the manifest and the summary all read these,
and each type has one serializer (to_dict / from_dict).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

# A JSON object as a JSON file (state, manifests) holds it: its values are whatever JSON type json.loads gives.
JsonObject = dict[str, Any]


class Status(StrEnum):
    """What became of one guide x language (str() and JSON give the value)."""

    PUBLISHED = "published"
    OUTDATED = "outdated"  # still published: the last edition, kept while translators catch up with the source
    SKIPPED = "skipped"
    FAILED = "failed"


# Keys only some kinds carry: a text message's length, an image's size in pixels.
_KIND_ONLY = ("chars", "sms_segments", "sms_encoding", "width_px", "height_px", "files")


@dataclass(frozen=True)
class Output:
    """One published file of a language (the PDF, the web page), as the manifest lists it."""

    kind: str  # the output kind's name, e.g. "pdf" or "html"
    path: str  # relative to the build folder, '/'-separated
    bytes: int
    sha256: str
    pages: int | None = None
    width_pt: float | None = None
    height_pt: float | None = None
    # A text message's length: characters, SMS segments and the SMS encoding ("GSM-7" or "UCS-2").
    chars: int | None = None
    sms_segments: int | None = None
    sms_encoding: str | None = None
    width_px: int | None = None  # an image's size
    height_px: int | None = None
    # The files the output's own file needs beside it (a web page's fonts and images), as path is written.
    files: tuple[str, ...] | None = None

    def to_dict(self) -> JsonObject:
        """The manifest's and state file's form (a text message's or an image's keys only on those)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in _KIND_ONLY or getattr(self, f.name) is not None}
        if self.files is not None:
            data["files"] = list(self.files)
        return data

    @classmethod
    def from_dict(cls, data: JsonObject) -> Output:
        """The inverse of to_dict."""
        if data.get("files") is not None:
            data = {**data, "files": tuple(data["files"])}
        return cls(**data)

    def paths(self) -> list[str]:
        """Every file of the output: its own, then the ones beside it."""
        return [self.path, *(self.files or ())]


# Keys of LanguageResult.to_dict that only this build's summary needs.
RUN_ONLY = ("rebuilt", "seconds")


@dataclass
class LanguageResult:
    """One guide x language: its status, why, and the outputs it published."""

    slug: str
    lang: str
    dir: str
    status: Status
    reason: str = ""
    coverage: float = 0.0
    outputs: list[Output] = field(default_factory=list)
    rebuilt: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # layout problems the reader would see
    # The source edition a translation that is no longer complete follows: {"version", "date"}.
    follows: JsonObject | None = None

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    @property
    def live(self) -> bool:
        """Whether the language has files on the site (published, or kept as an outdated edition)."""
        return self.status in (Status.PUBLISHED, Status.OUTDATED)

    def output(self, kind: str) -> Output | None:
        """This language's output of one kind, if it has one."""
        return next((o for o in self.outputs if o.kind == kind), None)

    @property
    def html(self) -> str | None:
        """The web page's path, when there is one."""
        found = self.output("html")
        return found.path if found else None

    @property
    def pdf(self) -> str | None:
        """The PDF's path, when there is one."""
        found = self.output("pdf")
        return found.path if found else None

    @property
    def pdf_pages(self) -> int | None:
        """The PDF's page count."""
        found = self.output("pdf")
        return found.pages if found else None

    @property
    def pdf_bytes(self) -> int | None:
        """The PDF's size in bytes."""
        found = self.output("pdf")
        return found.bytes if found else None

    @property
    def sha256(self) -> str | None:
        """The PDF's checksum."""
        found = self.output("pdf")
        return found.sha256 if found else None

    def to_dict(self, omit: tuple[str, ...] = ()) -> JsonObject:
        """The one serialized form (manifest, state file); the html/pdf keys repeat what outputs say."""
        data: JsonObject = {"slug": self.slug, "lang": self.lang, "dir": self.dir, "status": self.status.value,
                "reason": self.reason, "coverage": self.coverage, "html": self.html, "pdf": self.pdf,
                "pdf_pages": self.pdf_pages, "pdf_bytes": self.pdf_bytes, "sha256": self.sha256,
                "rebuilt": self.rebuilt, "seconds": self.seconds, "warnings": list(self.warnings),
                "outputs": [o.to_dict() for o in self.outputs]}
        if self.follows is not None:
            data["follows"] = dict(self.follows)
        for key in omit:
            data.pop(key, None)
        return data

    @classmethod
    def from_dict(cls, data: JsonObject, **override: object) -> LanguageResult:
        """The inverse of to_dict; keys it omitted take override or their defaults."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["outputs"] = [Output.from_dict(o) for o in values.get("outputs", [])]
        values.update(override)
        return cls(**values)

    def manifest_entry(self) -> JsonObject:
        """The manifest's entry: no slug (the guide holds it), nothing of this run, warnings only when some."""
        entry = self.to_dict(omit=("slug", *RUN_ONLY))
        if not entry["warnings"]:
            entry.pop("warnings")
        return entry


@dataclass
class BuildReport:
    """Everything a build did, for the summary table and the exit code."""

    results: list[LanguageResult] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    manifest_path: str = ""
    workers: int = 0  # processes that ran the jobs (0: none ran, the build was unchanged)

    @property
    def failed(self) -> list[LanguageResult]:
        return [r for r in self.results if r.status is Status.FAILED]
