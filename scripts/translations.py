#!/usr/bin/env python3
"""The portal's translation catalogues (issue 17; docs/i18n.md): pybabel wrapped in four commands.

    scripts/translations.py extract   the strings of the code and templates -> ctportal/translations/messages.pot
    scripts/translations.py update    extract, then add new strings to every catalogue (empty, never guessed)
    scripts/translations.py compile   every .po -> .mo (run by `make setup`; the .mo files are not in git)
    scripts/translations.py check     extract and compare: exit 1 when a catalogue misses a string, has an
                                      empty or fuzzy translation, keeps a string the code no longer has,
                                      changes a placeholder or has the wrong number of plural forms

`make check` (and so CI) runs `check`; tests/test_i18n_catalogues.py calls the same functions.
"""
from __future__ import annotations

import copy
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ctportal"
TRANSLATIONS = PACKAGE / "translations"
POT = TRANSLATIONS / "messages.pot"
BABEL_CFG = ROOT / "babel.cfg"
# English is the msgids themselves: its catalogue exists (so every language is listed the same way) and
# each msgstr is the msgid. Montenegrin's Babel locale is sr_Latn_ME (domain/languages.py).
LOCALES = {"en": "en", "sq": "sq", "mk": "mk", "sr": "sr", "sr_Latn": "sr_Latn", "bs": "bs", "cnr": "sr_Latn_ME"}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2)}
# %(name)s, %(num)d, %s, %%: what Python's %-formatting (and Jinja's newstyle gettext) fills in.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
# Strings that are rightly the same as the English in some partner languages: names of institutions
# and tools (Europol, Eurojust, JavaScript), of places where the language writes them so (Kosovo,
# Albanian "Serbia"), and words these languages share (Administrator, Partner, Status). Anything else
# equal to its English msgid outside `en` is English left behind, not a translation: `update` once
# copied the English in, and the check then passed.
NAMES = {"Europol", "Eurojust", "JavaScript", "%(size)s KB", "EUR"}  # names, the unit of a size, a currency code
SAME_AS_ENGLISH = {
    "sq": NAMES | {"Serbia", "Administrator"},
    "mk": NAMES,
    "sr": NAMES,
    "sr_Latn": NAMES | {"Kosovo", "Status", "Administrator", "Partner"},
    "bs": NAMES | {"Kosovo", "Status", "Administrator", "Partner"},
    "cnr": NAMES | {"Kosovo", "Status", "Administrator", "Partner"},
}
LETTERS = re.compile(r"[^\W\d_]")
# Markup a translation must keep as it is: tags and attributes (<strong>, <a href="%(url)s">, <code>).
TAG = re.compile(r"</?[a-z]+(?:\s[^>]*)?>")


def extract() -> Catalog:
    """Every translatable string of ctportal/ (Python, screen and mail templates; the PDF's are English)."""
    method_map, options_map = _read_cfg()
    catalog = Catalog(project="ctportal", domain="messages", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _read_cfg() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    from babel.messages.frontend import parse_mapping_cfg
    with BABEL_CFG.open(encoding="utf-8") as fh:
        return parse_mapping_cfg(fh, filename=str(BABEL_CFG))


def write_pot(catalog: Catalog) -> None:
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    with POT.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=False)


def po_path(code: str) -> Path:
    return TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"


def read(code: str) -> Catalog:
    with po_path(code).open("rb") as fh:
        return read_po(fh, locale=LOCALES[code])


HEADER = ("# ctportal: the {language} catalogue (issue 17). Glossary and rules: docs/glossary.md, docs/i18n.md.\n"
          "# The msgids are the English reference; edit translations here, then `make translations`.\n#")


def save(code: str, catalog: Catalog) -> None:
    """Write a catalogue; its header is never fuzzy (a fuzzy header is dropped from the .mo, and with it
    the Plural-Forms: Slavic plurals would silently fall back to English's two)."""
    catalog.fuzzy = False
    catalog.header_comment = HEADER.format(language=code)
    po_path(code).parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_previous=False, ignore_obsolete=True)
    po_path(code).write_bytes(buffer.getvalue())


def update() -> None:
    """New strings go into every catalogue with an empty translation (the check then names them);
    strings the code dropped leave. No fuzzy matching: a guessed translation is worse than none."""
    template = extract()
    write_pot(template)
    for code, locale in LOCALES.items():
        if po_path(code).exists():
            catalog = read(code)
        else:
            catalog = Catalog(locale=locale, domain="messages", charset="utf-8", project="ctportal")
        # A copy each time: Catalog.update adds the template's own Message objects, so English's
        # msgstr = msgid below would otherwise reach every catalogue after it as a "translation".
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False)
        if code == "en":
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = message.id
        save(code, catalog)


