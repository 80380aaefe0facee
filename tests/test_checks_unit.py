"""Each registered check called directly: one message that trips it, one that does not."""

from __future__ import annotations

import re
import time
from types import MappingProxyType

import pytest

from guidebuilder.checks import (
    ALL,
    REGISTRY,
    CheckContext,
    check_double_space,
    check_email,
    check_end_punctuation,
    check_leading_whitespace,
    check_markup,
    check_message_size,
    check_newlines,
    check_number,
    check_phone,
    check_placeholder,
    check_plural_forms,
    check_raw_html,
    check_same_as_source,
    check_tabs,
    check_too_long,
    check_trailing_whitespace,
    check_url,
    check_wrong_script,
    message_checks,
    run_checks,
    select,
)
from guidebuilder.config import CHROME_DOMAIN
from guidebuilder.errors import ConfigError
from guidebuilder.locales import facts_for
from guidebuilder.plurals import PluralFormulaError, equivalent, parse_formula

from conftest import ROOT

BN = CheckContext("bn", facts_for("bn"), MappingProxyType({"www.example.org/help": "www.example.org/bn/help"}),
                  plural_forms="nplurals=2; plural=(n > 1);")
VI = CheckContext("vi", facts_for("vi"), plural_forms="nplurals=1; plural=0;")

