"""What `mkdocs serve` keeps in memory between rebuilds (schemas with their
Cerberus validators, page templates, catalogues) is reused only while its
files are unchanged: an edit shows on the next rebuild of the same process."""
from __future__ import annotations

import os
import shutil

import pytest

from crisisplan import check_plan
from crisisplan.problems import format_problems
from crisisplan.schema import load_schemas

from conftest import FULL_PLAN, ROOT, TODAY, write_later
from catalogues import write_catalogue

SCHEMA_DIR = ROOT / "schema"


def test_unchanged_schemas_are_reused_with_their_validators(tmp_path):
    folder = shutil.copytree(SCHEMA_DIR, tmp_path / "schema")
    first = load_schemas(folder)
    unit = first.unit("contacts")
    again = load_schemas(folder)
    assert again is first
    assert again.unit("contacts") is unit


def test_an_edited_schema_is_read_again(tmp_path):
    folder = shutil.copytree(SCHEMA_DIR, tmp_path / "schema")
    first = load_schemas(folder)
    assert first.problems == []
    metrics = folder / "metrics.yaml"
    write_later(metrics, "name: {type: string, requird: true}\n")
    edited = load_schemas(folder)
    assert edited is not first
    assert "'requird' is not a rule" in format_problems(edited.problems)
    # The same edit undone (same size, another time) is read again too.
    write_later(metrics, (SCHEMA_DIR / "metrics.yaml").read_text(encoding="utf-8"))
    assert load_schemas(folder).problems == []


def test_a_plan_repositorys_schema_edit_reaches_the_check(tmp_path):
    """A plan repository's own schema/ beside its plan: tightening a rule there
    shows in the next check of the same process, and loosening it again too."""
    plan = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    own = tmp_path / "schema"
    own.mkdir()
    assert check_plan(plan, today=TODAY).ok
    about = (SCHEMA_DIR / "about.yaml").read_text(encoding="utf-8")
    (own / "about.yaml").write_text(about, encoding="utf-8")
    assert check_plan(plan, today=TODAY).ok
    assert "organisation:" in about
    write_later(own / "about.yaml", about + "extra_required: {type: string, required: true}\n")
    report = check_plan(plan, today=TODAY)
    assert "'extra_required' is missing" in format_problems(report.problems)
    (own / "about.yaml").unlink()
    assert check_plan(plan, today=TODAY).ok


def test_a_schema_added_or_removed_is_noticed(tmp_path):
    folder = shutil.copytree(SCHEMA_DIR, tmp_path / "schema")
    assert "extra" not in load_schemas(folder).by_name
    (folder / "extra.yaml").write_text("name: {type: string}\n", encoding="utf-8")
    assert "extra" in load_schemas(folder).by_name
    (folder / "extra.yaml").unlink()
    assert "extra" not in load_schemas(folder).by_name


def test_an_edited_catalogue_is_read_again(tmp_path):
    from crisisplan import i18n

    locale = tmp_path / "locale"
    write_catalogue(locale / "fr.po", "fr", {"Checklist": "Liste de contrôle"})
    first = i18n.language("fr", [locale])
    assert first.gettext("Checklist") == "Liste de contrôle"
    assert i18n.language("fr", [locale]) is first  # unchanged: the catalogue is not read again
    before = (locale / "fr.po").stat().st_mtime_ns
    write_catalogue(locale / "fr.po", "fr", {"Checklist": "Liste des tâches"})
    os.utime(locale / "fr.po", ns=(before + 2_000_000_000, before + 2_000_000_000))
    assert i18n.language("fr", [locale]).gettext("Checklist") == "Liste des tâches"


@pytest.mark.parametrize("command", ["serve", "build"])
def test_rebuilds_in_one_process_show_each_edit_and_each_broken_plan(tmp_path, monkeypatch, command):
    """The hook's on_config as `mkdocs serve` runs it, again and again in one process:
    a plan edit shows, a broken plan stops the rebuild with its problems (MkDocs then
    keeps serving the last good site), and a schema edit in the plan repository counts.
    A preview renders again only the pages an edit changed (kept_pages.py); a build
    renders every page."""
    pytest.importorskip("mkdocs")
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError

    from crisisplan import mkdocs_hook
    from crisisplan.kept_pages import KeptPages

    monkeypatch.setattr(mkdocs_hook, "_command", command)
    monkeypatch.setattr(mkdocs_hook, "_kept_pages", KeptPages())
    plan = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    monkeypatch.setenv("CRISISPLAN_PLAN", str(plan))
    monkeypatch.setenv("CRISISPLAN_TODAY", TODAY.isoformat())
    about = plan / "about.yaml"
    original = about.read_text(encoding="utf-8")
    version = check_plan(plan, today=TODAY).plan.version

    def rebuild():
        config = mkdocs_hook.on_config(load_config(str(ROOT / "mkdocs.yml")))
        return config, dict(mkdocs_hook._generated)

    config, first = rebuild()
    assert config.extra["handbook"]["version"] == version
    write_later(about, original.replace(f'version: "{version}"', f'version: "{version}.1"', 1))
    config, pages = rebuild()
    assert config.extra["handbook"]["version"] == f"{version}.1"
    assert pages.keys() == first.keys()
    rendered = mkdocs_hook._kept_pages.rendered
    assert sorted(rendered) == (["about.md", "changes.md", "contacts/crisis-team.vcf", "index.md"] if command == "serve"
                                else [])

    write_later(about, original.replace("owner: claire-whitfield", "owner: claire-whitfeld", 1))
    with pytest.raises(PluginError, match="'claire-whitfeld' is not a person"):
        rebuild()
    write_later(about, original)
    config, pages = rebuild()
    assert config.extra["handbook"]["version"] == version and pages == first

    own = tmp_path / "schema"
    own.mkdir()
    text = (SCHEMA_DIR / "about.yaml").read_text(encoding="utf-8")
    (own / "about.yaml").write_text(text + "extra_required: {type: string, required: true}\n", encoding="utf-8")
    with pytest.raises(PluginError, match="'extra_required' is missing"):
        rebuild()
    write_later(own / "about.yaml", text)
    assert rebuild()[1] == first


def _built_site(folder, page: str, script: str):
    """A built site as first_paint trims it: one page, one script, Material's stylesheet."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "assets" / "stylesheets").mkdir(parents=True)
    (folder / "assets" / "stylesheets" / "main.0123abcd.min.css").write_text(
        ".md-a{color:red}.md-b{color:blue}.md-c,.md-a .md-d{color:green}@media print{.md-b{color:black}}",
        encoding="utf-8")
    (folder / "index.html").write_text(
        f'<link rel="stylesheet" href="assets/stylesheets/main.0123abcd.min.css"><p class="{page}">x</p>',
        encoding="utf-8")
    (folder / "bundle.js").write_text(script, encoding="utf-8")


def _kept(folder) -> str:
    (sheet,) = (folder / "assets" / "stylesheets").glob("main.*.min.css")
    assert f"assets/stylesheets/{sheet.name}" in (folder / "index.html").read_text(encoding="utf-8")
    return sheet.read_text(encoding="utf-8")


def test_trimming_stylesheets_again_follows_the_edited_pages(tmp_path):
    """A rebuild writes the same scripts and mostly the same pages again, and what was
    read of them is reused; what an edited page names is what counts."""
    from crisisplan import first_paint

    site = tmp_path / "site"
    _built_site(site, "md-a", 'el.classList.add("md-c")')
    first_paint.trim_stylesheets(site)
    assert _kept(site) == ".md-a{color:red}.md-c{color:green}"
    _built_site(site, "md-b", 'el.classList.add("md-c")')  # the page edited, the script as before
    first_paint.trim_stylesheets(site)
    assert _kept(site) == ".md-b{color:blue}.md-c{color:green}@media print{.md-b{color:black}}"
    _built_site(site, "md-a md-d", "")  # the script edited too
    first_paint.trim_stylesheets(site)
    assert _kept(site) == ".md-a{color:red}.md-a .md-d{color:green}"


def test_a_rebuild_keeps_unchanged_plan_files_and_reports_all_problems_every_time(tmp_path):
    """Under mkdocs serve, a file whose bytes are unchanged keeps its loaded data
    and shape problems; an edited file is read again; the checks across files run
    every time, and the report is the one a fresh check gives."""
    plan = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    kept: dict = {}
    first = check_plan(plan, today=TODAY, kept=kept)
    assert first.ok and len(kept) > 10
    contacts_before, roles_before = kept[str(plan / "contacts.yaml")][2], kept[str(plan / "roles.yaml")][2]
    roles = plan / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("primary: ", "primray: ", 1), encoding="utf-8")
    about = plan / "about.yaml"
    about.write_text(about.read_text(encoding="utf-8").replace("owner: ", "owner: nobody-", 1), encoding="utf-8")
    second = check_plan(plan, today=TODAY, kept=kept)
    fresh = check_plan(plan, today=TODAY)
    assert format_problems(second.problems) == format_problems(fresh.problems) != ""
    assert "(unknown-key)" in format_problems(second.problems) and "(unknown-reference)" in format_problems(second.problems)
    assert kept[str(plan / "contacts.yaml")][2] is contacts_before  # unchanged: kept
    assert kept[str(plan / "roles.yaml")][2] is not roles_before  # edited: read again
    # A third check after the edits are undone is clean again, and keeps only this check's files.
    shutil.rmtree(plan)
    shutil.copytree(FULL_PLAN, plan)
    third = check_plan(plan, today=TODAY, kept=kept)
    assert third.ok and format_problems(third.problems) == format_problems(first.problems)
    assert set(kept) == {name for name in kept if os.path.exists(name)}
