"""Problems found in a plan, and the two ways they are printed.

A problem is data: the loader and the checks return them, only the command
line prints them.  The text format follows yamllint
(`file:line:col: [level] message (code)`); the GitHub format prints
workflow commands that GitHub turns into annotations on the pull request.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .messages import _, ngettext, say

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    level: str
    code: str
    message: str

    def text(self, language=None) -> str:
        """yamllint's line; the message in `language` (an i18n.Language; None: English),
        the level and the code always as they are, for tools that read them."""
        return f"{self.file}:{self.line}:{self.col}: [{self.level}] {say(self.message, language)} ({self.code})"

    def github(self, language=None) -> str:
        props = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (("file", self.file), ("line", self.line), ("col", self.col), ("title", self.code))
        )
        return f"::{self.level} {props}::{_escape_data(say(self.message, language))}"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


FORMATS = {"text": Problem.text, "github": Problem.github}


def format_problems(problems: Iterable[Problem], fmt: str = "text", language=None) -> str:
    render = FORMATS[fmt]
    return "".join(render(p, language) + "\n" for p in problems)


def summary(problems: list[Problem], language=None) -> str:
    errors = sum(p.level == ERROR for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return _("The plan is valid.").say(language)
    return _("%(errors)s and %(warnings)s.").format(
        errors=ngettext("%(count)s error", "%(count)s errors", errors).format(count=errors),
        warnings=ngettext("%(count)s warning", "%(count)s warnings", warnings).format(count=warnings),
    ).say(language)
