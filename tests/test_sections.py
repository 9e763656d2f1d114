"""The section registry: an organisation adds its own plain section (a media
list) in its plan repository, with a schema, a data file, an entry in its own
schema/sections.yaml and a page template, and no Python; it is validated,
rendered and diffed like the packaged sections."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crisisplan import check_plan
from crisisplan.diff import diff_plans, format_text
from crisisplan.load import load_file
from crisisplan.problems import format_problems
from crisisplan.render import nav, render_pages
from crisisplan.schema import load_schemas
from crisisplan.sections import parse

from conftest import CASES, ROOT, TODAY, write_later

MEDIA_SCHEMA = """\
# plan/media-list.yaml: the journalists who cover us.
journalists:
  type: list
  required: true
  minlength: 1
  meta: The journalists the press office calls first.
  schema:
    type: dict
    schema:
      id: {type: string, required: true, regex: '^[a-z0-9][a-z0-9-]*$', defines: journalist, meta: 'Short identifier.'}
      name: {type: string, required: true, empty: false, meta: 'Full name.'}
      outlet: {type: string, required: true, empty: false, meta: 'Where they publish.'}
      beat: {type: string, empty: false, meta: 'What they cover.'}
      phone: {type: string, phone: true, meta: 'Their direct line.'}
      email: {type: string, email: true, meta: 'Their address.'}
      contact: {type: string, ref: contact, meta: 'Who of us knows them.'}
"""

MEDIA_SECTIONS = """\
sections:
  - name: media-list
    title: Media list
    after: contacts
    kinds:
      journalist: {noun: a journalist in media-list.yaml, anchor: "media-list.md#{}"}
"""

MEDIA_DATA = """\
journalists:
  - id: rosa-lind
    name: Rosa Lind
    outlet: Harbour Gazette
    beat: Transport
    phone: "+44 20 7946 0321"
    email: rosa.lind@gazette.example
    contact: ada-ng
"""

MEDIA_TEMPLATE = """\
# Media list

{% for journalist in section.journalists %}
## {{ journalist.name | md }} {#{{ journalist.id }}}

{{ journalist.outlet | md }}, {{ journalist.beat | md }}: {{ journalist.phone | md }}
{% endfor %}
"""


@pytest.fixture
def repo(tmp_path) -> Path:
    """A plan repository with its own media-list section."""
    shutil.copytree(CASES / "render" / "small-plan", tmp_path / "plan")
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "media-list.yaml").write_text(MEDIA_SCHEMA)
    (tmp_path / "schema" / "sections.yaml").write_text(MEDIA_SECTIONS)
    (tmp_path / "plan" / "media-list.yaml").write_text(MEDIA_DATA)
    (tmp_path / "theme" / "pages").mkdir(parents=True)
    (tmp_path / "theme" / "pages" / "media-list.md.j2").write_text(MEDIA_TEMPLATE)
    return tmp_path


def test_the_packaged_registry_lists_every_section_once():
    registry = load_schemas().sections
    names = [s.name for s in registry.sections]
    assert len(names) == len(set(names)) == 13
    assert registry.folders == ("playbooks", "trees")
    assert registry.title("employee-policy") == "Employee policy"
    assert registry.title("not-a-section") == "not-a-section"  # never a KeyError


def test_an_organisations_own_section_is_validated(repo):
    report = check_plan(repo / "plan", today=TODAY)
    assert report.errors == []
    assert report.plan.registry.get("media-list").title == "Media list"
    assert report.plan["media-list"]["journalists"][0]["outlet"] == "Harbour Gazette"
    assert [s.name for s in report.plan.registry.sections][:3] == ["escalation", "contacts", "media-list"]

    data = repo / "plan" / "media-list.yaml"
    data.write_text(MEDIA_DATA.replace("contact: ada-ng", "contact: ada-nq").replace("    beat:", "    bet:"))
    text = format_problems(check_plan(repo / "plan", today=TODAY).problems)
    shown = repo / "plan" / "media-list.yaml"
    assert f"{shown}:5:5: [error] 'bet' is not a key the plan knows here: did you mean 'beat'? (unknown-key)" in text
    assert (f"{shown}:8:14: [error] 'ada-nq' is not a person in contacts.yaml: did you mean 'ada-ng'? "
            "(unknown-reference)") in text


def test_a_section_file_without_its_registry_entry_is_unknown(repo):
    (repo / "schema" / "sections.yaml").unlink()
    text = format_problems(check_plan(repo / "plan", today=TODAY).problems)
    assert "media-list.yaml:1:1: [error] media-list.yaml is not a plan file" in text


def test_a_missing_section_file_is_reported(repo):
    (repo / "plan" / "media-list.yaml").unlink()
    text = format_problems(check_plan(repo / "plan", today=TODAY).problems)
    assert "the plan has no media-list.yaml: every plan needs one" in text


def test_an_organisations_own_section_is_rendered_and_in_the_navigation(repo):
    plan = check_plan(repo / "plan", today=TODAY).plan
    pages = render_pages(plan, [repo / "theme" / "pages", ROOT / "theme" / "pages"])
    assert "## Rosa Lind {#rosa-lind}" in pages["media-list.md"]
    assert "Harbour Gazette, Transport" in pages["media-list.md"]
    titles = [next(iter(item)) for item in nav(plan, pages)]
    assert titles.index("Media list") == titles.index("Contacts") + 1


def test_an_organisations_own_section_shows_each_edit_in_a_preview(repo):
    """Under mkdocs serve a rebuild renders only what an edit changed (kept_pages.py):
    an edit of the section's file, and of its template, reach its page."""
    from crisisplan.kept_pages import KeptPages

    templates = [repo / "theme" / "pages", ROOT / "theme" / "pages"]
    kept = KeptPages()
    render_pages(check_plan(repo / "plan", today=TODAY).plan, templates, kept=kept)
    data = repo / "plan" / "media-list.yaml"
    data.write_text(MEDIA_DATA.replace("beat: Transport", "beat: Ferries and ports"))
    plan = check_plan(repo / "plan", today=TODAY).plan
    pages = render_pages(plan, templates, kept=kept)
    assert "Harbour Gazette, Ferries and ports" in pages["media-list.md"]
    assert kept.rendered == ["media-list.md"] and pages == render_pages(plan, templates)
    template = repo / "theme" / "pages" / "media-list.md.j2"
    write_later(template, MEDIA_TEMPLATE.replace("# Media list", "# Journalists"))
    pages = render_pages(plan, templates, kept=kept)
    assert pages["media-list.md"].startswith("# Journalists\n") and pages == render_pages(plan, templates)


