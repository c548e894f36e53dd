"""The languages the portal speaks (issue 17): the code kept on the account, the Babel locale its
dates and numbers follow, the `lang` attribute of its pages and its name in itself.

The report itself stays in English (the Council document is "OR. en"); only the portal around it
is translated. Decisions and the reasons for each tag: docs/i18n.md.
"""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    code: str          # the catalogue directory (ctportal/translations/<code>) and the account's value
    babel_locale: str  # the CLDR locale for dates and numbers
    html_lang: str     # BCP 47 tag for <html lang>: screen readers choose the voice from it
    native_name: str   # how the switcher names it: each language in itself


# The switcher's order: the partners' languages, then English.
LANGUAGES: tuple[Language, ...] = (
    Language("sq", "sq", "sq", "Shqip"),
    Language("mk", "mk", "mk", "Македонски"),
    # CLDR's plain "sr" is Cyrillic, the official script (Constitution of Serbia, art. 10).
    Language("sr", "sr", "sr-Cyrl", "Српски"),
    Language("sr_Latn", "sr_Latn", "sr-Latn", "Srpski"),
    Language("bs", "bs", "bs", "Bosanski"),
    # Montenegrin (ISO 639-3 cnr) has no CLDR locale of its own: Serbian in Latin script as used in
    # Montenegro (sr_Latn_ME) gives its dates and numbers; the text is the cnr catalogue's.
    Language("cnr", "sr_Latn_ME", "cnr", "Crnogorski"),
    Language("en", "en", "en", "English"),
)

BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}
CODES: tuple[str, ...] = tuple(BY_CODE)
# The languages a party may write its original texts in (issue 17, item 4): every one but English.
PARTNER_CODES: tuple[str, ...] = tuple(code for code in CODES if code != DEFAULT)

# Accept-Language tags (lower case) and what they choose; a tag not listed falls back to its
# primary subtag ("sq-AL" -> "sq", "en-GB" -> "en").
_TAGS: dict[str, str] = {
    "sq": "sq", "mk": "mk", "bs": "bs", "en": "en", "cnr": "cnr",
    "sr": "sr", "sr-cyrl": "sr", "sr-rs": "sr", "sr-cyrl-rs": "sr", "sr-cyrl-ba": "sr", "sr-ba": "sr",
    "sr-latn": "sr_Latn", "sr-latn-rs": "sr_Latn", "sr-latn-ba": "sr_Latn", "sr-cs": "sr_Latn",
    "sr-me": "cnr", "sr-latn-me": "cnr", "cnr-me": "cnr", "cnr-latn": "cnr", "cnr-latn-me": "cnr",
    "bs-latn": "bs", "bs-ba": "bs", "bs-latn-ba": "bs",
}


def get(code: str | None) -> Language:
    """The language of `code`, English for an unknown or empty one."""
    return BY_CODE.get(code or "", BY_CODE[DEFAULT])


def from_accept_language(tags: list[str]) -> str | None:
    """The first of the browser's tags (already in its order of preference) the portal speaks."""
    for raw in tags:
        tag = raw.strip().lower().replace("_", "-")
        if tag in _TAGS:
            return _TAGS[tag]
        primary = tag.split("-")[0]
        if primary in _TAGS:
            return _TAGS[primary]
    return None


_CODE_OF_BABEL = {language.babel_locale: language.code for language in LANGUAGES}


def code_of_babel(locale_name: str | None) -> str:
    """The portal's code for a Babel locale's name ("sr_Latn_ME" is Montenegrin), English for another."""
    return _CODE_OF_BABEL.get(locale_name or "", DEFAULT)