# (check, source, a translation it reports with the exact message, a translation it accepts, context)
CASES = [
    (check_message_size, "Stay safe.", "a" * (65 * 1024 + 10), "a" * (64 * 1024),
     "msgstr is 65 KB; the limit is 64 KB per message", BN),
    (check_placeholder, "{size} download", "{sise} ডাউনলোড", "{size} ডাউনলোড",
     "'{sise}' is not in the source; keep '{size}' exactly", BN),
    (check_raw_html, "Stay safe.", "নিরাপদে থাকুন।<b>", "নিরাপদে থাকুন।",
     "'<b>' is HTML; only **bold**, *italic* and [link]{n} markup is allowed", BN),
    (check_markup, "Press **stop**.", "**থামুন চাপুন।", "**থামুন** চাপুন।",
     "'**' is never closed (the source is: Press **stop**.)", BN),
    (check_markup, "See [this]{1} and [that]{2}.", "[এটি]{1} দেখুন।", "[এটি]{1} আর [ওটি]{2} দেখুন।",
     "missing link [...]{2} compared with the source", BN),
    (check_url, "More help: www.example.org/help", "আরও: www.example.org/help", "আরও: www.example.org/bn/help",
     "'www.example.org/bn/help' is missing or changed (found 'www.example.org/help'); copy it exactly from the source",
     BN),
    (check_email, "Write to help@example.org.", "help@example.com এ লিখুন।", "help@example.org এ লিখুন।",
     "'help@example.org' is missing or changed (found 'help@example.com'); copy it exactly from the source", BN),
    (check_phone, "Call (415) 555-0100.", "(৪১৫) ৫৫৫-০১০১ নম্বরে ফোন করুন।", "(৪১৫) ৫৫৫-০১০০ নম্বরে ফোন করুন।",
     "'(415) 555-0100' is missing or changed (found '(415) 555-0101'); copy it exactly from the source", BN),
    (check_number, "Call **911** now.", "এখনই **৯১২** ফোন করুন।", "এখনই **৯১১** ফোন করুন।",
     "numbers differ from the source: missing 911; added 912", BN),
    (check_same_as_source, "Second step", "Second step", "দ্বিতীয় ধাপ",
     "translation is identical to the source text", BN),
    (check_wrong_script, "Second step", "Ditiyo dhap", "দ্বিতীয় ধাপ",
     "no letters of the Beng script; is this the right language?", BN),
    (check_end_punctuation, "Stay safe.", "নিরাপদে থাকুন.", "নিরাপদে থাকুন।",
     "ends with '.'; bn sentences end with '।'", BN),
    (check_end_punctuation, "Stay safe.", "Hãy giữ an toàn", "Hãy giữ an toàn.",
     "ends without punctuation; the source ends with '.'", VI),
    (check_end_punctuation, "Are you safe?", "Bạn có an toàn không", "Bạn có an toàn không?",
     "ends without punctuation; the source ends with '?'", VI),
    (check_too_long, "Name", "নাম " * 14, "নাম",
     "56 characters against 4 in the source; check that nothing was pasted twice", BN),
    (check_leading_whitespace, "Stay safe.", " Hãy giữ an toàn.", "Hãy giữ an toàn.",
     "starts with ' '; the source starts with no whitespace", VI),
    (check_leading_whitespace, "\tStay safe.", "Hãy giữ an toàn.", "\tHãy giữ an toàn.",
     "starts with no whitespace; the source starts with '\\t'", VI),
    (check_trailing_whitespace, "Stay safe.", "Hãy giữ an toàn. \n", "Hãy giữ an toàn.",
     "ends with ' \\n'; the source ends with no whitespace", VI),
    (check_double_space, "Stay safe.", "Hãy giữ  an toàn.", "Hãy giữ an toàn.",
     "1 double space(s) against 0 in the source", VI),
    (check_newlines, "Line one\nline two", "Dòng một dòng hai", "Dòng một\ndòng hai",
     "0 line break(s) (\\n) against 1 in the source", VI),
    (check_tabs, "Name\tValue", "Tên\t\tGiá trị", "Tên\tGiá trị",
     "2 tab(s) against 1 in the source", VI),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_check_reports_exactly_and_accepts_the_right_translation(case):
    check, source, wrong, right, expected, context = case
    assert check(source, wrong, context) == [expected]
    assert check(source, right, context) == []


def test_end_punctuation_leaves_other_endings_alone():
    assert check_end_punctuation("Stay safe", "Hãy giữ an toàn", VI) == []  # the source ends without one
    assert check_end_punctuation("Stay safe.", "Hãy giữ an toàn!", VI) == []  # another mark is a choice
    assert check_end_punctuation("Stay safe.", "«Hãy giữ an toàn.»", VI) == []
    assert check_end_punctuation("Wait...", "Chờ…", VI) == []


def test_whitespace_checks_accept_the_source_s_own_whitespace():
    assert check_double_space("Step 1.  Step 2.", "Bước 1.  Bước 2.", VI) == []
    assert check_trailing_whitespace("Name: ", "Tên: ", VI) == []
    assert check_leading_whitespace(" " * 12 + "x", "y", VI) == [
        "starts with no whitespace; the source starts with 12 whitespace characters"]


def test_plural_forms_by_meaning():
    def header(declared: str) -> list[str]:
        return check_plural_forms({"Plural-Forms": declared}, BN)

    assert header("nplurals=2; plural=(n > 1);") == []
    assert header("nplurals=2; plural=n > 1;") == []  # Weblate's spelling
    assert header("nplurals=2; plural=n>=2 ? 1 : 0;") == []
    assert header("nplurals=2; plural=(n != 1);") == [
        "Plural-Forms is 'nplurals=2; plural=(n != 1);'; for n = 0 it picks form 1 where bn uses form 0; "
        "for bn it must be 'nplurals=2; plural=(n > 1);'"]
    assert header("nplurals=2; plural=n > 100;") == [
        "Plural-Forms is 'nplurals=2; plural=n > 100;'; for n = 2 it picks form 0 where bn uses form 1; "
        "for bn it must be 'nplurals=2; plural=(n > 1);'"]
    assert header("nplurals=1; plural=0;") == [
        "Plural-Forms is 'nplurals=1; plural=0;'; for bn it must be 'nplurals=2; plural=(n > 1);'"]
    assert header("nplurals=2; plural=eval(n);") == [
        "Plural-Forms is 'nplurals=2; plural=eval(n);'; its formula cannot be read (unexpected 'eval(n)'); "
        "for bn it must be 'nplurals=2; plural=(n > 1);'"]
    assert header("nplurals=2; plural=n % 0;") == [
        "Plural-Forms is 'nplurals=2; plural=n % 0;'; its formula cannot be read (it divides by zero); "
        "for bn it must be 'nplurals=2; plural=(n > 1);'"]
    assert check_plural_forms({}, BN) == [
        "Plural-Forms is '(missing)'; for bn it must be 'nplurals=2; plural=(n > 1);'"]


RUSSIAN = ("n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2")


@pytest.mark.parametrize("n, form", [(0, 2), (1, 0), (2, 1), (4, 1), (5, 2), (11, 2), (12, 2), (21, 0), (22, 1),
                                     (111, 2), (1001, 0)])
def test_formula_evaluator_follows_c(n, form):
    assert parse_formula(RUSSIAN)(n) == form


@pytest.mark.parametrize("text, value", [("!n", 0), ("!0", 1), ("7 / 2", 3), ("2 + 3 * 4", 14), ("(2 + 3) * 4", 20),
                                         ("1 ? 2 : 3 ? 4 : 5", 2), ("0 ? 2 : 0 ? 4 : 5", 5), ("0 || n == 5", 1),
                                         ("n < 3 && n > 1", 0), ("n <= 5 != 0", 1)])
def test_formula_grammar(text, value):
    assert parse_formula(text)(5) == value


@pytest.mark.parametrize("text", ["", "n >", "(n", "n > 1)", "__import__('os')", "n ? 1", "1 2",
                                  "(" * 60 + "n" + ")" * 60])
def test_formula_that_is_not_gettext_is_refused(text):
    with pytest.raises(PluralFormulaError):
        parse_formula(text)


def test_equivalent():
    assert equivalent("nplurals=2; plural=n != 1;", "nplurals=2; plural=(n != 1);")
    assert not equivalent("nplurals=3; plural=n != 1;", "nplurals=2; plural=(n != 1);")
    assert not equivalent("nplurals=2; plural=n == 1;", "nplurals=2; plural=(n != 1);")
    assert not equivalent("nonsense", "nplurals=2; plural=(n != 1);")


def test_placeholder_applies_to_the_chrome_domain_only():
    assert "placeholder" in [c.name for c in message_checks(CHROME_DOMAIN)]
    assert "placeholder" not in [c.name for c in message_checks("guide")]


def test_selection():
    assert [c.name for c in message_checks("guide", select(only=["email", "url"]))] == ["url", "email"]
    names = [c.name for c in message_checks("guide", select(skip=["tabs"]))]
    assert "tabs" not in names and "email" in names
    with pytest.raises(ConfigError, match=r"^--skip: no check named 'emial'; known checks: double-space, email, "):
        select(skip=["emial"])


def test_oversized_message_stops_its_other_checks():
    outcome = run_checks(message_checks("guide"), "Stay safe.", "<b>" + "a" * 70000, BN)
    assert [(c.name, m) for c, m in outcome.problems] == [
        ("message-size", "msgstr is 68 KB; the limit is 64 KB per message")]
    assert outcome.drawn is None


def test_unparsable_markup_skips_the_checks_that_need_it():
    outcome = run_checks(message_checks("guide"), "Call **911**.", "**৯১২ এ ফোন করুন।", BN)
    assert [c.name for c, _ in outcome.problems] == ["markup"]  # not number: the text cannot be read
    assert outcome.drawn is None


@pytest.mark.parametrize("hostile", ["a" * 60000, "a@" * 30000, "a." * 30000, "<" + " " * 60000, "www." * 15000,
                                     "1," * 30000, "[^a" * 20000, "(415) " * 10000, "a-" * 30000 + "@"])
def test_every_check_is_linear_on_hostile_text(hostile):
    """A message just under the size limit is checked in well under a second, whatever it holds."""
    start = time.perf_counter()
    run_checks(message_checks(CHROME_DOMAIN, ALL), "Stay safe. help@example.org", hostile, BN)
    assert time.perf_counter() - start < 1.0


def test_readme_lists_every_check():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`([a-z-]+)`", readme))
    assert set(REGISTRY) - listed == set()
