"""The portal in the partners' languages (issue 17): which language a request speaks, where its
catalogue is, and the helpers templates use (the switcher, `<html lang>`, locale dates).

The order of choice: the language kept on the account; else the one chosen with the switcher in
this browser before signing in (the session); else the browser's Accept-Language; else English.
The JSON API always answers in English (its schema and its values are the reference).
"""
from __future__ import annotations

from pathlib import Path
from babel import Locale
from babel.support import NullTranslations, Translations
from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, Domain, get_locale, refresh
from flask_login import current_user

from ctportal.domain import languages
from ctportal.domain.parties import N_

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
SESSION_KEY = "language"

# Strings that come from configuration or data, listed here so that the catalogues carry them.
MESSAGES_FROM_DATA = (
    N_("CT Western Balkans reporting portal"),  # config.SITE_NAME
)

# str(babel Locale) -> the portal's code (the catalogue's directory): "sr_Latn_ME" is Montenegrin.
_CODE_OF_LOCALE = {str(Locale.parse(language.babel_locale)): language.code for language in languages.LANGUAGES}


def code_of(locale: Locale | None) -> str:
    return _CODE_OF_LOCALE.get(str(locale), languages.DEFAULT) if locale is not None else languages.DEFAULT


class PortalDomain(Domain):
    """Loads `translations/<code>/LC_MESSAGES/messages.mo` by the portal's code, not through
    gettext's own search, which normalises "sr_Latn" to "sr@latin" and knows no "cnr"."""

    _loaded: dict[str, NullTranslations] = {}

    def get_translations(self) -> NullTranslations:
        # Asked once per translated string (over a thousand times on the progress map): the request
        # keeps the catalogue of the locale object it found last; another locale object (the next
        # request, `force_locale` for a mail, `refresh`) is looked up again.
        locale = get_locale()
        if locale is None:
            return self._catalogue(code_of(None))
        kept = g.get("_portal_translations")
        if kept is not None and kept[0] is locale:
            return kept[1]
        translations = self._catalogue(code_of(locale))
        g._portal_translations = (locale, translations)
        return translations

    def _catalogue(self, code: str) -> NullTranslations:
        if code not in self._loaded:
            mo = TRANSLATIONS_DIR / code / "LC_MESSAGES" / "messages.mo"
            if mo.is_file():
                with mo.open("rb") as fh:
                    self._loaded[code] = Translations(fp=fh, domain="messages")
            else:  # English is the msgids themselves; a missing .mo (not compiled) falls back to it
                self._loaded[code] = NullTranslations()
        return self._loaded[code]


class PortalBabel(Babel):
    @property
    def domain_instance(self) -> Domain:
        return _DOMAIN


_DOMAIN = PortalDomain()
babel = PortalBabel()


def select_language() -> str:
    """The portal code of the request's language (see the module's docstring for the order)."""
    if not has_request_context() or request.path.startswith("/api/"):
        return languages.DEFAULT
    user_language = getattr(current_user, "language", None) if current_user else None
    if user_language in languages.BY_CODE:
        return str(user_language)
    chosen = session.get(SESSION_KEY)
    if chosen in languages.BY_CODE:
        return str(chosen)
    accepted = [value for value, _quality in request.accept_languages]  # already by quality
    return languages.from_accept_language(accepted) or languages.DEFAULT


def _locale_selector() -> str:
    return languages.get(select_language()).babel_locale


def current_language() -> languages.Language:
    """The language the current page (or mail, inside force_locale) is written in."""
    return languages.get(code_of(get_locale()))


def current_babel_locale() -> str:
    return current_language().babel_locale


def init_i18n(app: Flask) -> None:
    babel.init_app(app, default_locale=languages.DEFAULT, locale_selector=_locale_selector)
    # Templates ask the portal's domain directly (Flask-Babel's callables look the domain up first,
    # for every string of every page); the same translations, newstyle as Flask-Babel installs them.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: _DOMAIN.get_translations().ugettext(s),
        ngettext=lambda s, p, n: _DOMAIN.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: _DOMAIN.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _DOMAIN.get_translations().unpgettext(c, s, p, n),
        newstyle=True)
    # Flask-Babel caches the choice on `g`, which a request shares with an app context already pushed
    # (a CLI command, a test): each request chooses afresh.
    app.before_request(refresh)
    app.jinja_env.globals["LANGUAGES"] = languages.LANGUAGES
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: whitespace as in prose
