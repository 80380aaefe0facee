"""The inline markup translators see in msgids, and its parser.

A message keeps the inline structure of its block in a small, documented form:
``**bold**``, ``*italic*``, ```code```, ``[link text]{1}`` (the number names the
block's first, second, ... link target, which stays out of the catalog) and
``[^note]`` for a footnote reference. ``\\`` escapes a literal marker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

ESCAPABLE = "\\*`[]"

_TOKEN = re.compile(
    r"\\(?P<esc>[\\*`\[\]])"
    r"|(?P<both>\*\*\*)"
    r"|(?P<strong>\*\*)"
    r"|(?P<em>\*)"
    r"|`(?P<code>[^`]*)`"
    r"|\[\^(?P<fn>[^\]\s\[]+)\]"  # no "[" in a label: a run of "[^[^[^" would rescan to the end (quadratic)
    r"|(?P<open>\[)"
    r"|\]\{(?P<close>\d+)\}"
)


@dataclass
class Span:
    """An inline element: kind is strong, em, code, link or footnote."""

    kind: str
    children: list[Node] = field(default_factory=list)
    ref: str = ""  # link number or footnote label; code text for code


Node = str | Span


class MarkupError(ValueError):
    """A message's inline markup is unbalanced or malformed."""


def escape(text: str) -> str:
    """Escape literal markup characters in plain text."""
    return "".join("\\" + ch if ch in ESCAPABLE else ch for ch in text)


def parse(text: str) -> list[Node]:
    """Parse a message into text and spans; raise MarkupError when unbalanced."""
    root = Span("root")
    stack = [root]
    pos = 0

    pending: list[str] = []  # text since the last span, joined once: += per escape would be quadratic

    def add_text(chunk: str) -> None:
        if chunk:
            pending.append(chunk)

    def flush() -> None:
        if pending:
            children = stack[-1].children
            text = "".join(pending)
            pending.clear()
            if children and isinstance(children[-1], str):
                children[-1] += text
            else:
                children.append(text)

    for match in _TOKEN.finditer(text):
        add_text(text[pos:match.start()])
        pos = match.end()
        kind = match.lastgroup
        if kind == "esc":
            add_text(match.group("esc"))
            continue
        flush()
        if kind == "both":  # "***": close bold and italic together, or open both
            if {span.kind for span in stack[-2:]} == {"strong", "em"} and len(stack) > 2:
                del stack[-2:]
            elif stack[-1].kind in ("strong", "em"):
                raise MarkupError("'***' closes inside another span; close spans in order")
            else:
                outer = Span("strong")
                inner = Span("em")
                outer.children.append(inner)
                stack[-1].children.append(outer)
                stack.extend([outer, inner])
        elif kind in ("strong", "em"):
            if stack[-1].kind == kind:
                stack.pop()
            elif any(span.kind == kind for span in stack):
                raise MarkupError(f"'{match.group(kind)}' closes inside another span; close spans in order")
            else:
                span = Span(kind)
                stack[-1].children.append(span)
                stack.append(span)
        elif kind == "code":
            stack[-1].children.append(Span("code", ref=match.group("code")))
        elif kind == "fn":
            stack[-1].children.append(Span("footnote", ref=match.group("fn")))
        elif kind == "open":
            if any(span.kind == "link" for span in stack):  # stack depth stays small: no link in a link
                raise MarkupError("'[' inside link text; a link cannot hold another link")
            span = Span("link")
            stack[-1].children.append(span)
            stack.append(span)
        else:  # close
            if stack[-1].kind != "link":
                raise MarkupError(f"']{{{match.group('close')}}}' has no matching '['")
            stack[-1].ref = match.group("close")
            stack.pop()
    add_text(text[pos:])
    flush()
    if len(stack) > 1:
        marker = {"strong": "**", "em": "*", "link": "["}[stack[-1].kind]
        raise MarkupError(f"'{marker}' is never closed")
    return root.children


def signature(nodes: list[Node]) -> list[str]:
    """The markup a translation must keep: sorted span kinds with their refs."""
    found: list[str] = []

    def walk(items: list[Node]) -> None:
        for node in items:
            if isinstance(node, Span):
                found.append(f"{node.kind}:{node.ref}" if node.kind in ("link", "footnote") else node.kind)
                walk(node.children)

    walk(nodes)
    return sorted(found)


def plain(text: str) -> str:
    """A message's text without its inline markup (the text itself when the markup does not parse)."""
    try:
        return plain_text(parse(text))
    except MarkupError:
        return text


def plain_text(nodes: list[Node]) -> str:
    """The text of a message without markup (for word counts and checks)."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif node.kind == "code":
            parts.append(node.ref)
        elif node.kind != "footnote":
            parts.append(plain_text(node.children))
    return "".join(parts)


def serialize(nodes: list[Node]) -> str:
    """The message text of parsed nodes: parse(serialize(nodes)) == nodes."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(escape(node))
        elif node.kind == "strong":
            out.append(f"**{serialize(node.children)}**")
        elif node.kind == "em":
            out.append(f"*{serialize(node.children)}*")
        elif node.kind == "code":
            out.append(f"`{node.ref}`")
        elif node.kind == "footnote":
            out.append(f"[^{node.ref}]")
        elif node.kind == "link":
            out.append(f"[{serialize(node.children)}]{{{node.ref}}}")
    return "".join(out)


def map_text(nodes: list[Node], change: Callable[[str], str]) -> list[Node]:
    """A copy of nodes with change() applied to every text node (markup untouched)."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(change(node))
        elif node.kind in ("code", "footnote"):
            out.append(node)
        else:
            out.append(Span(node.kind, map_text(node.children, change), node.ref))
    return out
