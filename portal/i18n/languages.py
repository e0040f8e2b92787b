"""The supported languages and the locale selector (Flask-Babel calls it once per request).

Order of choice: a signed-in person's saved language (``users.locale``); for a visitor, the language picked with the
page's language switch (kept in the session, never in the database); then the best match of the browser's
Accept-Language header; then English. The API is not translated: its paths always answer in English.

Babel canonicalises zh_CN as zh_Hans_CN, and gettext looks for a catalogue under that name (or plain zh): so the
Chinese catalogue lives in portal/translations/zh_Hans_CN/, while the code people choose and the database keep is
zh_CN.
"""

from __future__ import annotations

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, g, has_request_context, request, session
from flask_babel import get_locale, get_translations, refresh
from flask_login import current_user

from portal.i18n.marks import Message

DEFAULT_LOCALE = "en"
# Each language named in itself, so a person who cannot read the current one still finds theirs.
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
# BCP 47 tags for <html lang>: screen readers and fonts pick the script from it.
HTML_LANG = {"en": "en", "zh_CN": "zh-Hans"}
SESSION_KEY = "locale"
SWITCH_PARAMETER = "lang"


def is_supported(code: str | None) -> bool:
    return code in LANGUAGES


def _browser_choice() -> str | None:
    """The best match of Accept-Language; werkzeug compares tags case-insensitively and treats _ and - alike."""
    match = request.accept_languages.best_match(list(LANGUAGES), default=None)
    if match is None:  # "zh" or "zh-Hans" alone: the Chinese we have
        primaries = {tag.split("-")[0].split("_")[0].lower() for tag, _quality in request.accept_languages}
        match = next((code for code in LANGUAGES if code.split("_")[0] in primaries), None)
    return match


def select_locale() -> str:
    """Flask-Babel's locale selector: saved choice, else visitor's switch, else Accept-Language, else English."""
    if not has_request_context() or request.path.startswith("/api/"):
        return DEFAULT_LOCALE  # CLI commands, jobs and the API speak English
    if current_user and current_user.is_authenticated:
        saved = getattr(current_user, "locale", None)
        if is_supported(saved):
            return saved
    else:
        chosen = session.get(SESSION_KEY)
        if is_supported(chosen):
            return chosen
    return _browser_choice() or DEFAULT_LOCALE


def remember_visitor_choice() -> None:
    """Before every request: `?lang=zh_CN` from the visitor's switch is kept in the session (no database write).

    Only a supported code is kept; anything else is ignored. Signed-in people choose on their account page."""
    chosen = request.args.get(SWITCH_PARAMETER)
    if chosen is None or request.path.startswith("/api/") or current_user.is_authenticated:
        return
    if is_supported(chosen) and session.get(SESSION_KEY) != chosen:
        session[SESSION_KEY] = chosen


def code_of(locale: Locale | None) -> str:
    """The portal's code for a Babel locale (Babel spells zh_CN as zh_Hans_CN); English when unknown."""
    return next((code for code in LANGUAGES if locale == Locale.parse(code)), DEFAULT_LOCALE)


def html_lang() -> str:
    """The lang attribute of the page being rendered."""
    return HTML_LANG[code_of(get_locale())]


def translated(message: str) -> str:
    """Template filter: a message marked with N_ where it is defined (a role or state label), in the reader's
    language. Unlike _() in a template, the result is plain text, so autoescaping still applies."""
    if isinstance(message, Message):  # built by a pure function with its params: translate the msgid, not the text
        return message.translated()
    return request_translations().ugettext(message) if message else message


def request_translations() -> NullTranslations:
    """This request's catalogue, looked up once per request. Flask-Babel looks it up again on every message
    (context, domain, locale, a cache keyed by str(locale)): ~30 µs a call, over 1 ms of a list page that
    translates a few dozen labels (bench.dashboard, B1). A request that changes its language calls
    refresh_language()."""
    if not has_request_context():
        return get_translations()
    try:
        return g._portal_translations
    except AttributeError:
        g._portal_translations = get_translations()
        return g._portal_translations


def refresh_language() -> None:
    """The rest of this request in the language just chosen (its messages, its catalogue)."""
    refresh()
    g.pop("_portal_translations", None)


def init_i18n(app: Flask) -> None:
    """Flask-Babel with the portal's selector and catalogue folder; templates get _, gettext, ngettext from it."""
    from portal.config import ROOT
    from portal.extensions import babel

    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "portal" / "translations"))
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(remember_visitor_choice)
    app.jinja_env.globals.update(html_lang=html_lang, LANGUAGES=LANGUAGES, HTML_LANG=HTML_LANG)
    app.jinja_env.filters["translated"] = translated
    # Templates' _() and ngettext() through the per-request catalogue (Flask-Babel installs its own otherwise).
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: request_translations().ugettext(message),
        ngettext=lambda singular, plural, n: request_translations().ungettext(singular, plural, n),
        pgettext=lambda context, message: request_translations().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: request_translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )
