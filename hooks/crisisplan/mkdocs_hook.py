"""The MkDocs hook of a handbook: its pages come from the plan, not from docs/.

A plan repository's mkdocs.yml names a file, `hooks/handbook.py`, whose one
line re-exports this module (MkDocs' `hooks:` takes file paths only):

    from crisisplan.mkdocs_hook import *  # noqa: F401,F403

The hook puts the packaged theme (main.html, the page templates, the
stylesheet and the scripts) into MkDocs' theme search path right after the
repository's own `custom_dir`, so a same-named file there overrides one file
and everything else comes from the installed crisisplan. It also supplies
the stylesheet, the Markdown extensions the page templates are written for,
and the theme's look, unless mkdocs.yml sets them itself.

Only MkDocs events are handled here; loading, checking and rendering the
plan is done by the rest of the package (see crisisplan/site.py), which never
imports MkDocs. This is the one module that does.
"""
from __future__ import annotations

import atexit
import copy
import logging
import shutil
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel
from pymdownx.superfences import fence_code_format

from . import audience, check_plan, first_paint, render, site
from .kept_pages import KeptPages

__all__ = ["on_startup", "on_config", "on_pre_build", "on_files", "on_serve", "on_post_page", "on_post_template",
           "on_post_build"]

log = logging.getLogger("mkdocs.hooks.handbook")

# The Markdown extensions the page templates are written for, with the
# options they need; mkdocs.yml may list them with other options (an option
# it sets wins).
MARKDOWN_EXTENSIONS: dict[str, dict] = {
    "admonition": {},
    "attr_list": {},
    "md_in_html": {},
    "def_list": {},
    "tables": {},
    "toc": {"permalink": True},
    "pymdownx.superfences": {},  # plus the mermaid fence, see _with_mermaid_fence
    "pymdownx.tasklist": {"custom_checkbox": True},
    "pymdownx.details": {},
    "pymdownx.highlight": {},  # Pygments at build time, no JavaScript highlighter
}
MERMAID_FENCE = {"name": "mermaid", "class": "mermaid", "format": fence_code_format}

# The theme's look when mkdocs.yml gives none (Material's defaults otherwise).
FEATURES = [
    # navigation.instant is left out: it does not work from file://
    "search.highlight",
    "content.code.copy",
    "navigation.top",
    "navigation.sections",
    "toc.follow",
]
PALETTE = [
    # Light first: it is what a printout looks like. "custom" is the
    # handbook's red, set in the stylesheet (assets/handbook.css).
    {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "custom", "accent": "indigo",
     "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"}},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "custom", "accent": "indigo",
     "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}},
]
MATERIAL_DEFAULT_FONT = {"text": "Roboto", "code": "Roboto Mono"}  # fetched from Google Fonts

# Filled by on_config, used by on_files and on_serve of the same build.
_generated: dict[str, str | bytes] = {}
_plan_dir = site.DEFAULT_PLAN
_themes: list[Path] = []
_command = "build"  # or "serve", "gh-deploy": MkDocs' command, from on_startup
# The plan files of the last check, kept between `mkdocs serve` rebuilds (see check_plan's `kept`),
# and the pages of the last render (see kept_pages.py).
_kept: dict = {}
_kept_pages = KeptPages()


def on_startup(command, dirty):
    global _command
    _command = command


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


@event_priority(50)  # before Material's search plugin, which reads the language set here
def on_config(config):
    global _plan_dir, _themes
    root = _root(config)
    _plan_dir = site.plan_dir(root, config.extra.get("crisisplan", {}).get("plan"))
    _themes = site.theme_dirs(config.theme.custom_dir)
    try:
        site.check_theme(_themes)
        report = check_plan(_plan_dir, kept=_kept)
        # The plan as the build's audience may read it, before anything is rendered or compared.
        plan = audience.redact(site.checked_plan(report),
                               audience.setting(config.extra.get("crisisplan", {}).get("audience")))
        pages = site.pages(plan, _plan_dir, root, _themes, kept=_kept_pages if _preview() else None)
    except (site.SiteError, render.RenderError, audience.AudienceError) as error:
        raise PluginError(str(error)) from None
    if report.warnings:
        # Info, not warning: plan warnings must not fail `mkdocs build --strict`.
        log.info("the plan has warnings:\n%s", site.warnings_text(report).rstrip())

    _generated.clear()
    _generated.update(pages)
    _use_packaged_theme(config, _themes)
    _supply_defaults(config)
    words = site.language(plan, _themes)
    _use_language(config, plan, words)
    config.site_name = site.site_name(plan, words)
    config.nav = render.nav(plan, pages, words)
    if not site.wants_version_selector():
        config.extra.pop("version", None)
    config.extra["handbook"] = site.handbook_extra(plan, words)
    config.extra["handbook"].update(audience.marker(plan))
    config.extra["handbook"]["audience_label"] = site.audience_label(words, config.extra["handbook"]["audience_label"])
    return config


@event_priority(-50)  # after Material's offline plugin (its on_config), whose CDN polyfill is replaced here
def on_pre_build(config):
    config.extra["polyfills"] = site.local_polyfills(config.extra.get("polyfills", []))