def test_an_organisations_own_section_is_diffed(repo, tmp_path):
    old = check_plan(repo / "plan", today=TODAY).plan
    data = repo / "plan" / "media-list.yaml"
    data.write_text(MEDIA_DATA.replace("Harbour Gazette", "Harbour Times"))
    new = check_plan(repo / "plan", today=TODAY).plan
    text = format_text(diff_plans(old, new))
    assert "Media list\n" in text and "Harbour Gazette" in text and "Harbour Times" in text


def test_a_section_the_new_plan_no_longer_has_is_diffed_as_removed_not_a_crash(repo):
    old = check_plan(repo / "plan", today=TODAY).plan
    (repo / "schema" / "sections.yaml").unlink()
    (repo / "schema" / "media-list.yaml").unlink()
    (repo / "plan" / "media-list.yaml").unlink()
    new = check_plan(repo / "plan", today=TODAY).plan
    text = format_text(diff_plans(old, new))
    assert "Media list\n  - File media-list.yaml: removed" in text


@pytest.mark.parametrize("registry, problem", [
    ("sections:\n  - name: Media List\n    title: Media\n",
     "schema/sections.yaml:2:5: [error] each section needs a name of lower-case letters, digits and hyphens, "
     "the name of its file (bad-registry)"),
    ("sections:\n  - name: media-list\n", "schema/sections.yaml:2:5: [error] the section 'media-list' needs a title: "
                                           "the name shown in the navigation (bad-registry)"),
    ("sections:\n  - name: media-list\n    title: Media\n    colour: red\n",
     "schema/sections.yaml:4:5: [error] 'colour' is not a section setting: use after, audience, entry, folder, kinds, name, "
     "template, title (bad-registry)"),
    ("- name: media-list\n", "schema/sections.yaml:1:1: [error] the file must consist of 'key: value' lines at the "
                             "top level (not-a-mapping)"),
])
def test_a_broken_registry_is_a_problem_at_its_line(registry, problem):
    loaded = load_file(registry.encode(), "schema/sections.yaml")
    assert format_problems(parse(loaded).problems).strip() == problem
