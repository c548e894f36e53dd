"""The catalogues are complete and sound (issue 17): the check `make check` runs, and that it fails on
each kind of broken catalogue."""
from __future__ import annotations

import shutil

import pytest
from babel.support import Translations

from tests.i18n_support import tool

LANGUAGES = ("sq", "mk", "sr", "sr_Latn", "bs", "cnr")


def test_every_catalogue_has_every_string_of_the_code_translated():
    found = tool().problems()
    assert found == [], "\n".join(map(str, found))


@pytest.fixture
def broken(tmp_path, monkeypatch):
    """A copy of the catalogues the test may break; the tool reads the copy."""
    copy = tmp_path / "translations"
    shutil.copytree(tool().TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo", "*.pot"))
    monkeypatch.setattr(tool(), "TRANSLATIONS", copy)

    def edit(code, change):
        catalog = tool().read(code)
        change(catalog)
        tool().save(code, catalog)
    return edit


def _message(catalog, msgid):
    return catalog.get(msgid)


def test_a_missing_string_fails_the_check(broken):
    broken("sq", lambda c: c.delete("Sign out"))
    assert [str(p) for p in tool().problems()] == ["sq: missing: 'Sign out'"]


def test_an_empty_or_fuzzy_translation_fails_the_check(broken):
    def empty(catalog):
        _message(catalog, "Sign out").string = ""
        _message(catalog, "Sign in").flags.add("fuzzy")
    broken("mk", empty)
    problems = {str(p) for p in tool().problems()}
    assert problems == {"mk: not translated: 'Sign out'", "mk: fuzzy: 'Sign in'"}


def test_the_english_text_left_as_a_translation_fails_the_check(broken):
    def english(catalog):
        _message(catalog, "Sign out").string = "Sign out"
        _message(catalog, "Europol").string = "Europol"  # a name: the same in Bosnian, and allowed
    broken("bs", english)
    assert [str(p) for p in tool().problems()] == ["bs: the English text, not a translation: 'Sign out'"]


def test_a_changed_placeholder_or_markup_fails_the_check(broken):
    def change(catalog):
        _message(catalog, "Welcome, %(name)s").string = "Добро дошли, %(ime)s"
        _message(catalog, "If <strong>%(email)s</strong> belongs to an active account, a link to choose a new "
                          "password is on its way. The link works once, for a limited time.").string = "%(email)s"
    broken("sr", change)
    problems = [str(p) for p in tool().problems()]
    assert any("placeholders differ" in p and "Welcome" in p for p in problems)
    assert any("markup differs" in p and "If <strong>" in p for p in problems)


def test_a_slavic_catalogue_with_two_plural_forms_fails_the_check(broken):
    def two_forms(catalog):
        message = _message(catalog, ("in %(num)d day", "in %(num)d days"))
        message.string = message.string[:2]
    broken("bs", two_forms)
    # Read back, the third form is empty: "few" and "many" must both be written.
    assert ["bs: not translated: 'in %(num)d day'"] == [str(p) for p in tool().problems()]


def test_a_string_the_code_no_longer_has_fails_the_check(broken):
    broken("cnr", lambda c: c.add("A sentence nobody wrote", "Rečenica koju niko nije napisao"))
    assert [str(p) for p in tool().problems()] == ["cnr: not in the code any more: 'A sentence nobody wrote'"]


@pytest.mark.parametrize("code, counts", [
    ("sr", {1: "за 1 дан", 3: "за 3 дана", 5: "за 5 дана", 11: "за 11 дана", 21: "за 21 дан", 24: "за 24 дана"}),
    ("bs", {1: "za 1 dan", 2: "za 2 dana", 12: "za 12 dana", 31: "za 31 dan"}),
    ("cnr", {1: "za 1 dan", 22: "za 22 dana"}),
    ("mk", {1: "за 1 ден", 2: "за 2 дена", 11: "за 11 дена", 21: "за 21 ден"}),
    ("sq", {1: "pas 1 dite", 2: "pas 2 ditësh"}),
])
def test_compiled_plurals_follow_each_language(code, counts):
    mo = tool().po_path(code).with_suffix(".mo")
    with mo.open("rb") as fh:
        translations = Translations(fp=fh)
    for n, expected in counts.items():
        assert translations.ngettext("in %(num)d day", "in %(num)d days", n) % {"num": n} == expected


@pytest.mark.parametrize("code, kosovo, scale", [
    ("sq", "Kosova", "Progres i kufizuar"), ("mk", "Косово", "Ограничен напредок"),
    ("sr", "Косово", "Ограничен напредак"), ("sr_Latn", "Kosovo", "Ograničen napredak"),
    ("bs", "Kosovo", "Ograničen napredak"), ("cnr", "Kosovo", "Ograničen napredak"),
])
def test_kosovo_its_footnote_and_the_enlargement_scale_are_in_every_language(code, kosovo, scale):
    catalog = tool().read(code)
    footnote = catalog.get("*This designation is without prejudice to positions on status, and is in line with "
                           "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence.").string
    assert footnote.startswith("*") and "1244/1999" in footnote
    assert catalog.get("Kosovo").string == kosovo
    assert catalog.get("Limited progress").string == scale


def test_serbian_latin_is_the_cyrillic_catalogue_in_the_other_script():
    cyrillic, latin = tool().read("sr"), tool().read("sr_Latn")
    assert latin.get("Sign out").string == "Odjava" and cyrillic.get("Sign out").string == "Одјава"
    assert not any("\u0400" <= ch <= "\u04ff" for m in latin for s in (m.string if isinstance(m.string, tuple)
                                                                      else (m.string,)) for ch in s or "")
