"""What the checks say, in English and in the language of whoever reads it.

A problem's message is built once, in English, by the check that finds it,
and printed later, by the command line or the build, in the reader's
language.  So a message keeps what it was made of: a `Message` is the
English text (it *is* a `str`, so comparing and printing it as English needs
nothing special) plus its template and the values put into it.  Printing it
in another language translates the template with the handbook's catalogues
(`theme/locale/<locale>.po`, read by `i18n.language`) and puts the values in
again, translating those that are messages themselves ("item 2 of 'phones'",
"a date written YYYY-MM-DD").  The plan's own text, put in as plain values,
stays as written.

In the checks:

    from .messages import _, ngettext
    _("'{value}' is not an email address").format(value=value)
    ngettext("{what} needs at least {count} entry", "{what} needs at least {count} entries", n).format(what=what, count=n)

`_` and `ngettext` are the names `pybabel extract` looks for, so these
templates reach `messages.pot` like the handbook's own words.
This module never imports MkDocs.
"""
from __future__ import annotations

import string
from typing import Callable, Iterable


class Message(str):
    """English text that knows how to say itself in another language."""

    def __new__(cls, template: str, plural: str | None = None, count: int | None = None,
                args: dict | None = None, context: str | None = None):
        english = plural if plural is not None and count != 1 else template
        if args is not None:
            english = english.format(**args)
        self = super().__new__(cls, english)
        self.template, self.plural, self.count, self.args, self.context = template, plural, count, args, context
        return self

    def format(self, **args) -> "Message":  # type: ignore[override]
        """The message with its values put in (English now, any language later)."""
        return Message(self.template, self.plural, self.count, args, self.context)

    def translated(self, language) -> str:
        """This message in `language` (an i18n.Language; None: English as built)."""
        if language is None:
            return str.__str__(self)
        if self.plural is not None:
            text = (language.npgettext(self.context, self.template, self.plural, self.count) if self.context
                    else language.ngettext(self.template, self.plural, self.count))
        else:
            text = language.pgettext(self.context, self.template) if self.context else language.gettext(self.template)
        if self.args is None:
            return text
        return _fill(text, {key: say(value, language) for key, value in self.args.items()})


class Phrase(Message):
    """A text whose English is not written in this package (a schema field's
    `meta` description): translated where a catalogue has it, else shown as
    written; `shape` is applied after translating (e.g. lower-casing the
    first letter to fit mid-sentence)."""

    def __new__(cls, text: str, shape: Callable[[str], str] | None = None):
        self = str.__new__(cls, shape(text) if shape else text)
        self.template, self.plural, self.count, self.args, self.context = text, None, None, None, None
        self.shape = shape
        return self

    def translated(self, language) -> str:
        text = self.template if language is None else language.gettext(self.template)
        return self.shape(text) if self.shape else text


class Listing(Message):
    """'a', 'b' or 'c': values of the plan joined as the language joins them,
    quoted (or not), with "or" or "and" before the last (or None: commas only)."""

    def __new__(cls, items: Iterable, final: str | None = "or", quoted: bool = True):
        items = [str(i) for i in items]
        self = str.__new__(cls, _join(items, None, final, quoted))
        self.template, self.plural, self.count, self.args, self.context = str.__str__(self), None, None, None, None
        self.items, self.final, self.quoted = items, final, quoted
        return self

    def translated(self, language) -> str:
        return _join(self.items, language, self.final, self.quoted)


def _join(items: list[str], language, final: str | None, quoted: bool) -> str:
    shown = [quote(item).translated(language) if quoted else item for item in items]
    separator = pgettext("list", ", ").translated(language)
    if len(shown) == 1 or final is None:
        return separator.join(shown)
    last = (pgettext("list", "{items} or {last}") if final == "or"
            else pgettext("list", "{items} and {last}"))
    return last.format(items=separator.join(shown[:-1]), last=shown[-1]).translated(language)


def _fill(template: str, values: dict[str, str]) -> str:
    """`template.format(**values)`, with a space where a value starting or
    ending in Latin letters or digits meets a Chinese, Japanese or Korean
    character of the template (「必須是 true 或 false」, spaced as Taiwanese
    technical writing does); the values themselves are never changed."""
    out = ""
    after_value = False
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            if after_value and _is_latin(out[-1:]) and _is_cjk(literal[0]):
                out += " "
            out += literal
        if name is None:
            continue
        value = values[name]
        if value and _is_cjk(out[-1:]) and _is_latin(value[0]):
            out += " "
        out += value
        after_value = bool(value)
    return out


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _is_cjk(char: str) -> bool:
    """A Chinese, Japanese or Korean letter (not its punctuation: 「」，。 need no space)."""
    return bool(char) and ("\u3040" <= char <= "\u30ff" or "\u3400" <= char <= "\u4dbf" or "\u4e00" <= char <= "\u9fff"
                           or "\uac00" <= char <= "\ud7af" or "\uf900" <= char <= "\ufaff")


def _(template: str) -> Message:
    """A message template, English as written; `.format(...)` puts values in."""
    return Message(template)


def pgettext(context: str, template: str) -> Message:
    return Message(template, context=context)


def ngettext(singular: str, plural: str, count: int) -> Message:
    return Message(singular, plural, count)


def quote(value) -> Message:
    """A value of the plan quoted in a message: 'value' in English, 「value」 in Chinese."""
    return pgettext("quoted value", "'{value}'").format(value=value)


def say(value, language) -> str:
    """Any value of a message in `language`: messages translated, the rest as written."""
    if isinstance(value, Message):
        return value.translated(language)
    return str(value)