def compile_all() -> list[Path]:
    written = []
    for code in LOCALES:
        if not po_path(code).exists():
            continue
        catalog = read(code)
        mo = po_path(code).with_suffix(".mo")
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        mo.write_bytes(buffer.getvalue())
        written.append(mo)
    return written


def compile_if_stale() -> None:
    """For tests run without `make setup`: compile when a .mo is missing or older than its .po."""
    for code in LOCALES:
        po = po_path(code)
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            compile_all()
            return


@dataclass
class Problem:
    code: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.code}: {self.what}: {self.msgid!r}"


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(strings)


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems(template: Catalog | None = None) -> list[Problem]:
    """Everything wrong with the catalogues against the strings the code has now."""
    template = template or extract()
    wanted = {message.id for message in template if message.id}
    found: list[Problem] = []
    for code, locale in LOCALES.items():
        if not po_path(code).exists():
            found.append(Problem(code, "", "no catalogue"))
            continue
        catalog = read(code)
        if catalog.fuzzy:
            found.append(Problem(code, "", "the header is fuzzy (its Plural-Forms would not reach the .mo)"))
        expected_forms = len(Locale.parse(locale).plural_form.tags) + 1  # the tags CLDR names, and "other"
        if catalog.num_plurals != expected_forms:
            found.append(Problem(code, catalog.plural_expr,
                                 f"Plural-Forms has {catalog.num_plurals} forms, CLDR has {expected_forms}"))
        have = {}
        for message in catalog:
            if message.id:
                have[message.id] = message
        for msgid in sorted(wanted - set(have), key=str):
            found.append(Problem(code, _first(msgid), "missing"))
        for msgid in sorted(set(have) - wanted, key=str):
            found.append(Problem(code, _first(msgid), "not in the code any more"))
        for msgid, message in have.items():
            if msgid not in wanted:
                continue
            if message.fuzzy:
                found.append(Problem(code, _first(msgid), "fuzzy"))
            if not _translated(message):
                found.append(Problem(code, _first(msgid), "not translated"))
                continue
            if code != "en" and _left_in_english(code, message):
                found.append(Problem(code, _first(msgid), "the English text, not a translation"))
            found.extend(Problem(code, _first(msgid), what) for what in _compare(message, catalog.num_plurals))
    return found


def _left_in_english(code: str, message) -> bool:
    """A translation equal to the English, where the string has words (not only placeholders) and is not
    one of the language's SAME_AS_ENGLISH."""
    sources = list(message.id) if message.pluralizable else [message.id]
    strings = list(message.string) if message.pluralizable else [message.string]
    for form in strings:
        if form in sources and form not in SAME_AS_ENGLISH.get(code, set()) \
                and LETTERS.search(TAG.sub("", PLACEHOLDER.sub("", form))):
            return True
    return False


def _first(msgid) -> str:
    return msgid[0] if isinstance(msgid, (list, tuple)) else msgid


def _compare(message, num_plurals: int) -> list[str]:
    """A translation keeps the placeholders and the markup of its msgid (every plural form)."""
    issues = []
    if message.pluralizable:
        singular, plural = message.id
        forms = list(message.string)
        if len(forms) != num_plurals:
            issues.append(f"{len(forms)} plural forms instead of {num_plurals}")
        # The singular form may say "one" in words instead of %(num)s; named placeholders other than num stay.
        for index, form in enumerate(forms):
            source = singular if index == 0 and num_plurals > 1 else plural
            want = [p for p in _placeholders(source) if index > 0 or "(num)" not in p]
            got = [p for p in _placeholders(form) if index > 0 or "(num)" not in p]
            if want != got:
                issues.append(f"placeholders differ in form {index}: {want} vs {got}")
            if sorted(TAG.findall(source)) != sorted(TAG.findall(form)):
                issues.append(f"markup differs in form {index}")
    else:
        if _placeholders(message.id) != _placeholders(message.string):
            issues.append(f"placeholders differ: {_placeholders(message.id)} vs {_placeholders(message.string)}")
        if sorted(TAG.findall(message.id)) != sorted(TAG.findall(message.string)):
            issues.append("markup differs")
    return issues


def check() -> int:
    template = extract()
    found = problems(template)
    count = sum(1 for message in template if message.id)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"translations: {len(found)} problem(s) in the catalogues ({count} strings in the code); "
              "run `scripts/translations.py update`, translate, then `compile`", file=sys.stderr)
        return 1
    print(f"translations: {count} strings, {len(LOCALES)} catalogues complete")
    return 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "extract":
        catalog = extract()
        write_pot(catalog)
        print(f"{POT.relative_to(ROOT)}: {sum(1 for m in catalog if m.id)} strings")
        return 0
    if command == "update":
        update()
        return 0
    if command == "compile":
        for path in compile_all():
            print(f"compiled {path.relative_to(ROOT)}")
        return 0
    if command == "check":
        return check()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
