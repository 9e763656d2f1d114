"""Under `mkdocs serve` a rebuild renders again only the pages an edit changed
(crisisplan/kept_pages.py). What it gives must be exactly what a full render
gives, whatever was edited: every test here compares the two."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from crisisplan import check_plan
from crisisplan.kept_pages import KeptPages
from crisisplan.render import render_pages

from conftest import FULL_PLAN, ROOT, TODAY, large_plan, write_later

TEMPLATES = ROOT / "theme" / "pages"
CHANGES = "- **Contacts:** Ben Ortiz now backs up the crisis lead.\n"


def _files(plan: Path) -> list[str]:
    return sorted(str(path.relative_to(plan)) for path in plan.rglob("*.yaml"))


def _leaves(data, at=()):
    """(path, text) of every text in a plan file, in file order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*at, index))
    elif isinstance(data, str):
        yield at, data


def _first_list(data, at=()):
    """The path of the first list of two or more entries, or None."""
    if isinstance(data, list) and len(data) > 1:
        return at
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found = _first_list(value, (*at, key))
        if found is not None:
            return found
    return None


def _at(data, path):
    for key in path:
        data = data[key]
    return data


def _edits(file: str, data):
    """What a policy owner might change in `file`: texts spread over it, then the order of
    its first list. (An edit that makes the plan invalid, an id say, is skipped by the test.)"""
    leaves = list(_leaves(data))
    step = max(1, len(leaves) // 12)
    for path, text in leaves[::step]:
        edited = yaml.safe_load(yaml.safe_dump(data))
        _at(edited, path[:-1])[path[-1]] = text + " (edited)"
        yield "text", f"{file}: text at {'/'.join(map(str, path))}", edited
    listed = _first_list(data)
    if listed is not None:
        edited = yaml.safe_load(yaml.safe_dump(data))
        _at(edited, listed[:-1])[listed[-1]] = list(reversed(_at(edited, listed)))
        yield "order", f"{file}: order of {'/'.join(map(str, listed))}", edited


def _write(path: Path, data) -> None:
    write_later(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


# contacts.yaml, which most pages read, in the fast tests; every file in the whole suite.
@pytest.mark.parametrize("file", [pytest.param(file, marks=() if file == "contacts.yaml" else pytest.mark.slow)
                                  for file in _files(FULL_PLAN)])
def test_after_any_edit_the_kept_pages_are_a_full_render(tmp_path, file):
    plan_dir = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    checked: dict = {}
    kept = KeptPages()
    original = check_plan(plan_dir, today=TODAY, kept=checked).plan
    first = render_pages(original, TEMPLATES, CHANGES, kept=kept)
    assert first == render_pages(original, TEMPLATES, CHANGES)
    assert sorted(kept.rendered) == sorted(first)
    again = render_pages(original, TEMPLATES, CHANGES, kept=kept)
    assert again == first and kept.rendered == []  # nothing changed: every page kept

    data = yaml.safe_load((FULL_PLAN / file).read_text(encoding="utf-8"))
    made = []
    for kind, what, edited in _edits(file, data):
        if kind == "text" and made.count("text") == 3:
            continue
        _write(plan_dir / file, edited)
        report = check_plan(plan_dir, today=TODAY, kept=checked)
        if not report.ok:
            continue  # an id or a reference: the plan would not build
        made.append(kind)
        full = render_pages(report.plan, TEMPLATES, CHANGES)
        assert render_pages(report.plan, TEMPLATES, CHANGES, kept=kept) == full, what
        assert set(kept.rendered) >= {page for page in full if full[page] != first.get(page)}, what
        assert kept.rendered == [] or len(kept.rendered) < len(full) or file == "about.yaml", what
        _write(plan_dir / file, data)
        back = check_plan(plan_dir, today=TODAY, kept=checked).plan
        assert render_pages(back, TEMPLATES, CHANGES, kept=kept) == first, f"{what}, undone"
    assert made.count("text") == 3


def test_an_edit_of_the_version_renders_only_the_pages_that_show_it(tmp_path):
    plan_dir = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    kept = KeptPages()
    render_pages(check_plan(plan_dir, today=TODAY).plan, TEMPLATES, kept=kept)
    about = plan_dir / "about.yaml"
    data = yaml.safe_load(about.read_text(encoding="utf-8"))
    data["plan"]["version"] += ".1"
    _write(about, data)
    edited = check_plan(plan_dir, today=TODAY).plan
    pages = render_pages(edited, TEMPLATES, kept=kept)
    assert pages == render_pages(edited, TEMPLATES)
    assert sorted(kept.rendered) == ["about.md", "contacts/crisis-team.vcf", "index.md"]  # the vCard names the organisation


def _first_render(tmp_path):
    """(templates, plan, kept, pages): the full plan rendered with a copy of the templates."""
    templates = shutil.copytree(TEMPLATES, tmp_path / "pages")
    plan = check_plan(FULL_PLAN, today=TODAY).plan
    kept = KeptPages()
    return templates, plan, kept, render_pages(plan, templates, kept=kept)


def test_a_template_edit_renders_every_page_again(tmp_path):
    templates, plan, kept, first = _first_render(tmp_path)
    playbook = templates / "playbook.md.j2"
    write_later(playbook, playbook.read_text(encoding="utf-8") + "\nEdited template.\n")
    pages = render_pages(plan, templates, kept=kept)
    assert sorted(kept.rendered) == sorted(first)
    assert pages == render_pages(plan, templates)
    assert pages["playbooks/hijacked-account.md"].endswith("Edited template.\n")


def test_another_day_renders_every_page_again():
    """Review notices depend on today's date, which no plan file holds."""
    import dataclasses
    import datetime as dt

    plan = check_plan(FULL_PLAN, today=TODAY).plan
    kept = KeptPages()
    render_pages(plan, TEMPLATES, kept=kept)
    later = dataclasses.replace(plan, today=TODAY + dt.timedelta(days=400))
    pages = render_pages(later, TEMPLATES, kept=kept)
    assert len(kept.rendered) == len(pages)
    assert pages == render_pages(later, TEMPLATES)


def test_a_failed_render_keeps_the_last_good_pages(tmp_path):
    from crisisplan.render import RenderError

    templates, plan, kept, first = _first_render(tmp_path)
    tree = templates / "tree.md.j2"
    text = tree.read_text(encoding="utf-8")
    write_later(tree, text + "{{ no_such_thing.here }}\n")
    with pytest.raises(RenderError, match="tree.md.j2"):
        render_pages(plan, templates, kept=kept)
    write_later(tree, text)
    assert render_pages(plan, templates, kept=kept) == first


def test_a_renamed_person_is_renamed_on_every_page(tmp_path):
    """A person's name reaches most pages through a macro whose result is remembered
    across pages: what the macro read counts for each page that shows its result."""
    plan_dir = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    kept = KeptPages()
    render_pages(check_plan(plan_dir, today=TODAY).plan, TEMPLATES, kept=kept)
    contacts = yaml.safe_load((plan_dir / "contacts.yaml").read_text(encoding="utf-8"))
    for person in contacts["people"][:4]:
        person["name"] += " Renamed"
        _write(plan_dir / "contacts.yaml", contacts)
        plan = check_plan(plan_dir, today=TODAY).plan
        full = render_pages(plan, TEMPLATES)
        assert render_pages(plan, TEMPLATES, kept=kept) == full, person["id"]
        assert sum(person["name"] in text for text in full.values()) > 2


@pytest.mark.slow
def test_a_large_plans_contact_list_is_rendered_again_only_when_it_changes(tmp_path, monkeypatch):
    """What this is for: 2,000 people in pages of a hundred are most of a render."""
    from crisisplan import render

    plan_dir = large_plan(tmp_path / "large", monkeypatch)
    kept = KeptPages()
    first = render_pages(check_plan(plan_dir, today=TODAY).plan, TEMPLATES, kept=kept)
    parts = sorted(path for path in first if render.is_contacts_part(path))
    assert len(parts) > 10

    about = yaml.safe_load((plan_dir / "about.yaml").read_text(encoding="utf-8"))
    about["plan"]["version"] += ".1"
    _write(plan_dir / "about.yaml", about)
    plan = check_plan(plan_dir, today=TODAY).plan
    assert render_pages(plan, TEMPLATES, kept=kept) == render_pages(plan, TEMPLATES)
    assert not set(kept.rendered) & set(parts)

    contacts = yaml.safe_load((plan_dir / "contacts.yaml").read_text(encoding="utf-8"))
    last = contacts["people"][-1]
    last["notes"] = "Edited: on leave until March."
    _write(plan_dir / "contacts.yaml", contacts)
    plan = check_plan(plan_dir, today=TODAY).plan
    full = render_pages(plan, TEMPLATES)
    assert render_pages(plan, TEMPLATES, kept=kept) == full
    (shown,) = [part for part in parts if "on leave until March" in full[part]]
    assert shown in kept.rendered