def _use_language(config, plan, words) -> None:
    """plan.language in Material: `theme.language` (<html lang>, Material's own
    words), the search plugin's `lang` and `separator` and, for Chinese, the
    dictionaries jieba segments the text with (see site.search_settings). The
    search plugin reads these in its own on_config, which runs after this one."""
    config.theme["language"] = site.theme_language(words, _material_files("partials/languages", ".html"))
    dark, light = site.palette_toggles(words)
    for scheme in config.theme.get("palette") or []:
        toggle = scheme.get("toggle") if isinstance(scheme, dict) else None
        if isinstance(toggle, dict) and toggle.get("name") in ("Switch to dark mode", "Switch to light mode"):
            toggle["name"] = dark if toggle["name"] == "Switch to dark mode" else light
    search = next((plugin for name, plugin in config.plugins.items()
                   if name in ("search", "material/search")), None)
    if search is None:
        return
    settings = site.search_settings(words, _material_files("assets/javascripts/lunr/min", ".min.js", "lunr."))
    search.config.lang = settings["lang"]
    if "separator" in settings:
        search.config.separator = settings["separator"]
    if words.locale.language in site.SEGMENTED:
        search.config.jieba_dict = search.config.jieba_dict or site.jieba_dictionary(words)
        search.config.jieba_dict_user = search.config.jieba_dict_user or _user_dictionary(plan)


def _material_files(folder: str, suffix: str, prefix: str = "") -> list[str]:
    """Names of the files in a folder of Material's templates: its languages, lunr's languages."""
    import material

    path = Path(material.__file__).parent / "templates" / folder
    return [p.name[len(prefix):-len(suffix)] for p in path.glob(f"{prefix}*{suffix}")]


_scratch: list[Path] = []


def _user_dictionary(plan) -> str | None:
    """The plan's own words as a jieba user dictionary file, kept until the process ends."""
    text = site.jieba_user_dictionary(plan)
    if not text:
        return None
    if not _scratch:
        _scratch.append(Path(tempfile.mkdtemp(prefix="crisisplan-search-")))
        atexit.register(shutil.rmtree, _scratch[0], True)
    path = _scratch[0] / "jieba-user-dictionary.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _use_packaged_theme(config, themes: list[Path]) -> None:
    """MkDocs' theme search path, for templates and static files alike: the
    repository's custom_dir, then the packaged theme, then Material's. (In
    crisisplan's own repository custom_dir is the packaged theme: not twice.)"""
    packaged = themes[-1]
    if packaged not in {Path(folder).resolve() for folder in config.theme.dirs}:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(packaged))


def _supply_defaults(config) -> None:
    if site.STYLESHEET not in [str(css) for css in config.extra_css]:
        config.extra_css.insert(0, site.STYLESHEET)
    for name, options in MARKDOWN_EXTENSIONS.items():
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
        configured = config.mdx_configs.setdefault(name, {})
        for key, value in options.items():
            configured.setdefault(key, copy.deepcopy(value))
    _with_mermaid_fence(config.mdx_configs["pymdownx.superfences"])
    theme = config.theme
    if not theme.get("features"):
        theme["features"] = list(FEATURES)
    if not theme.get("palette"):
        theme["palette"] = copy.deepcopy(PALETTE)
    if theme.get("font") == MATERIAL_DEFAULT_FONT:
        theme["font"] = False  # system fonts: the site asks no other host for anything


def _with_mermaid_fence(options: dict) -> None:
    fences = options.setdefault("custom_fences", [])
    if not any(fence.get("name") == "mermaid" for fence in fences):
        fences.append(dict(MERMAID_FENCE))


def on_files(files, config):
    for unneeded in [file for file in files if site.is_unpublished(file.src_uri)]:
        files.remove(unneeded)
    for src_uri, content in _generated.items():
        # A large plan's pages of contacts are reached from the contacts page and search, not the navigation.
        inclusion = InclusionLevel.NOT_IN_NAV if render.is_contacts_part(src_uri) else InclusionLevel.UNDEFINED
        files.append(File.generated(config, src_uri, content=content, inclusion=inclusion))
    return files


def on_serve(server, config, builder):
    for path in site.watched_paths(_plan_dir, _root(config) / "schema", *_themes):
        server.watch(path)
    return server


def _preview() -> bool:
    """Whether this build is a preview under `mkdocs serve`: its pages keep their indentation
    and Material's stylesheets are not trimmed (both save bytes on a slow connection, and a
    preview is read on this computer), and a rebuild renders again only the pages an edit
    changed (kept_pages.py; a real build renders every page)."""
    return _command == "serve"


def on_post_page(output, page, config):
    return site.finished_page(output, preview=_preview())


def on_post_template(output_content, template_name, config):
    if not template_name.endswith(".html"):
        return output_content
    return site.finished_page(output_content, preview=_preview())


def on_post_build(config):
    if _preview():
        return
    for name, (before, after) in first_paint.trim_stylesheets(config.site_dir).items():
        log.debug("%s: %d of Material's %d bytes kept", name, after, before)
