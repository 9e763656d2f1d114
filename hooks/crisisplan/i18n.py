"""The handbook's own words in the plan's language: gettext catalogues read with Babel.

`plan.language` (a BCP 47 tag: "en", "zh-TW", "zh-Hant-TW") chooses the
language of everything the handbook writes itself: page titles, headings,
labels, units, durations, dates, the names of values from fixed lists. The
plan's own text is shown as written.

The words are English in the templates (`{% trans %}`, `_()`) and in this
package (`language.gettext(...)`), and are translated by catalogues: one .po
file per language in the theme's `locale/` folder, named by Babel's locale
identifier (`theme/locale/zh_Hant.po`, Traditional Chinese). A region's
catalogue changes only the words the region writes differently
(`zh_HK.po` over `zh_Hant.po`): a plan's tag finds every catalogue from the
most general to the most specific, and the later one wins. They are read when a handbook is built
(babel.messages.pofile.read_po); nothing is compiled into the repository.
An organisation's own theme folder (mkdocs.yml's `custom_dir`) may carry a
`locale/<locale>.po` too: each message it translates replaces the packaged
translation, so any word of the interface can be changed without Python,
English included (`locale/en.po`).

`messages.pot` beside the catalogues lists every message (made with
`pybabel extract -F babel.cfg`); a new language is a copy of it, translated.
This module never imports MkDocs.
"""
from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
import os
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from .schema import bundled_dir

DEFAULT_LANGUAGE = "en"
LOCALE_FOLDER = "locale"
CATALOGUE_SUFFIX = ".po"


def packaged_locale_dir() -> Path:
    """The packaged theme's catalogues: this checkout's theme/locale, or its installed copy."""
    return bundled_dir("theme", "theme", "main.html") / LOCALE_FOLDER


def plan_language(plan) -> str:
    """The plan's language tag (about.yaml plan.language), English when it has none."""
    return _declared_language(plan["about"] if plan is not None else None) or DEFAULT_LANGUAGE


def parse_tag(tag: str) -> Locale:
    """The Babel locale of a language tag; English for a tag Babel does not know."""
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


def catalogue_names(tag: str) -> list[str]:
    """The catalogue file stems to look for, most specific first:
    "zh-TW" -> zh_TW, zh_Hant_TW, zh_Hant, zh."""
    locale = parse_tag(tag)
    given = tag.replace("-", "_")
    names = [given]
    language, script, territory = locale.language, locale.script, locale.territory
    if script and territory:
        names.append(f"{language}_{script}_{territory}")
    if territory:
        names.append(f"{language}_{territory}")
    if script:
        names.append(f"{language}_{script}")
    names.append(language)
    return list(dict.fromkeys(names))


def regional_catalogues(folder: Path) -> list[str]:
    """The catalogues of `folder` that only change some words of a more general
    one of the same folder (zh_HK over zh_Hant): they need not translate everything."""
    stems = {path.stem for path in Path(folder).glob("*" + CATALOGUE_SUFFIX)}
    return sorted(stem for stem in stems if set(catalogue_names(stem)[1:]) & stems)


def supported_languages(locale_dirs: list[Path] | None = None) -> list[str]:
    """English, and every language with a catalogue (locale identifiers, e.g. zh_Hant)."""
    folders = locale_dirs if locale_dirs is not None else [packaged_locale_dir()]
    found = {path.stem for folder in folders for path in Path(folder).glob("*" + CATALOGUE_SUFFIX)}
    return [DEFAULT_LANGUAGE] + sorted(found - {DEFAULT_LANGUAGE})


def read_catalogue(path: Path) -> Catalog:
    with open(path, "rb") as file:
        return read_po(file, locale=path.stem, ignore_obsolete=True)


