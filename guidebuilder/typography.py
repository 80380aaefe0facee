"""Per-script text treatment: normalisation, bidi isolation, line-break opportunities.

Which treatment a locale gets comes from its LocaleFacts (guidebuilder.locales);
nothing here branches on language codes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import icu
from markupsafe import Markup, escape

from .locales import LocaleFacts

# A left-to-right run inside right-to-left text: URLs, emails, phone numbers, Latin words.
_LTR_RUN = re.compile(r"(?:\(\d|[+]?[A-Za-z0-9])[A-Za-z0-9 \u00a0.,/@:()+\-'_%&?=#~]*")
_TRAILING = " .,:;'-"
# A phone number never breaks across lines, and on the web it is a tel: link: North American
# numbers ("(415) 555-0142", "415-555-0142", "+1 415 555 0142", "1-800-555-0199") and the
# three-digit service numbers ("911", "311", "988"). Digits inside URLs, emails, longer numbers or
# decimals are not phone numbers.
_PHONE = re.compile(
    r"(?<![0-9A-Za-z.,/@:+\-_=#&%])"
    r"(?:(?:\+1[ .\-\u00a0]?|1[.\-])?(?:\([0-9]{3}\)[ \u00a0]?|[0-9]{3}[ .\-\u00a0])[0-9]{3}[ .\-\u00a0][0-9]{4}"
    r"|[2-9]11|988)"
    r"(?![0-9A-Za-z@/_]|[.,:\-][0-9])")
# A web address in running text; on the web it may break anywhere (its own words are no words).
_URL = re.compile(r"(?<![\w@.])(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,:;!?)'\]]")
NBSP = "\u00a0"
ZWSP = "\u200b"
WJ = "\u2060"  # WORD JOINER: no line break on either side
LRE, PDF = "\u202a", "\u202c"  # left-to-right embedding and its end


def _trim_run(run: str) -> str:
    run = run.rstrip(_TRAILING)
    while run.endswith(")") and run.count(")") > run.count("("):
        run = run[:-1].rstrip(_TRAILING)
    return run


def ltr_runs(text: str) -> list[tuple[str, bool]]:
    """Split text into (segment, is_ltr_run) pairs."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for match in _LTR_RUN.finditer(text):
        run = _trim_run(match.group(0))
        if not run:
            continue
        start, end = match.start(), match.start() + len(run)
        if start > pos:
            out.append((text[pos:start], False))
        out.append((run, True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def tel_uri(phone: str) -> str:
    """The tel: address of a phone number in _PHONE's formats: "+14155550142", or "911" as dialled."""
    digits = re.sub(r"[^0-9]", "", phone)
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11:
        return "+" + digits
    return digits


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN"


def word_boundaries(text: str, locale: str) -> list[int]:
    """Python string offsets of ICU word boundaries inside text."""
    iterator = icu.BreakIterator.createWordInstance(icu.Locale(locale))
    utext = icu.UnicodeString(text)
    iterator.setText(utext)
    # ICU counts UTF-16 code units; map them back to Python indices.
    to_index: dict[int, int] = {}
    unit = 0
    for index, ch in enumerate(text):
        to_index[unit] = index
        unit += 2 if ord(ch) > 0xFFFF else 1
    to_index[unit] = len(text)
    return [to_index[b] for b in iterator if 0 < b < unit]


def break_opportunities(text: str, locale: str) -> list[int]:
    """Offsets between two word characters where ICU finds a word boundary."""
    return [b for b in word_boundaries(text, locale) if _is_word_char(text[b - 1]) and _is_word_char(text[b])]


_WEB_TOKENS = re.compile(f"(?P<url>{_URL.pattern})|(?P<phone>{_PHONE.pattern})")


class Typesetter:
    """Turns text into escaped HTML with the locale's script treatment.

    target is "web" (browsers: CSS does keep-all, <bdi> isolates) or "print"
    (WeasyPrint: no keep-all and no unicode-bidi, so both are spelled out).
    """

    def __init__(self, facts: LocaleFacts, target: str, link_phones: bool = True):
        self.facts = facts
        self.target = target
        self.link_phones = link_phones

    @property
    def keeps_words_whole(self) -> bool:
        """True where the markup, not the line breaker, keeps words whole (keep-all in print)."""
        return self.facts.line_breaking == "keep-all" and self.target == "print"

    def join(self, pieces: list[tuple[Markup, str]]) -> Markup:
        """Inline pieces, each (its markup, the text it shows), as one run of markup.

        Where keep-all is spelled out in spans, a word that runs across an element's edge
        ("**911**에") gets a WORD JOINER there. WeasyPrint 70 asks Pango whether a line may
        break between two boxes from the last letter of one and the first of the next
        (layout/inline.py, split_inline_box), and UAX #14 lets a line break between a digit
        and a Hangul syllable: when "에" no longer fit, "911" ended one line and "에" began
        the next. The joiner draws nothing and the text layer leaves it out.
        """
        out: list[Markup] = []
        before = ""
        for markup, text in pieces:
            if self.keeps_words_whole and before and text and not before[-1].isspace() and not text[0].isspace():
                out.append(Markup(WJ))
            out.append(markup)
            before = text or before
        return Markup("").join(out)

    def without_links(self) -> Typesetter:
        """The same treatment for text inside a link (or a heading the contents link to): no tel: links."""
        return Typesetter(self.facts, self.target, link_phones=False)

    def __call__(self, text: str) -> Markup:
        text = unicodedata.normalize("NFC", text)
        text = _PHONE.sub(lambda m: m.group(0).replace(" ", NBSP), text)
        if self.facts.direction == "rtl" and self.facts.isolate_ltr:
            return Markup("").join(self._isolate(seg) if ltr else self._phones(seg, self._plain)
                                   for seg, ltr in ltr_runs(text))
        return self._phones(text, self._plain)

    def _phones(self, text: str, rest: Callable[[str], Markup]) -> Markup:
        """Phone numbers in text as unbreakable tel: links, URLs as breakable spans (web), the rest through rest()."""
        if self.target != "web":
            return rest(text)  # the PDF keeps the numbers' no-break spaces, without links
        out: list[Markup] = []
        pos = 0
        for match in _WEB_TOKENS.finditer(text):
            out.append(rest(text[pos:match.start()]) if match.start() > pos else Markup(""))
            if match.lastgroup == "url":
                out.append(Markup('<span class="url">{}</span>').format(match.group(0)))
            elif self.link_phones:
                out.append(Markup('<a class="tel" href="tel:{}">{}</a>').format(tel_uri(match.group(0)),
                                                                              match.group(0)))
            else:
                out.append(Markup('<span class="tel">{}</span>').format(match.group(0)))
            pos = match.end()
        if pos < len(text):
            out.append(rest(text[pos:]))
        return Markup("").join(out)

    def _isolate(self, run: str) -> Markup:
        if self.target == "web":
            return Markup('<bdi dir="ltr">') + self._phones(run, escape) + Markup("</bdi>")
        # WeasyPrint has no unicode-bidi, and an inline element or isolate characters
        # (U+2066..2069) in an RTL line still come out as "555-0142 (415)" (see
        # Kozea/WeasyPrint#106 and #2386). An embedding in the same text node keeps
        # the run in order; the run holds only left-to-right and neutral characters.
        return escape(LRE + run + PDF)

    def _plain(self, text: str) -> Markup:
        mode = self.facts.line_breaking
        if mode == "icu-words":
            cuts = break_opportunities(text, self.facts.code)
            pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
            if self.target == "print":
                # One text run per line for WeasyPrint (a <wbr> element splits the run in
                # boxes); U+200B gives Pango the same break opportunity.
                return escape(ZWSP.join(pieces))
            return Markup("<wbr>").join(escape(piece) for piece in pieces)
        if mode == "keep-all" and self.target == "print":
            # WeasyPrint has no word-break: keep-all; keep each space-separated word on one line.
            parts = re.split(r"(\s+)", text)
            return Markup("").join(
                Markup('<span class="kw">') + escape(part) + Markup("</span>")
                if part and not part.isspace() and len(part) > 1 else escape(part)
                for part in parts)
        return escape(text)
