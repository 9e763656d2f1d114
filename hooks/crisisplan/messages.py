"""Words said later, in the reader's language: validation's problems and the change list.

A problem (or a change) is found once and said later, by the command line or
the build, in the reader's language.  So a message keeps what it was made
of: a `Message` is the English text (it *is* a `str`, so comparing and
printing it as English needs nothing special) plus its gettext message id
and the values put into it.  Saying it in a language (`say(message,
language)`) translates the message with the handbook's catalogues
(`theme/locale/<locale>.po`, read by `i18n.language`) and puts the values in
again, saying those that are messages themselves ("item 2 of 'phones'", a
date) in the same language.  The plan's own text, put in as plain values,
stays as written.

    from .messages import _, ngettext, pgettext
    _("'%(value)s' is not an email address").format(value=value)
    _("%(noun)s “%(name)s”", noun=noun, name=title)
    ngettext("%(count)s error", "%(count)s errors", n).format(count=n)

Placeholders are gettext's `%(name)s`, as in the page templates; `format`
(or calling the message, or keywords to `_`) puts the values in.  `_`,
`pgettext` and `ngettext` are the names `pybabel extract` looks for, so these
messages reach `messages.pot` like the handbook's other words.

Chinese and Japanese put no spaces between words: when a message is said in
one of them, the spaces around a value are kept only between a CJK character
and a Latin letter or digit (「計畫版本 2026.3」, 「第 3 行」) and dropped next to
CJK characters and full-width punctuation (「負責人由王小明改為李大華」).
This module never imports MkDocs.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Iterable

from .cjk import CJK, WIDE_PUNCTUATION


class Message(str):
    """English text that can say itself in another language."""

    def __new__(cls, message: str, plural: str | None = None, count: int | None = None,
                context: str | None = None, values: dict | None = None):
        self = super().__new__(cls, _fill(_english(message, plural, count), values, None))
        self.message, self.plural, self.count, self.context, self.values = message, plural, count, context, values
        return self

    def format(self, **values) -> "Message":  # type: ignore[override]
        """The message with (more) values put in; English now, any language when said."""
        return Message(self.message, self.plural, self.count, self.context, {**(self.values or {}), **values})

    __call__ = format

    @classmethod
    def plain(cls, english: str) -> "Message":
        """A message whose English is `english`, for subclasses that say themselves."""
        self = str.__new__(cls, english)
        self.message, self.plural, self.count, self.context, self.values = english, None, None, None, None
        return self

    def say(self, language) -> str:
        """This message in `language` (an i18n.Language; None: English as written here)."""
        if language is None:
            text = _english(self.message, self.plural, self.count)
        elif self.plural is not None:
            text = (language.npgettext(self.context, self.message, self.plural, self.count) if self.context
                    else language.ngettext(self.message, self.plural, self.count))
        else:
            text = language.pgettext(self.context, self.message) if self.context else language.gettext(self.message)
        if self.values is None:
            return text
        return _fill(text, {name: say(value, language) for name, value in self.values.items()}, language)


def _english(message: str, plural: str | None, count: int | None) -> str:
    return plural if plural is not None and count != 1 else message


def _(message: str, **values) -> Message:
    """A message, English as written; values put in now or later (`format`)."""
    return Message(message, values=values or None)


def pgettext(context: str, message: str, **values) -> Message:
    return Message(message, context=context, values=values or None)


def ngettext(singular: str, plural: str, n: int, **values) -> Message:
    """The singular or the plural message as `n` asks (its values may name a `count`)."""
    return Message(singular, plural, n, values=values or None)


class Phrase(Message):
    """A text whose English is not written in this package (a section's title from
    sections.yaml, a schema field's `meta`): translated where a catalogue has
    it, else shown as written; `shape` is applied once said (lower-casing it to
    fit mid-sentence)."""

    def __new__(cls, text: str, shape: Callable[[str], str] | None = None):
        self = cls.plain(shape(text) if shape else text)
        self.message, self.shape = text, shape
        return self

    def say(self, language) -> str:
        text = self.message if language is None else language.gettext(self.message)
        return self.shape(text) if self.shape else text


class Listing(Message):
    """Values joined as the language joins them: 'a', 'b' or 'c'; 「a」、「b」或「c」.

    `quoted`: each value in quotes; `final`: "or" or "and" before the last,
    or None for the separator only; `separator`: a message for it (default:
    the list separator, ", " in English)."""

    def __new__(cls, items: Iterable, final: str | None = "or", quoted: bool = True,
                separator: Message | None = None):
        items = tuple(items)
        self = cls.plain(_join(items, None, final, quoted, separator))
        self.items, self.final, self.quoted, self.separator = items, final, quoted, separator
        return self

    def say(self, language) -> str:
        return _join(self.items, language, self.final, self.quoted, self.separator)


def _join(items: tuple, language, final: str | None, quoted: bool, separator: Message | None) -> str:
    shown = [say(quote(item) if quoted else item, language) for item in items]
    between = say(separator if separator is not None else pgettext("list", ", "), language)
    if len(shown) <= 1 or final is None:
        return between.join(shown)
    last = pgettext("list", "%(items)s or %(last)s") if final == "or" else pgettext("list", "%(items)s and %(last)s")
    return say(last.format(items=between.join(shown[:-1]), last=shown[-1]), language)


class Date(Message):
    """A date: ISO 8601 in English messages, the language's own pattern otherwise (2026年12月1日)."""

    def __new__(cls, value: dt.date):
        self = cls.plain(value.isoformat())
        self.value = value
        return self

    def say(self, language) -> str:
        return self.value.isoformat() if language is None else language.date(self.value)


def quote(value) -> Message:
    """A value of the plan quoted in a message: 'value' in English, 「value」 in Chinese."""
    return pgettext("quoted value", "'%(value)s'").format(value=value)


def say(value, language) -> str:
    """Any value of a message in `language`: messages said, the plan's text as written."""
    if isinstance(value, Message):
        return value.say(language)
    return str(value)


# --- putting values into a message ------------------------------------------------------------

UNSPACED_LANGUAGES = ("zh", "ja")  # languages written without spaces between words
_PLACEHOLDER = re.compile(r"(%\(\w+\)s)")


def _fill(text: str, values: dict | None, language) -> str:
    if values is None:
        return text
    if language is None or language.locale.language not in UNSPACED_LANGUAGES:
        return text % {name: say(value, language) for name, value in values.items()}
    out = ""
    after_value = False
    for piece in _PLACEHOLDER.split(text):
        if _PLACEHOLDER.fullmatch(piece):
            trimmed = out.rstrip(" ")
            out = _meet(trimmed, values[piece[2:-2]], len(trimmed) < len(out))
            after_value = True
            continue
        piece = piece.replace("%%", "%")
        if after_value:
            trimmed = piece.lstrip(" ")
            out = _meet(out, trimmed, len(trimmed) < len(piece))
        else:
            out += piece
        after_value = False
    return out


def _meet(left: str, right: str, spaced: bool) -> str:
    """Two pieces of a CJK sentence: a space only between CJK and a Latin letter or digit."""
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if _wide_punctuation(a) or _wide_punctuation(b) or (_cjk(a) and _cjk(b)):
        return left + right
    latin = b if _cjk(a) else a  # the side that is not CJK
    if _cjk(a) != _cjk(b) and latin.isalnum():
        return left + " " + right
    return left + (" " if spaced else "") + right


def _cjk(char: str) -> bool:
    return CJK.match(char) is not None


def _wide_punctuation(char: str) -> bool:
    return WIDE_PUNCTUATION.match(char) is not None