@dataclass(frozen=True, eq=False)
class Language:
    """The handbook's words in one language: gettext, plus units, durations and dates."""

    tag: str                          # as the plan writes it: "zh-TW"
    locale: Locale                    # Babel's: zh_Hant_TW
    translations: _gettext.NullTranslations = field(repr=False)
    catalogues: tuple[str, ...] = ()  # the .po files read, packaged first

    # --- gettext --------------------------------------------------------------------------

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, count: int) -> str:
        return self.translations.npgettext(context, singular, plural, count)

    @property
    def is_english(self) -> bool:
        return self.locale.language == "en"

    # --- units, durations, dates ---------------------------------------------------------------

    def minutes(self, value) -> str:
        """5 -> '5 min', 90 -> '1 h 30 min', 1440 -> '1 day' (zh-TW: 5 分鐘, 1 小時 30 分鐘, 1 天)."""
        value = int(value)
        if value < 60:
            return self.gettext("%(minutes)s min") % {"minutes": value}
        if value % 1440 == 0:
            days = value // 1440
            return self.ngettext("%(num)s day", "%(num)s days", days) % {"num": days}
        hours, rest = divmod(value, 60)
        if rest:
            return self.gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
        return self.gettext("%(hours)s h") % {"hours": hours}

    def date(self, value) -> str:
        """A date in a page (tables, notices): ISO 8601 in English, 2026年12月1日 in zh-TW."""
        if not isinstance(value, dt.date):
            return value.isoformat() if hasattr(value, "isoformat") else str(value)
        # Translators: the CLDR pattern of dates in pages (tables, notices); see
        # https://babel.pocoo.org/en/latest/dates.html#date-fields
        return format_date(value, self.gettext("yyyy-MM-dd"), locale=self.locale)

    def long_date(self, value) -> str:
        """The effective date on every page: 1 December 2026, 2026年12月1日."""
        if not isinstance(value, dt.date):
            return str(value or "")
        # Translators: the CLDR pattern of the plan's effective date at the top of every page
        return format_date(value, self.gettext("d MMMM y"), locale=self.locale)

    def unit(self, unit: str, count: int = 2) -> str:
        """A post length unit ("characters", "bytes") in words."""
        if unit == "bytes":
            return self.ngettext("byte", "bytes", count)
        return self.ngettext("character", "characters", count)

    # --- values from fixed lists -------------------------------------------------------------

    def choice(self, value, kind: str, default: str | None = None) -> str:
        """A value from one of the schemas' fixed lists, as the handbook shows it.

        Unknown values (and kinds) are shown as `default`, or as written."""
        shown = self._choices.get(kind, {}).get(value)
        if shown is not None:
            return shown
        return default if default is not None else str(value)

    @cached_property
    def _choices(self) -> dict[str, dict[str, str]]:
        return {
            "phone": {"mobile": self.pgettext("phone", "Mobile"), "office": self.pgettext("phone", "Office"),
                      "home": self.pgettext("phone", "Home"), "on-call": self.pgettext("phone", "On-call"),
                      "switchboard": self.pgettext("phone", "Switchboard")},
            "category": {"pr-agency": self.pgettext("contact category", "pr agency"),
                         "legal-counsel": self.pgettext("contact category", "legal counsel"),
                         "platform-support": self.pgettext("contact category", "platform support"),
                         "regulator": self.pgettext("contact category", "regulator"),
                         "media": self.pgettext("contact category", "media"),
                         "partner": self.pgettext("contact category", "partner"),
                         "other": self.pgettext("contact category", "other")},
            "ambassador": {"employee-advocate": self.pgettext("ambassador kind", "employee advocate"),
                           "customer-advocate": self.pgettext("ambassador kind", "customer advocate"),
                           "influencer": self.pgettext("ambassador kind", "influencer"),
                           "partner": self.pgettext("ambassador kind", "partner")},
            "briefing": {"briefed": self.pgettext("briefing status", "briefed"),
                         "briefing-due": self.pgettext("briefing status", "briefing due"),
                         "not-briefed": self.pgettext("briefing status", "not briefed")},
            "drill-format": {"tabletop": self.pgettext("drill format", "tabletop"),
                             "simulation": self.pgettext("drill format", "simulation"),
                             "live": self.pgettext("drill format", "live")},
            "media-coverage": {"none": self.pgettext("media coverage", "none"),
                               "trade": self.pgettext("media coverage", "trade"),
                               "local": self.pgettext("media coverage", "local"),
                               "national": self.pgettext("media coverage", "national"),
                               "international": self.pgettext("media coverage", "international")},
            # A vCard's CATEGORIES are tags: English keeps the ids.
            "vcard-category": {"pr-agency": self.pgettext("vCard category", "pr-agency"),
                               "legal-counsel": self.pgettext("vCard category", "legal-counsel"),
                               "platform-support": self.pgettext("vCard category", "platform-support"),
                               "regulator": self.pgettext("vCard category", "regulator"),
                               "media": self.pgettext("vCard category", "media"),
                               "partner": self.pgettext("vCard category", "partner"),
                               "other": self.pgettext("vCard category", "other")},
            "duty": {"primary": self.pgettext("role duty", "primary"), "backup": self.pgettext("role duty", "backup")},
            # Brand names stay as they are; only the platforms without one are translated.
            "platform": {"google-maps-reviews": self.pgettext("platform", "Google Maps reviews"),
                         "website": self.pgettext("platform", "Website"), "other": self.pgettext("platform", "Other")},
        }


def language(tag: str | None = None, locale_dirs: list[Path] | None = None) -> Language:
    """The handbook's words for a language tag. `locale_dirs` are searched
    last-wins: the packaged catalogues first, an organisation's after them
    (default: the packaged ones only). A language without a catalogue gets
    the English words."""
    tag = tag or DEFAULT_LANGUAGE
    folders = [packaged_locale_dir()] if locale_dirs is None else list(locale_dirs)
    # Most general first, so that a region's catalogue (zh_HK.po: Hong Kong
    # usage) changes only what it translates in its script's (zh_Hant.po).
    files = [path for folder in folders for name in reversed(catalogue_names(tag))
             if (path := Path(folder) / (name + CATALOGUE_SUFFIX)).is_file()]
    # Keyed by the files' times too, so `mkdocs serve` picks up an edited catalogue.
    stamps = tuple((str(p.resolve()), p.stat().st_mtime_ns) for p in files)
    return _language(tag, stamps)


