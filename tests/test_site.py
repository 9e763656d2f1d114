"""The handbook site: crisisplan.site on its own, then whole `mkdocs build` runs."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crisisplan import Plan, check_plan, site
from crisisplan.problems import ERROR, WARNING, Problem
from crisisplan.plan import Report

from conftest import FULL_PLAN, ROOT, TODAY
from handbook_build import full_site, mkdocs_build, mkdocs_serve, wait_for_page


def small_plan(**about) -> Plan:
    return Plan(root=Path("plan"), domains={"about": about}, playbooks={}, trees={})


# --- crisisplan.site, without MkDocs ----------------------------------------------------------

def test_plan_dir_from_the_environment_is_taken_as_given(tmp_path):
    assert site.plan_dir(tmp_path, "plan", {"CRISISPLAN_PLAN": "/elsewhere/plan"}) == "/elsewhere/plan"


def test_plan_dir_is_relative_to_mkdocs_yml_and_shown_from_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert site.plan_dir(tmp_path, None, {}) == "plan"
    assert site.plan_dir(tmp_path, "plans/2027", {}) == "plans/2027"
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert site.plan_dir(tmp_path, None, {}) == "../plan"


def test_a_plan_with_errors_is_refused_with_the_validate_lines():
    problems = [Problem("plan/roles.yaml", 4, 7, ERROR, "unknown-reference", "'x' is not a person"),
                Problem("plan/about.yaml", 1, 1, WARNING, "review-due", "review is due")]
    with pytest.raises(site.SiteError) as refused:
        site.checked_plan(Report(small_plan(), problems))
    assert str(refused.value) == (
        "the plan has errors, so the handbook was not built:\n"
        "plan/roles.yaml:4:7: [error] 'x' is not a person (unknown-reference)\n"
        "1 error and 1 warning.")


def test_a_chinese_plan_with_errors_is_refused_in_chinese(tmp_path):
    plan_dir = tmp_path / "plan"
    shutil.copytree(FULL_PLAN, plan_dir)
    about = plan_dir / "about.yaml"
    about.write_text(about.read_text(encoding="utf-8").replace("language: en", "language: zh-TW"), encoding="utf-8")
    contacts = plan_dir / "contacts.yaml"
    text = contacts.read_text(encoding="utf-8")
    contacts.write_text(text.replace("time_zone: Europe/London", "time_zone: Europe/Londn", 1), encoding="utf-8")
    with pytest.raises(site.SiteError) as refused:
        site.checked_plan(check_plan(plan_dir, today=TODAY))
    lines = str(refused.value).splitlines()
    assert lines[0] == "計畫有錯誤，所以沒有建置手冊："
    assert lines[1].endswith("[error] 「Europe/Londn」不是時區：您是指「Europe/London」嗎？ (bad-time-zone)")
    assert lines[-1] == "1 個錯誤、0 個警告。"


def test_a_plan_with_warnings_only_is_built():
    plan = small_plan()
    warning = Problem("plan/about.yaml", 1, 1, WARNING, "review-due", "review is due")
    report = Report(plan, [warning])
    assert site.checked_plan(report) is plan
    assert site.warnings_text(report) == "plan/about.yaml:1:1: [warning] review is due (review-due)\n"


def test_site_name_prefers_the_short_name():
    assert site.site_name(small_plan(organisation={"name": "Harbourline Ferries Limited",
                                                   "short_name": "Harbourline"})) == "Harbourline crisis handbook"
    assert site.site_name(small_plan(organisation={"name": "Acme"})) == "Acme crisis handbook"
    assert site.site_name(small_plan()) == "Crisis handbook"


def test_handbook_extra_is_what_every_page_shows():
    plan = small_plan(plan={"version": "2026.2", "effective": dt.date(2026, 10, 1), "classification": "Restricted"})
    assert site.handbook_extra(plan) == {
        "version": "2026.2", "effective": "1 October 2026", "effective_iso": "2026-10-01",
        "classification": "Restricted", "mermaid": "javascripts/mermaid.min.js", "language": "en",
        "words": {"version": "Plan version 2026.2", "effective_before": "effective ", "effective_after": ""},
        "script_words": '{"diagram": "Diagram", "diagram_scrolls": "Diagram, scrolls sideways", '
                        '"table_scrolls": "table, scrolls sideways", "done": "Done", "copy_block": "Copy block {n}"}'}
    assert site.handbook_extra(small_plan(plan={"version": "1"}))["classification"] == "Internal"
    chinese = json.loads(site.handbook_extra(small_plan(plan={"version": "1", "language": "zh-TW"}))["script_words"])
    assert chinese["copy_block"] == "第 {n} 個可複製區塊" and chinese["table_scrolls"] == "表格，可左右捲動"


def test_the_cdn_polyfill_is_replaced_by_the_shipped_one():
    assert site.local_polyfills(["https://unpkg.com/iframe-worker/shim", "js/other.js"]) == [
        "javascripts/iframe-worker.js", "js/other.js"]


def test_page_templates_are_not_published():
    assert site.is_unpublished("pages/contacts.md.j2")
    assert site.is_unpublished("locale/zh_Hant.po") and site.is_unpublished("locale/messages.pot")
    assert site.is_unpublished("assets/javascripts/bundle.a5f9d56c.min.js.map")
    assert not site.is_unpublished("assets/handbook.css")


def test_the_packaged_theme_comes_after_the_repositorys_own(tmp_path):
    packaged = site.packaged_theme()
    assert packaged == ROOT / "theme"  # in a checkout, the repository's theme/ (editable without reinstalling)
    assert site.theme_dirs(tmp_path / "theme") == [tmp_path / "theme", packaged]
    assert site.theme_dirs(None) == [packaged]
    assert site.theme_dirs(ROOT / "theme") == [packaged]  # this repository: custom_dir is the packaged theme
    assert site.template_dirs(site.theme_dirs(tmp_path / "theme")) == [tmp_path / "theme" / "pages",
                                                                    packaged / "pages"]


def test_the_packaged_theme_is_complete():
    site.check_theme([site.packaged_theme()])
    site.check_page_templates([site.packaged_theme() / "pages"])
    assert (site.packaged_theme() / site.STYLESHEET).is_file()


def test_a_missing_theme_file_or_template_is_an_error_not_an_unstyled_site(tmp_path):
    partial = tmp_path / "theme"
    shutil.copytree(site.packaged_theme(), partial)
    (partial / site.STYLESHEET).unlink()
    (partial / "pages" / "contacts.md.j2").unlink()
    with pytest.raises(site.SiteError, match=r"incomplete: assets/handbook\.css is in none of .*reinstall"):
        site.check_theme([partial])
    with pytest.raises(site.SiteError, match=r"incomplete: contacts\.md\.j2 is in none of"):
        site.check_page_templates(site.template_dirs([partial]))
    # The same-named file in another folder of the search path is enough.
    site.check_theme([partial, site.packaged_theme()])
    site.check_page_templates(site.template_dirs([partial, site.packaged_theme()]))


def test_mermaid_is_vendored_at_the_version_of_package_lock():
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/mermaid"]["version"]
    script = (site.packaged_theme() / site.MERMAID_JS).read_text(encoding="utf-8")
    assert len(script) > 1_000_000
    assert f'version:"{version}"' in script  # mermaid's own version string, in its build
    notes = (site.packaged_theme() / "javascripts" / "README.md").read_text(encoding="utf-8")
    assert f"Mermaid {version}," in notes
    assert "MIT License" in notes  # its licence travels with it


def test_serve_watches_the_folders_that_exist(tmp_path):
    (tmp_path / "plan").mkdir()
    (tmp_path / "theme").mkdir()
    assert site.watched_paths(tmp_path / "plan", tmp_path / "schema", str(tmp_path / "theme"), None) == [
        str(tmp_path / "plan"), str(tmp_path / "theme")]


# --- mkdocs build ---------------------------------------------------------------------------

# What a built handbook may hold: pages, their assets, the search index and the vCard.
PUBLISHED_SUFFIXES = {".html", ".css", ".js", ".json", ".map", ".svg", ".png", ".ico", ".vcf",
                      ".woff", ".woff2", ".xml", ".gz"}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    return full_site(tmp_path_factory)


@pytest.fixture(scope="session")
def full() -> Plan:
    return check_plan(FULL_PLAN, today=TODAY).plan


def site_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_every_rendered_page_is_built(built):
    from crisisplan.render import render_pages
    report = check_plan(FULL_PLAN, today=TODAY)
    rendered = render_pages(report.plan, ROOT / "theme" / "pages")
    assert "index.md" in rendered
    for src_uri in rendered:
        built_uri = src_uri[: -len(".md")] + ".html" if src_uri.endswith(".md") else src_uri
        assert (built / built_uri).is_file(), built_uri


@pytest.mark.slow
def test_every_page_shows_the_plan_version_effective_date_and_internal_marker(built, full):
    shown = site.handbook_extra(full)
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        html = page.read_text(encoding="utf-8")
        marker = re.search(r'<p class="handbook-marker"[^>]*>(.*?)</p>', html, re.S)
        assert marker, page
        text = re.sub(r"<[^>]+>|\s+", " ", marker.group(1))
        assert shown["classification"] in text, page
        assert f"Plan version {shown['version']} " in text and shown["effective"] in text, page


@pytest.mark.slow
def test_the_site_is_named_after_the_organisation(built, full):
    title = f"<title>{site.site_name(full)}</title>"
    assert title == "<title>Harbourline crisis handbook</title>"
    assert title in (built / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_only_pages_and_their_assets_are_published(built):
    files = site_files(built)
    strays = [name for name in files if Path(name).suffix not in PUBLISHED_SUFFIXES]
    assert strays == []
    # No plan file, in any form: the YAML's comments are never part of a page.
    comments = {line.strip() for plan_file in FULL_PLAN.rglob("*.yaml")
                for line in plan_file.read_text(encoding="utf-8").splitlines()
                if line.strip().startswith("# ") and len(line.strip()) > 20}
    assert comments
    for name, content in files.items():
        if name.endswith((".html", ".json", ".js", ".vcf")) and not name.startswith(("assets/", "javascripts/")):
            text = content.decode("utf-8")
            assert not [c for c in comments if c in text], name


@pytest.mark.slow
def test_pages_load_nothing_from_other_hosts(built):
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for url in re.findall(rf'<{tag}\b[^>]*\b{attribute}="([^"]*)"', html):
                assert not re.match(r"^([a-z]+:)?//", url), f"{page.name}: {url}"


@pytest.mark.slow
def test_mermaid_is_shipped_and_loaded_only_where_a_diagram_is(built):
    assert (built / "javascripts" / "mermaid.min.js").stat().st_size > 1_000_000
    with_diagrams = 0
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        loads = "javascripts/mermaid.min.js" in html
        assert loads == ('class="mermaid"' in html), page
        with_diagrams += loads
    assert with_diagrams >= 3  # one per decision tree at least


@pytest.mark.slow
def test_search_index_holds_people_and_works_from_disk(built):
    index = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("Claire Whitfield" in doc["text"] or "Claire Whitfield" in doc["title"] for doc in index["docs"])
    assert (built / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = ")
    assert (built / "javascripts" / "iframe-worker.js").is_file()


@pytest.mark.slow
def test_crisis_team_vcard_is_published(built):
    vcards = list(built.rglob("*.vcf"))
    assert vcards
    assert vcards[0].read_text(encoding="utf-8").startswith("BEGIN:VCARD")


@pytest.fixture
def broken_plan(tmp_path) -> Path:
    plan = tmp_path / "plan"
    shutil.copytree(FULL_PLAN, plan)
    contacts = plan / "contacts.yaml"
    text = contacts.read_text(encoding="utf-8")
    contacts.write_text(text.replace("backup: george-pendleton", "backup: george-pendletn", 1), encoding="utf-8")
    escalation = plan / "escalation.yaml"
    escalation.write_text(escalation.read_text(encoding="utf-8") + "\nlevels: [\n", encoding="utf-8")
    return plan


@pytest.mark.slow
def test_an_invalid_plan_aborts_the_build_and_leaves_the_previous_site(broken_plan, tmp_path):
    validate = subprocess.run([sys.executable, "-m", "crisisplan", "validate", str(broken_plan)],
                              capture_output=True, text=True, env={"CRISISPLAN_TODAY": TODAY.isoformat(),
                                                                  "PATH": "/usr/bin:/bin"})
    assert validate.returncode == 1
    expected = [line for line in validate.stdout.splitlines() if "[error]" in line]
    assert any("contacts.yaml" in line and "george-pendletn" in line for line in expected)
    assert any("escalation.yaml" in line for line in expected)

    previous = tmp_path / "site"
    previous.mkdir()
    (previous / "index.html").write_text("the handbook as last built", encoding="utf-8")
    (previous / "search").mkdir()
    (previous / "search" / "search_index.json").write_text("{}", encoding="utf-8")
    before = site_files(previous)

    result = mkdocs_build(previous, plan_dir=broken_plan)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for line in expected:
        assert line in output.splitlines(), line
    assert "Traceback" not in output
    assert site_files(previous) == before


@pytest.mark.slow
def test_serve_rebuilds_when_the_plan_changes_and_reports_a_broken_plan(tmp_path, full):
    plan = tmp_path / "plan"
    shutil.copytree(FULL_PLAN, plan)
    about = plan / "about.yaml"
    original = about.read_text(encoding="utf-8")
    version = full.version
    assert f'version: "{version}"' in original
    log = tmp_path / "serve.log"
    with mkdocs_serve(plan, log) as url:
        wait_for_page(f"{url}/index.html", f"Plan version {version}<")
        about.write_text(original.replace(f'version: "{version}"', f'version: "{version}.1"'), encoding="utf-8")
        wait_for_page(f"{url}/index.html", f"Plan version {version}.1<")

        about.write_text(original.replace("owner: claire-whitfield", "owner: claire-whitfeld", 1), encoding="utf-8")
        deadline = time.monotonic() + 60
        while "claire-whitfeld" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        # (MkDocs holds page requests until a build succeeds again.)
        about.write_text(original, encoding="utf-8")
        wait_for_page(f"{url}/index.html", f"Plan version {version}<")
    output = log.read_text()
    assert "about.yaml:" in output and "'claire-whitfeld' is not a person" in output
    assert "Traceback" not in output


def test_the_version_selector_is_only_in_versions_mike_builds():
    assert site.wants_version_selector({site.MIKE_VERSION_ENV: "2026.2"})
    assert not site.wants_version_selector({})


@pytest.mark.slow
def test_a_build_outside_mike_does_not_ask_for_versions_json(built):
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                       (built / "index.html").read_text(encoding="utf-8"), re.S)
    assert config and json.loads(config.group(1))["version"] is None  # Material then fetches nothing


def test_the_plan_folder_a_build_reads_is_found_without_mkdocs(tmp_path, monkeypatch):
    """`crisisplan build` says what it says in the plan's language, so it finds the plan
    folder mkdocs.yml names before MkDocs runs, whatever else mkdocs.yml holds."""
    import os

    from crisisplan.site import configured_plan_dir

    config = tmp_path / "handbook" / "mkdocs.yml"
    config.parent.mkdir()
    config.write_text("site_name: !ENV [SITE_NAME, Handbook]\n"
                      "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
                      "          - name: mermaid\n"
                      "            format: !!python/name:pymdownx.superfences.fence_code_format\n"
                      "extra:\n  crisisplan:\n    plan: policies/plan\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert configured_plan_dir(config, environ={}) == os.path.join("handbook", "policies", "plan")
    assert configured_plan_dir(config, environ={"CRISISPLAN_PLAN": "elsewhere"}) == "elsewhere"
    config.write_text("site_name: Handbook\n", encoding="utf-8")
    assert configured_plan_dir(config, environ={}) == os.path.join("handbook", "plan")
    config.write_text("site_name: [unclosed\n", encoding="utf-8")
    assert configured_plan_dir(config, environ={}) == os.path.join("handbook", "plan")  # MkDocs reports it
