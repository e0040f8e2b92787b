"""Marking a message for the catalogue where it is defined, translating it where it is shown.

For strings that must stay English in one place and be translated in another: ERROR_TITLES are the API's problem
titles (English) and the error pages' headings (the reader's language). Pure: no Flask, no Babel."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def _english(message: str, **params: object) -> str:
    return message % params if params else message


# How a message is put in the reader's language. English until the app says otherwise (portal.errors installs
# Flask-Babel's gettext when it registers the error pages), so this module imports no framework.
_gettext: Callable[..., str] = _english


def use_gettext(gettext: Callable[..., str]) -> None:
    """Translate messages with `gettext(message, **params)` from now on (Flask-Babel's, once the app is made)."""
    global _gettext  # noqa: PLW0603 - one setting for the process, made once at start-up
    _gettext = gettext


def N_(message: str) -> str:  # noqa: N802 - the name pybabel extract looks for by default
    """Return the message unchanged; `pybabel extract` collects it into the catalogue."""
    return message


class Label(str):
    """An English label (a state, a step, an outcome) passed as a parameter of a refusal.

    It is the English text where the refusal is English (str(), the API) and is looked up in the catalogue where
    the refusal is shown to a reader (`Refusal.translated`). `lower=True` keeps the label's msgid and lowercases
    it for a place inside a sentence ("a proposal that is draft")."""

    msgid: str
    lower_case: bool

    def __new__(cls, text: str, *, lower: bool = False) -> Label:
        label = super().__new__(cls, text.lower() if lower else text)
        label.msgid, label.lower_case = str(text), lower
        return label


class Labels(str):
    """Several labels or messages joined as one parameter (the steps allowed from here, what a form still misses):
    the English items joined with `sep`, each translated where the refusal is."""

    labels: tuple[str, ...]
    sep: str

    def __new__(cls, labels: Iterable[str], sep: str = ", ") -> Labels:
        items = tuple(labels)
        joined = super().__new__(cls, sep.join(items))
        joined.labels, joined.sep = items, sep
        return joined


class Message(str):
    """An English message that can still be translated: the text itself, with the msgid and params it came from.

    For pure functions that return a message rather than raise it (`meetings.rules.vote_refusal`): callers that
    want English use it as the string it is; a refusal built from it (`MeetingError(message)`) keeps its msgid and
    params, so `translated()` shows it in the reader's language."""

    message: str
    params: dict[str, object]

    def __new__(cls, message: str, /, **params: object) -> Message:
        text = super().__new__(cls, message % params if params else message)
        text.message, text.params = message, params
        return text

    def translated(self) -> str:
        return _gettext(self.message, **translated_params(self.params))


class Refusal:
    """A message for the person a step was refused to: a msgid marked with N_ at the raise site, and its params.

    `str(refusal)` is the English text (`message % params`, or the message alone without params), as the JSON API
    and the logs show it; `translated()` is the same message in the reader's language, for pages and flashes.
    A param may be a `Label`, `Labels`, `Message` or another Refusal: each is translated too. The message may be a
    `Message` (its msgid and params are taken over). Mixed into exceptions: `class X(Refusal, ValueError)`.
    Pure: the app installs the translation function (`use_gettext`), this module imports no framework."""

    def __init__(self, message: str = "", /, **params: object) -> None:
        if isinstance(message, Message) and not params:
            message, params = message.message, message.params
        self.message = str(message)
        self.params = params
        if isinstance(self, BaseException):
            super().__init__(self.english())  # args[0]: the English text, as before
        else:
            super().__init__()

    def english(self) -> str:
        if not self.params:
            return self.message
        return self.message % self.params

    def __str__(self) -> str:
        return self.english()

    def translated(self) -> str:
        return _gettext(self.message, **translated_params(self.params))


def translated_params(params: dict[str, object]) -> dict[str, object]:
    """The params of a message in the reader's language: labels looked up, nested messages translated."""

    def one(value: object) -> object:
        if isinstance(value, (Refusal, Message)):
            return value.translated()
        if isinstance(value, Labels):
            return value.sep.join(str(one(label)) for label in value.labels)
        if isinstance(value, Label):
            text = _gettext(value.msgid)
            return text.lower() if value.lower_case else text
        return value

    return {key: one(value) for key, value in params.items()}


def english_ngettext(singular: str, plural: str, num: int, **params: object) -> str:
    """`ngettext` without a catalogue: the English form for `num`, formatted like Flask-Babel's (num included).

    A refusal with a plural writes its message once, in a function that takes the ngettext to use: this one for
    str() (English), flask_babel.ngettext in its translated(). The literal call is what `pybabel extract` reads."""
    return (singular if num == 1 else plural) % {"num": num, **params}
