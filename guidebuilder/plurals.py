"""Plural-Forms headers compared by meaning: a small evaluator for gettext's plural formulas.

GNU gettext reads ``plural=`` as a C expression over ``n``: the ternary ``?:``,
``||``, ``&&``, comparisons, ``+ - * / %``, ``!``, parentheses and integers.
Two headers mean the same when they have the same ``nplurals`` and their
formulas pick the same form for every n in 0..1000 (Weblate writes ``n > 1``
where Babel writes ``(n > 1)``). The formula is parsed into closures, never
passed to eval().
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

SAMPLE = range(1001)  # the n values two formulas are compared on
_TOKEN = re.compile(r"\s*+(?:(\d++)|(n)|(\|\||&&|==|!=|<=|>=|[-+*/%!<>?:()]))")
_NPLURALS = re.compile(r"nplurals\s*+=\s*+(\d++)")
_PLURAL = re.compile(r"plural\s*+=\s*+([^;]*+)")
_MAX_TOKENS = 500  # CLDR's longest formula has under 100
_MAX_DEPTH = 40  # nested parentheses, ternaries and "!" (each costs Python stack frames)

Formula = Callable[[int], int]


class PluralFormulaError(ValueError):
    """A Plural-Forms formula that is not a gettext C expression over n."""


def _tokens(text: str) -> list[str]:
    found: list[str] = []
    text = text.strip()
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise PluralFormulaError(f"unexpected '{text[pos:].strip()[:10]}'")
        found.append(match.group(match.lastindex or 0))
        pos = match.end()
        if len(found) > _MAX_TOKENS:
            raise PluralFormulaError(f"over {_MAX_TOKENS} tokens")
    return found


_BINARY: list[tuple[str, ...]] = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]


def _apply(op: str, a: int, b: int) -> int:
    if op == "||":
        return int(bool(a) or bool(b))
    if op == "&&":
        return int(bool(a) and bool(b))
    if op in ("/", "%"):
        if b == 0:
            raise PluralFormulaError("it divides by zero")
        quotient = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)  # C truncates toward zero
        return quotient if op == "/" else a - b * quotient
    return {"==": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b,
            "+": a + b, "-": a - b, "*": a * b}[op]


def _combine(op: str, left: Formula, right: Formula) -> Formula:
    return lambda n: int(_apply(op, left(n), right(n)))


class _Parser:
    """Recursive descent over gettext's grammar, precedence as in C."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise PluralFormulaError(f"expected '{expected}'" if expected else "it ends too early")
        self.pos += 1
        return token

    def ternary(self, depth: int = 0) -> Formula:
        if depth > _MAX_DEPTH:
            raise PluralFormulaError("nested too deeply")
        test = self.binary(0, depth)
        if self.peek() != "?":
            return test
        self.take("?")
        yes = self.ternary(depth + 1)
        self.take(":")
        no = self.ternary(depth + 1)
        return lambda n: yes(n) if test(n) else no(n)

    def binary(self, level: int, depth: int) -> Formula:
        if level == len(_BINARY):
            return self.unary(depth)
        left = self.binary(level + 1, depth)
        while self.peek() in _BINARY[level]:
            op = self.take()
            right = self.binary(level + 1, depth)
            left = _combine(op, left, right)
        return left

    def unary(self, depth: int) -> Formula:
        token = self.take()
        if depth > _MAX_DEPTH:
            raise PluralFormulaError("nested too deeply")
        if token == "!":
            inner = self.unary(depth + 1)
            return lambda n: int(not inner(n))
        if token == "(":
            inner = self.ternary(depth + 1)
            self.take(")")
            return inner
        if token == "n":
            return lambda n: n
        if token.isdigit():
            value = int(token)
            return lambda n: value
        raise PluralFormulaError(f"unexpected '{token}'")


def parse_formula(text: str) -> Formula:
    """The plural formula as a function of n; PluralFormulaError when it is not gettext's grammar."""
    parser = _Parser(_tokens(text))
    if not parser.tokens:
        raise PluralFormulaError("it is empty")
    formula = parser.ternary()
    if parser.peek() is not None:
        raise PluralFormulaError(f"unexpected '{parser.peek()}'")
    return formula


@dataclass(frozen=True)
class PluralForms:
    """A parsed Plural-Forms header: the number of forms and the formula."""

    nplurals: int
    formula: Formula


def parse_plural_forms(header: str) -> PluralForms:
    """nplurals and plural of a Plural-Forms value; PluralFormulaError when either is unreadable."""
    count = _NPLURALS.search(header)
    plural = _PLURAL.search(header)
    if count is None:
        raise PluralFormulaError("no nplurals=")
    if plural is None:
        raise PluralFormulaError("no plural=")
    return PluralForms(int(count.group(1)), parse_formula(plural.group(1)))


@dataclass(frozen=True)
class PluralMismatch:
    """The first n two formulas map to different forms."""

    n: int
    got: int
    wanted: int


def first_difference(declared: PluralForms, expected: PluralForms) -> PluralMismatch | None:
    """The first n in 0..1000 where the formulas pick different forms (None when they agree).

    PluralFormulaError when the declared formula cannot be computed for some n (it divides by zero).
    """
    for n in SAMPLE:
        got = declared.formula(n)
        wanted = expected.formula(n)
        if got != wanted:
            return PluralMismatch(n, got, wanted)
    return None


def equivalent(declared: str, expected: str) -> bool:
    """True when two Plural-Forms values have the same nplurals and pick the same form for n = 0..1000."""
    try:
        mine, theirs = parse_plural_forms(declared), parse_plural_forms(expected)
    except PluralFormulaError:
        return False
    return mine.nplurals == theirs.nplurals and first_difference(mine, theirs) is None
