"""Problems found in a plan, and the two ways they are printed.

A problem is data: the loader and the checks return them, only the command
line prints them.  The text format follows yamllint
(`file:line:col: [level] message (code)`); the GitHub format prints
workflow commands that GitHub turns into annotations on the pull request.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

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

    def text(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: [{self.level}] {self.message} ({self.code})"

    def github(self) -> str:
        props = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (("file", self.file), ("line", self.line), ("col", self.col), ("title", self.code))
        )
        return f"::{self.level} {props}::{_escape_data(self.message)}"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


FORMATS = {"text": Problem.text, "github": Problem.github}


def format_problems(problems: Iterable[Problem], fmt: str = "text") -> str:
    render = FORMATS[fmt]
    return "".join(render(p) + "\n" for p in problems)


def summary(problems: list[Problem]) -> str:
    errors = sum(p.level == ERROR for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "The plan is valid."
    return f"{_count(errors, 'error')} and {_count(warnings, 'warning')}."


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
