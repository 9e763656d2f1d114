"""MkDocs hooks: the handbook's pages come from the plan, not from docs/.

Only MkDocs events are handled here; loading, checking and rendering the plan
is done by the `crisisplan` package (see crisisplan/site.py).
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from crisisplan import check_plan, render, site

log = logging.getLogger("mkdocs.hooks.handbook")

# Filled by on_config, used by on_files and on_serve of the same build.
_generated: dict[str, str | bytes] = {}
_plan_dir = site.DEFAULT_PLAN


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


@event_priority(-50)  # after Material's offline plugin, whose CDN polyfill is replaced here
def on_config(config):
    global _plan_dir
    root = _root(config)
    _plan_dir = site.plan_dir(root, config.extra.get("crisisplan", {}).get("plan"))
    try:
        report = check_plan(_plan_dir)
        plan = site.checked_plan(report)
        pages = site.pages(plan, _plan_dir, root, config.theme.custom_dir)
    except (site.SiteError, render.RenderError) as error:
        raise PluginError(str(error)) from None
    if report.warnings:
        # Info, not warning: plan warnings must not fail `mkdocs build --strict`.
        log.info("the plan has warnings:\n%s", site.warnings_text(report).rstrip())

    _generated.clear()
    _generated.update(pages)
    config.site_name = site.site_name(plan)
    config.nav = render.nav(plan, pages)
    if not site.wants_version_selector():
        config.extra.pop("version", None)
    config.extra["handbook"] = site.handbook_extra(plan)
    config.extra["polyfills"] = site.local_polyfills(config.extra.get("polyfills", []))
    return config


def on_files(files, config):
    for unneeded in [file for file in files if site.is_unpublished(file.src_uri)]:
        files.remove(unneeded)
    for src_uri, content in _generated.items():
        files.append(File.generated(config, src_uri, content=content))
    return files


def on_serve(server, config, builder):
    for path in site.watched_paths(_plan_dir, _root(config) / "schema", config.theme.custom_dir):
        server.watch(path)
    return server


def on_post_page(output, page, config):
    return site.with_content_security_policy(output)


def on_post_template(output_content, template_name, config):
    return site.with_content_security_policy(output_content) if template_name.endswith(".html") else output_content
