"""The text message: a plain UTF-8 .txt of the guide for SMS and chat apps, with the web page's address.

The body is the guide's summary, or the whole card's text when the guide is a
wallet card. Its length in characters and SMS segments goes to the manifest.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from . import N_, Job, Made

if TYPE_CHECKING:
    from ..source import Block, Message

# GSM 03.38: the basic character set (one septet each) and its extension table (an escape and a septet).
GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
                "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = set("\f^{}\\[~]|€")


def sms_segments(text: str) -> tuple[int, str]:
    """How many SMS a text takes and in which encoding: GSM-7 (160, or 153 a part) or UCS-2 (70, or 67 a part)."""
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text):
        units, single, part, encoding = sum(2 if c in GSM_EXTENSION else 1 for c in text), 160, 153, "GSM-7"
    else:  # UTF-16 code units: a character beyond the BMP takes two
        units, single, part, encoding = len(text.encode("utf-16-le")) // 2, 70, 67, "UCS-2"
    return (1 if units <= single else math.ceil(units / part)), encoding


def text_path(job: Job) -> Path:
    """Where a job's text message goes: build/site/<slug>/<lang>/<slug>-<lang>.txt."""
    return job.out_dir / f"{job.guide.slug}-{job.lang}.txt"


class TextMessage:
    """The `text` output kind."""

    name = "text"
    needs: tuple[str, ...] = ()
    label = N_("Text message ({size})")
    media_type = "text/plain"

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        return text_path(job)

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Title, the summary (or the card's text), and the page's address, as one message."""
        from ..edition import page_url

        url = page_url(job.project, job.guide.slug, job.lang)
        if url is None:
            raise job.project.site_url_error(self.name)
        meta = job.guide.meta_messages
        parts = [_plain(job, meta["title"])]
        if "wallet-card" in job.guide.formats:
            parts.append("\n".join(_lines(job, job.guide.blocks)))
        elif "summary" in meta:
            parts.append(_plain(job, meta["summary"]))
        parts.append(url)
        message = "\n\n".join(parts)
        data = (message + "\n").encode("utf-8")
        segments, encoding = sms_segments(message)
        path = text_path(job)
        output = job.output(self.name, path, data)
        output = type(output)(**{**output.to_dict(), "chars": len(message), "sms_segments": segments,
                                 "sms_encoding": encoding})
        return Made(output, [(path, data)])


def _plain(job: Job, message: Message) -> str:
    """A message's text in the job's language (the source where untranslated), without markup."""
    from ..render import parse_plain

    return unicodedata.normalize("NFC", parse_plain(job.translation.resolve(message).text))


def _lines(job: Job, blocks: list[Block]) -> list[str]:
    """The blocks as plain lines: headings in capitals where the script has case, list items numbered or dashed."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "list":
            for number, item in enumerate(block.children, start=block.attrs.get("start", 1)):
                marker = f"{job.facts.digits(str(number))}." if block.attrs["ordered"] else "-"
                text = _plain(job, item.message) if item.message else ""
                out.append(f"{marker} {text}".rstrip())
                out += ["  " + line for line in _lines(job, item.children)]
        elif block.kind == "heading" and block.message:
            out += ["", _plain(job, block.message).upper()] if out else [_plain(job, block.message).upper()]
        elif block.kind == "paragraph" and block.message:
            out.append(_plain(job, block.message))
        elif block.kind == "callout":
            if block.message:
                out += ["", _plain(job, block.message).upper()]
            out += _lines(job, block.children)
        elif block.kind == "table":
            for row in [block.attrs["header"], *block.attrs["rows"]]:
                out.append(" | ".join(_plain(job, cell) if cell else "" for cell in row))
    return out
