"""The plan's own text, for tests that look for the handbook's words around it."""
from __future__ import annotations

import re


def plan_strings(plan) -> set[str]:
    """Every string of the plan (values and keys, keys also as words), each
    value also paragraph by paragraph with its whitespace as a page shows it."""
    strings: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                words = str(key).replace("_", " ").replace("-", " ")
                strings.update({str(key), words, words.capitalize()})
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif value is not None:
            strings.add(str(value))
            strings.update(" ".join(part.split()) for part in re.split(r"\n\s*\n", str(value)))

    for name in plan.registry.files:
        walk(plan[name])
    for folder in plan.registry.folders:
        walk(list(plan.folder(folder).values()))
    return {s for s in strings if len(s) > 1}


def without_format_words(text: str) -> str:
    """Text of the format reference without the plan format itself, which stays
    as it is in every language: file and folder names, field paths, ids, and
    examples of values as a plan writes them (「Asia/Taipei」, 「zh-Hant」)."""
    text = re.sub(r"「[\x00-\x7f]*」", " ", text)
    return re.sub(r"\S*\.yaml|[\w-]+/|\w+(\.\w+)+|[a-z0-9]+(-[a-z0-9]+)+", " ", text)
