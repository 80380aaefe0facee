"""Align a translated document to its guide block by block.

Scores pair a source block with a translated one: the kind of block first
(heading, paragraph, list item, table cell), then anchors that survive
translation (numbers, phone numbers, addresses, links, names in Latin letters),
then length against the document's overall length ratio. A Needleman-Wunsch
alignment finds the best order-keeping pairing; weak pairs are released and
matched again without order, which recovers moved blocks such as swapped
list items.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .inline import plain
from .source import Guide, Message, Role

GROUPS = {"title": "head", "subtitle": "head", "heading": "head", "callout-title": "head",
          "paragraph": "body", "summary": "body", "organization": "body", "footnote": "body",
          "item": "item", "cell": "cell", "header": "cell", "alt": "alt"}
GAP = -1.5
ACCEPT = 1.5  # a pair scoring less is not trusted, whatever its place
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]}>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_PHONE = re.compile(r"\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}")
_NUMBER = re.compile(r"\d+")
_NAME = re.compile(r"\b[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)*")
_LINK = re.compile(r"\]\{\d+\}")
_SENTENCE_END = re.compile(r"[.!?。！？۔؟।॥។]+[\"'”’)]*\s")


@dataclass(frozen=True)
class Unit:
    """One block to align: its kind, its text (msgid form), and where it is."""

    kind: str
    text: str
    where: str  # guide.md:LINE for the guide, a block number or page for the document
    message: Message | None = None


@dataclass(frozen=True)
class Pair:
    """A source block and the translated block aligned to it, with the anchors they share and miss."""

    source: Unit
    target: Unit
    score: float
    agreed: int
    disagreed: int


@dataclass
class Alignment:
    """The pairs found, and the blocks of either side left without a partner."""

    pairs: list[Pair]
    unaligned_source: list[Unit]
    unaligned_target: list[Unit]

    @property
    def agreed(self) -> int:
        return sum(pair.agreed for pair in self.pairs)

    @property
    def disagreed(self) -> int:
        return sum(pair.disagreed for pair in self.pairs)


def _kind(message: Message) -> str:
    if message.role is Role.HEADING:
        return "heading"
    if message.role is Role.TABLE_HEADER:
        return "header"
    if message.role is Role.TABLE_CELL:
        return "cell"
    if message.role is Role.ALT_TEXT:
        return "alt"
    if message.role is Role.CALLOUT_TITLE:
        return "callout-title"
    if message.role is Role.FRONT_MATTER:
        return message.comment.rsplit(": ", 1)[-1]
    if "list item" in message.comment:
        return "item"
    if message.comment.startswith("Footnote"):
        return "footnote"
    return "paragraph"


def guide_units(guide: Guide, where: str | None = None) -> list[Unit]:
    """Every message of a guide in document order, as units to align."""
    return [Unit(_kind(m), m.text, f"{where or guide.src_path}:{m.line}", m) for m in guide.messages()]


def anchors(text: str) -> Counter[str]:
    """What survives translation: addresses, phone numbers, numbers (any digits), link and footnote markers."""
    text = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)  # native digits count
    found: Counter[str] = Counter()
    for url in _URL.findall(text):
        found["url:" + url.lower().rstrip(".,;").removeprefix("https://").removeprefix("http://")] += 1
    rest = _URL.sub(" ", text)
    for phone in _PHONE.findall(rest):
        found["phone:" + re.sub(r"\D", "", phone)] += 1
    rest = _PHONE.sub(" ", rest)
    rest = _LINK.sub(lambda m: (found.update(["link"]), " ")[1], rest)
    for number in _NUMBER.findall(rest):
        found["n:" + number.lstrip("0")] += 1
    return found


def _names(text: str) -> set[str]:
    return {name for name in _NAME.findall(text) if len(name) > 2}


def _sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(plain(text).strip() + " "))


def score(source: Unit, target: Unit, ratio: float, weak_kinds: bool = False) -> tuple[float, int, int]:
    """How well a translated block matches a source block; with the anchors agreed and disagreed."""
    total = 0.0
    weight = 0.5 if weak_kinds else 1.0  # a PDF's block kinds are guesses
    if source.kind == target.kind:
        total += 2.0 * weight
    elif GROUPS.get(source.kind) == GROUPS.get(target.kind):
        total += 1.0 * weight
    else:
        total -= 1.0 * weight
    mine, theirs = anchors(source.text), anchors(target.text)
    agreed = sum((mine & theirs).values())
    disagreed = sum(((mine - theirs) + (theirs - mine)).values())
    total += min(4.0, 1.5 * agreed) - min(4.0, 1.25 * disagreed)
    total += 0.5 * min(2, len(_names(source.text) & _names(target.text)))
    sentences = abs(_sentences(source.text) - _sentences(target.text))  # translators rarely split or join them
    total += 1.0 if sentences == 0 else -0.75 * min(sentences, 3)
    ls, lt = len(plain(source.text)), len(plain(target.text))
    off = abs(math.log((lt + 10 * ratio) / ((ls + 10) * ratio)))
    total += max(-2.0, 1.5 - 2.0 * off)
    return total, agreed, disagreed


def align(source: list[Unit], target: list[Unit], weak_kinds: bool = False) -> Alignment:
    """Needleman-Wunsch over the two block sequences, then the weak and leftover blocks matched by score."""
    total_s = sum(len(plain(u.text)) for u in source) or 1
    total_t = sum(len(plain(u.text)) for u in target) or 1
    ratio = total_t / total_s
    n, m = len(source), len(target)
    cache: dict[tuple[int, int], tuple[float, int, int]] = {}

    def pair_score(i: int, j: int) -> tuple[float, int, int]:
        if (i, j) not in cache:
            cache[(i, j)] = score(source[i], target[j], ratio, weak_kinds)
        return cache[(i, j)]

    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        best[i][0], step[i][0] = best[i - 1][0] + GAP, "s"
    for j in range(1, m + 1):
        best[0][j], step[0][j] = best[0][j - 1] + GAP, "t"
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = ((best[i - 1][j - 1] + pair_score(i - 1, j - 1)[0], "d"), (best[i - 1][j] + GAP, "s"),
                       (best[i][j - 1] + GAP, "t"))
            best[i][j], step[i][j] = max(options, key=lambda option: option[0])
    matched: list[tuple[int, int]] = []
    i, j = n, m
    while i or j:
        move = step[i][j]
        if move == "d":
            matched.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif move == "s":
            i -= 1
        else:
            j -= 1
    matched.sort()
    # Blocks moved a little (two list items swapped): exchange partners when both pairs then score better.
    for x in range(len(matched)):
        for y in range(x + 1, min(x + 4, len(matched))):
            (a, b), (c, d) = matched[x], matched[y]
            if pair_score(a, d)[0] + pair_score(c, b)[0] > pair_score(a, b)[0] + pair_score(c, d)[0] + 1.0:
                matched[x], matched[y] = (a, d), (c, b)
    kept = {(a, b) for a, b in matched if pair_score(a, b)[0] >= ACCEPT}
    free_s = sorted(set(range(n)) - {a for a, _ in kept})
    free_t = sorted(set(range(m)) - {b for _, b in kept})
    # Moved blocks: a leftover pair that is each other's best within a short window, scoring well.
    window = 8
    for a in list(free_s):
        candidates = [(pair_score(a, b)[0], b) for b in free_t if abs(b - a * m / max(n, 1)) <= window + abs(n - m)]
        if not candidates:
            continue
        value, b = max(candidates)
        back = max((pair_score(x, b)[0], x) for x in free_s)
        if value >= ACCEPT + 0.5 and back[1] == a:
            kept.add((a, b))
            free_s.remove(a)
            free_t.remove(b)
    pairs = [Pair(source[a], target[b], *pair_score(a, b)) for a, b in sorted(kept)]
    return Alignment(pairs, [source[a] for a in free_s], [target[b] for b in free_t])