@lru_cache(maxsize=16)
def _language(tag: str, stamps: tuple[tuple[str, int], ...]) -> Language:
    locale = parse_tag(tag)
    if not stamps:
        return Language(tag, locale, _gettext.NullTranslations())
    merged: Catalog | None = None
    for path, _stamp in stamps:
        catalogue = read_catalogue(Path(path))
        if merged is None:
            merged = catalogue
            continue
        for message in catalogue:
            if message.id and message.string and not message.fuzzy:
                packaged = merged.get(message.id, context=message.context)
                if packaged is not None:
                    packaged.string = message.string  # an organisation's translation wins
                else:
                    merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Language(tag, locale, Translations(fp=buffer), tuple(path for path, _ in stamps))


def for_plan(plan, locale_dirs: list[Path] | None = None) -> Language:
    return language(plan_language(plan), locale_dirs)


def reader_language(plan=None, explicit: str | None = None, environ=None) -> Language:
    """The language `crisisplan validate` (and a failed build, publish, diff)
    reports problems in: `explicit` (--lang), else the plan's own
    (plan.language), else the environment's locale (LANGUAGE, LC_ALL,
    LC_MESSAGES, LANG, as gettext reads them), else English; with the plan
    repository's own translations on top of the packaged ones
    (`theme/locale/` beside the plan folder, as `crisisplan new` lays it out)."""
    return _reader(_declared_language(plan["about"] if plan is not None else None),
                   Path(plan.root) if plan is not None else None, explicit, environ)


def folder_language(plan_dir: str | os.PathLike, explicit: str | None = None, environ=None) -> Language:
    """reader_language for a plan folder that is not checked (`crisisplan build`, which
    leaves that to MkDocs, and `check-version-bump`): the plan.language of its about.yaml
    alone; the locale, else English, when that cannot be read."""
    import yaml

    try:
        about = yaml.safe_load((Path(plan_dir) / "about.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeError, yaml.YAMLError):
        about = None
    return _reader(_declared_language(about), Path(plan_dir), explicit, environ)


def _reader(declared: str | None, plan_root: Path | None, explicit: str | None, environ) -> Language:
    tag = explicit or declared or _environment_language(os.environ if environ is None else environ)
    folders = [packaged_locale_dir()]
    if plan_root is not None:
        own = plan_root.resolve().parent / "theme" / LOCALE_FOLDER
        if own.is_dir() and own != folders[0].resolve():
            folders.append(own)
    return language(tag or DEFAULT_LANGUAGE, folders)


def _declared_language(about) -> str | None:
    """plan.language as about.yaml (loaded) declares it, or None."""
    settings = about.get("plan") if isinstance(about, dict) else None
    tag = settings.get("language") if isinstance(settings, dict) else None
    return tag.strip() if isinstance(tag, str) and tag.strip() else None


def _environment_language(environ) -> str | None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in (environ.get(variable) or "").split(":"):
            tag = value.split(".")[0].split("@")[0]
            if tag and tag not in ("C", "POSIX"):
                return tag
    return None


def N_(message: str) -> str:
    """Marks an English message for the catalogues where it is defined; it is
    translated where it is shown (`language.gettext(message)`)."""
    return message


# --- the messages, for the catalogues ------------------------------------------------------

# What `pybabel extract -F babel.cfg` reads: the page templates, the Python
# that writes words of its own, and the section titles of schema/sections.yaml.
MAPPING_FILE = "babel.cfg"


def extract_sections(fileobj, keywords, comment_tags, options):
    """Babel extractor for schema/sections.yaml: each section's `title` and
    `entry` (the navigation's and "what changed"'s names for it), and the
    `noun` of each kind of id (how the format reference names it)."""
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), 1):
        key, _, value = line.strip().partition(":")
        if key in ("title", "entry") and value.strip():
            yield lineno, None, value.strip().strip("'\""), []
        noun = re.search(r"\bnoun: ([^,}]+)", line)
        if noun:
            yield lineno, None, noun.group(1).strip().strip("'\""), []


def extract_schema_meta(fileobj, keywords, comment_tags, options):
    """Babel extractor for the schemas (schema/*.yaml): every field's and
    block's `meta`, the description the format reference shows, exactly as
    Cerberus reads it: the string YAML gives, quotes and folding undone
    (`'The account''s name'` is "The account's name"). The reference page
    and messages that quote a field's meaning look it up by that text."""
    import yaml

    root = yaml.compose(fileobj.read().decode("utf-8"), Loader=yaml.SafeLoader)
    pending = [root] if root is not None else []
    found = []
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (isinstance(key, yaml.ScalarNode) and key.value == "meta" and isinstance(value, yaml.ScalarNode)
                        and value.tag == "tag:yaml.org,2002:str" and value.value.strip()):
                    found.append((key.start_mark.line + 1, value.value))
                else:
                    pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    for lineno, text in sorted(found):
        yield lineno, None, text, []


def extract_messages(root: Path) -> Catalog:
    """Every message of the handbook's own words, as `pybabel extract -F babel.cfg` finds them."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(Path(root) / MAPPING_FILE, encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    catalogue = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options_map, comment_tags=("Translators:",), strip_comment_tags=True):
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalogue
