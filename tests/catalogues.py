"""A translation catalogue written by a test, as an organisation would write one."""
from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po


def write_catalogue(path: Path, locale: str, messages: dict) -> None:
    """`path` (a locale/<locale>.po) with `messages`: {English: translation}."""
    catalogue = Catalog(locale=locale)
    for msgid, msgstr in messages.items():
        catalogue.add(msgid, msgstr)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        write_po(file, catalogue)
