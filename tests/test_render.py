"""The plan rendered into the handbook's Markdown pages (crisisplan.render).

Goldens: the small plan in cases/render/small-plan/ renders to exactly the
files in cases/render/expected/ (one per page, plus the vCard); rewrite
them with `pytest --update-goldens` and review the diff.  Then: the full
plan (tests/fixtures/full-plan/) renders, every internal link lands on a page and an anchor, hostile
plan text stays text all the way to HTML, templates can be overridden one
by one, and the vCard is well formed.
"""
from __future__ import annotations

import copy
import functools
import html
import os
import posixpath
import re
import shutil
import unicodedata
from pathlib import Path

import jinja2
import pytest
import yaml

from crisisplan import check_plan
from crisisplan import render
from crisisplan.render import RenderError, nav, render_pages, vcard

from conftest import CASES, FULL_PLAN, ROOT, TODAY, large_plan

CASE = CASES / "render"
SMALL_PLAN = CASE / "small-plan"
EXPECTED = CASE / "expected"
TEMPLATES = ROOT / "theme" / "pages"
# What `crisisplan diff` might hand over; the page only frames it.
CHANGES = "- **Contacts:** Ben Ortiz now backs up the crisis lead.\n- **Escalation:** Watch updates daily.\n"


@functools.cache
def small_plan():
    report = check_plan(SMALL_PLAN, today=TODAY)
    assert report.ok, [str(p) for p in report.errors]
    return report.plan


@functools.cache
def small_pages() -> dict[str, str]:
    return render_pages(small_plan(), TEMPLATES, CHANGES)


@functools.cache
def full_pages() -> dict[str, str]:
    report = check_plan(FULL_PLAN, today=TODAY)
    assert report.ok, [str(p) for p in report.errors]
    return render_pages(report.plan, TEMPLATES)


def expected_files() -> list[str]:
    return sorted(p.relative_to(EXPECTED).as_posix() for p in EXPECTED.rglob("*") if p.is_file())


# --- goldens -------------------------------------------------------------------------------

def test_every_page_has_a_golden(update_goldens):
    pages = small_pages()
    if update_goldens:
        if EXPECTED.exists():
            shutil.rmtree(EXPECTED)
        for path, text in pages.items():
            target = EXPECTED / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))  # bytes: the vCard keeps its CRLF
        return
    assert sorted(pages) == expected_files()


@pytest.mark.parametrize("page", expected_files())
def test_page_matches_golden(page, update_goldens):
    if update_goldens:
        pytest.skip("goldens rewritten by test_every_page_has_a_golden")
    expected = (EXPECTED / page).read_bytes().decode("utf-8")
    assert small_pages()[page] == expected


def test_one_page_per_domain_playbook_and_tree():
    pages = small_pages()
    plan = small_plan()
    assert {f"playbooks/{p}.md" for p in plan.playbooks} <= pages.keys()
    assert {f"trees/{t}.md" for t in plan.trees} <= pages.keys()
    for name in ("index", "about", "contacts", "roles", "escalation", "employee-policy", "community-guidelines",
                 "channels", "monitoring", "metrics", "post-crisis-review", "drills", "reference", "changes"):
        assert f"{name}.md" in pages
    assert {"playbooks/index.md", "trees/index.md", "contacts/crisis-team.vcf"} <= pages.keys()


def test_changes_page_only_with_a_change_summary():
    pages = render_pages(small_plan(), TEMPLATES)
    assert "changes.md" not in pages
    assert CHANGES in small_pages()["changes.md"]


def test_full_plan_renders_every_page():
    pages = full_pages()
    report = check_plan(FULL_PLAN, today=TODAY)
    assert {f"playbooks/{p}.md" for p in report.plan.playbooks} <= pages.keys()
    assert {f"trees/{t}.md" for t in report.plan.trees} <= pages.keys()
    for path, text in pages.items():
        assert text.endswith("\n") and not text.endswith("\n\n"), path
        if path.endswith(".md"):
            assert text.startswith("# "), f"{path}: the first line is the page title"
            assert "\n\n\n" not in text, path


# --- page content the issue asks for -------------------------------------------------------

def test_home_page_starts_a_crisis():
    home = small_pages()["index.md"]
    assert home.startswith("# In a crisis? Start here\n")
    assert "(trees/is-this-a-crisis.md)" in home
    assert "[+44 7700 900001](tel:+447700900001)" in home  # the lead
    assert "[+44 7700 900002](tel:+447700900002)" in home  # and the backup
    assert "(mailto:ada.ng@small-boats.example)" in home
    assert "[Critical](escalation.md#sev1)" in home and "[Watch](escalation.md#sev2)" in home
    assert "Plan version **1.0**, effective 2026-10-01" in home


def test_tree_has_a_diagram_and_linked_steps():
    tree = small_pages()["trees/is-this-a-crisis.md"]
    # The diagram is raw HTML, collapsed, its Mermaid source escaped (handbook.js draws it when opened).
    assert '<details class="handbook-diagram"' in tree and "<summary>Show the diagram</summary>" in tree
    source = html.unescape(re.search(r'<div class="mermaid" hidden>\n(.*?)</div>', tree, re.DOTALL).group(1))
    assert source.startswith("flowchart TD\n") and "<" not in source.split("\n", 1)[1]
    assert "### 1. " in tree and "{#step-control}" in tree
    # each answer names the number of its next step, shown on paper only
    hijacked = re.search(r"### (\d+)\. .*\{#step-hijacked\}", tree).group(1)
    assert f'[Yes<span class="print-only"> → {hijacked}</span>](#step-hijacked){{ .md-button }}' in tree
    outcome = tree.split("{#step-hijacked}")[1].split("###")[0]
    assert "(../escalation.md#sev1)" in outcome and "(../playbooks/hijacked-account.md)" in outcome
    # Quotes and brackets in plan text cannot leave a Mermaid label.
    assert '["More than 500 comments an hour #91;all sources#93;?"]' in source
    assert '(["A complaint is spreading #34;fast#34;."])' in source


def test_review_overdue_notice_on_overdue_sections_only():
    pages = small_pages()
    notice = '!!! warning "Review overdue"'
    overdue = {"employee-policy.md", "playbooks/viral-complaint.md"}
    for path, text in pages.items():
        assert (notice in text) == (path in overdue), path
    about = pages["about.md"]
    assert "| [Employee policy](employee-policy.md) |" in about and "**Overdue**" in about


def test_statement_is_copyable_as_written():
    playbook = small_pages()["playbooks/hijacked-account.md"]
    # The text holds ``` itself, so the fence is longer than any run inside.
    assert "````text\nWe are back in control of this account. ```Thank you``` for your patience.\n````" in playbook
    assert "124 of 280 characters on X." in playbook


# --- links and anchors ---------------------------------------------------------------------

_LINK = re.compile(r"(?<!\\)\]\(([^()\s]*)\)")
_ANCHOR = re.compile(r"(?<!\\)\{#([\w-]+)\}")
_HEADING = re.compile(r"^#{1,6} (.*?)\s*$", re.M)


def _slug(heading: str) -> str:
    """Python-Markdown's default toc slug, for headings without an explicit id."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _anchors(text: str) -> tuple[set[str], list[str]]:
    explicit = [m.group(1) for m in _ANCHOR.finditer(_without_fences(text))]
    slugs = {_slug(h) for h in _HEADING.findall(_without_fences(text)) if not _ANCHOR.search(h)}
    return set(explicit) | slugs, explicit


def _without_fences(text: str) -> str:
    return re.sub(r"^(`{3,})[^\n]*\n.*?^\1$", "", text, flags=re.M | re.S)


def broken_links(pages: dict[str, str]) -> list[str]:
    anchors = {path: _anchors(text)[0] for path, text in pages.items() if path.endswith(".md")}
    problems = []
    for path, text in pages.items():
        if not path.endswith(".md"):
            continue
        _, explicit = _anchors(text)
        duplicates = sorted({a for a in explicit if explicit.count(a) > 1})
        if duplicates:
            problems.append(f"{path}: anchors defined twice: {duplicates}")
        for target in _LINK.findall(_without_fences(text)):
            if target.startswith("tel:"):
                if not re.fullmatch(r"tel:\+[0-9]{7,}", target):
                    problems.append(f"{path}: bad phone link {target}")
                continue
            if target.startswith(("mailto:", "https://", "http://")):
                continue
            page, _, anchor = target.partition("#")
            page = posixpath.normpath(posixpath.join(posixpath.dirname(path), page)) if page else path
            if page not in pages:
                problems.append(f"{path}: link to a missing page: {target}")
            elif anchor and anchor not in anchors.get(page, set()):
                problems.append(f"{path}: link to a missing anchor: {target}")
    return problems


def test_every_link_of_the_small_plan_lands():
    assert broken_links(small_pages()) == []


def test_every_link_of_the_full_plan_lands():
    assert broken_links(full_pages()) == []


def test_the_link_check_catches_a_broken_reference():
    pages = dict(small_pages())
    pages["roles.md"] += "\n[Nobody](contacts.md#nobody) [Lost](playbooks/lost.md)\n"
    assert broken_links(pages) == ["roles.md: link to a missing anchor: contacts.md#nobody",
                                   "roles.md: link to a missing page: playbooks/lost.md"]


def test_cross_references_are_links():
    pages = small_pages()
    roles = pages["roles.md"]
    lead = roles.split("{#lead}")[1].split("\n## ")[0]
    assert "[Ada Ng](contacts.md#ada-ng)" in lead and "[Ben Ortiz](contacts.md#ben-ortiz)" in lead
    assert "[Account hijacked](playbooks/hijacked-account.md)" in lead
    contacts = pages["contacts.md"]
    ada = contacts.split("{#ada-ng}")[1].split("\n### ")[0]
    assert "[Crisis lead](roles.md#lead) (primary)" in ada and "- Backup: [Ben Ortiz](contacts.md#ben-ortiz)" in ada
    assert "(contacts/crisis-team.vcf)" in contacts
    playbook = pages["playbooks/hijacked-account.md"]
    assert "[Is this a crisis?](../trees/is-this-a-crisis.md)" in playbook
    assert "(../roles.md#social)" in playbook and "(../contacts.md#ben-ortiz)" in playbook
    assert "[May we remove this comment?](trees/may-we-remove.md)" in pages["community-guidelines.md"]
    assert "- [ ] **+15 min**: Start the recovery steps" in playbook


# --- untrusted plan text -------------------------------------------------------------------

HOSTILE_NAME = "<script>alert(1)</script>"


def hostile_plan(tmp_path: Path):
    """The small plan with hostile text in every kind of place a template puts it."""
    plan_dir = tmp_path / "plan"
    shutil.copytree(SMALL_PLAN, plan_dir)

    def edit(name, change):
        path = plan_dir / name
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    def contacts(d):
        ada = d["people"][0]
        ada["name"] = HOSTILE_NAME
        ada["title"] = "**Head** | of `comms` & <b>PR</b>"
        ada["availability"] = "![tracker](https://evil.example/x.png) [click](javascript:alert(1))"
        ada["notes"] = "# not a heading {: onclick=\"alert(1)\" }"
        d["people"][1]["title"] = "Manager, Social; Digital\\Media"
        d["spokespeople"][0]["topics"] = ["1. not a list", "- nor this", "| cells |"]

    def roles(d):
        d["roles"][0]["name"] = "Lead</a><img src=x onerror=alert(1)>"
        d["roles"][0]["duties"] = ["!!! danger \"injected\"", "    indented code?", "<!-- comment -->", "---"]

    def escalation(d):
        d["levels"][0]["name"] = "Crit|cal \"[x]\": {#sev2}"
        d["levels"][0]["notify"][0]["how"] = "phone | then <i>SMS</i>"

    def playbook(d):
        d["title"] = "</textarea><svg onload=alert(1)>"
        d["statements"][0]["text"] = "```\n<script>alert('statement')</script>\n```~~~"
        d["checklist"][0]["step"] = "[ ] fake box <br> *bold*"

    def tree(d):
        d["nodes"]["control"]["question"] = 'Q"]) --> X{evil} %%{init: {}}%% <b>'
        d["nodes"]["control"]["answers"][0]["answer"] = '"|evil|"'
        d["nodes"]["hijacked"]["outcome"] = "`end` :::danger"

    def policy(d):
        d["summary"] = "First.\n\n!!! danger \"boom\"\n    injected\n\n??? note\n    details"

    edit("contacts.yaml", contacts)
    edit("roles.yaml", roles)
    edit("escalation.yaml", escalation)
    edit("playbooks/hijacked-account.yaml", playbook)
    edit("trees/is-this-a-crisis.yaml", tree)
    edit("employee-policy.yaml", policy)
    report = check_plan(plan_dir, today=TODAY)
    assert report.ok, [str(p) for p in report.errors]
    return report.plan


def to_html(markdown_text: str) -> str:
    """The page as MkDocs turns it into HTML, with the extensions of mkdocs.yml."""
    markdown = pytest.importorskip("markdown")
    superfences = pytest.importorskip("pymdownx.superfences")
    return markdown.markdown(markdown_text, extensions=[
        "admonition", "attr_list", "md_in_html", "def_list", "tables", "toc",
        "pymdownx.superfences", "pymdownx.tasklist", "pymdownx.details", "pymdownx.highlight",
    ], extension_configs={
        "toc": {"permalink": True},
        "pymdownx.superfences": {"custom_fences": [
            {"name": "mermaid", "class": "mermaid", "format": superfences.fence_code_format}]},
        "pymdownx.tasklist": {"custom_checkbox": True},
    })


def test_hostile_plan_text_stays_text(tmp_path):
    pages = render_pages(hostile_plan(tmp_path), TEMPLATES)
    contacts = pages["contacts.md"]
    assert f"### {HOSTILE_NAME.replace('<', '&lt;').replace('>', '&gt;')} {{#ada-ng}}" in contacts
    assert broken_links(pages) == []
    for path, text in pages.items():
        if not path.endswith(".md"):
            continue
        assert "<script" not in _without_fences(text), path
        html = to_html(text)
        tags = re.findall(r"<[a-zA-Z][^>]*>", html)  # plan text shows as text, so its '<' is '&lt;'
        assert not [t for t in tags if re.match(r"<(script|img|svg|iframe|textarea|b|i)\b", t)], path
        assert not [t for t in tags if re.search(r"\son\w+\s*=", t)], path
        assert not [t for t in tags if "javascript:" in t or "evil.example" in t], path
        assert 'class="admonition danger"' not in html or path in ("escalation.md", "playbooks/hijacked-account.md",
                                                                   "trees/is-this-a-crisis.md"), path
        # the one collapsed block is a tree's diagram, which the template writes itself
        if path.startswith("trees/"):
            html = re.sub(r'<details class="handbook-diagram"[^>]*>', "", html, count=1)
        assert "<details" not in html, path
        for table in re.findall(r"<table>.*?</table>", html, re.S):
            widths = {len(re.findall(r"<t[dh]\b", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.S)}
            assert len(widths) == 1, f"{path}: a table row has a different number of cells: {table[:300]}"
    html = to_html(contacts)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'id="ada-ng"' in html


def test_statement_text_survives_to_the_copy_block(tmp_path):
    html = to_html(render_pages(hostile_plan(tmp_path), TEMPLATES)["playbooks/hijacked-account.md"])
    block = re.search(r'<div class="highlight"><pre>.*?</pre></div>', html, re.S).group(0)
    text = re.sub(r"<[^>]+>", "", block)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    assert text.strip() == "```\n<script>alert('statement')</script>\n```~~~"


@pytest.mark.parametrize("value, expected", [
    ("Plain words, 24/7.", "Plain words, 24/7."),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("a | b", "a \\| b"),
    ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
    ("`code` *em* _u_", "\\`code\\` \\*em\\* \\_u\\_"),
    ("# heading", "\\# heading"),
    ("- item", "\\- item"),
    ("+44 20 7946 0000", "+44 20 7946 0000"),
    ("1. first", "1\\. first"),
    ("2026. A year", "2026\\. A year"),
    (": definition", "&#58; definition"),
    ("!!! danger", "\\!!! danger"),
    ("??? note", "&#63;?? note"),
    ("~~~", "&#126;~~"),
    ("===", "&#61;=="),
    ("a\n\n    b  \n", "a b"),
    ("{: #id }", "\\{: \\#id \\}"),
    ("AT&T", "AT&amp;T"),
    ("back\\slash", "back\\\\slash"),
    (None, ""),
])
def test_md_filter(value, expected):
    assert render.md(value) == expected


def test_md_block_keeps_paragraphs():
    assert render.md_block("One\nline.\n\n- Two\n") == "One line.\n\n\\- Two"


def test_link_targets_are_safe():
    assert render.tel_href("+44 (20) 7946-0001") == "tel:+442079460001"
    assert render.mailto_href("a.b+c@x.example") == "mailto:a.b+c@x.example"
    assert render.mailto_href("a)b@x.example") == "mailto:a%29b@x.example"
    assert render.url_href("https://x.example/a(b)<c>\"d\"") == "https://x.example/a%28b%29%3Cc%3E%22d%22"
    assert render.url_href("javascript:alert(1)") == "#"


def test_mermaid_label_escapes_everything_but_words():
    assert render.mermaid_label('Is it "bad"? [yes] <b>{x}</b> `y`;') == \
        "Is it #34;bad#34;? #91;yes#93; #60;b#62;#123;x#125;#60;/b#62; #96;y#96;#59;"
    assert render.mermaid_label("天氣 %%{init}%%") == "天氣 #37;#37;#123;init#125;#37;#37;"


def test_minutes():
    assert [render.minutes(m) for m in (0, 5, 60, 90, 240, 1440, 2880)] == \
        ["0 min", "5 min", "1 h", "1 h 30 min", "4 h", "1 day", "2 days"]


# --- templates -------------------------------------------------------------------------------

def test_one_template_overrides_one_page(tmp_path):
    (tmp_path / "contacts.md.j2").write_text("# Our people\n\n{{ m.person_call(v.roles[v.lead_role].primary) }}\n")
    pages = render_pages(small_plan(), [tmp_path, TEMPLATES], CHANGES)
    assert pages["contacts.md"] == "# Our people\n\n[Ada Ng](contacts.md#ada-ng) [+44 7700 900001](tel:+447700900001)\n"
    assert {k: v for k, v in pages.items() if k != "contacts.md"} == \
        {k: v for k, v in small_pages().items() if k != "contacts.md"}


def test_overriding_the_macros_restyles_every_page(tmp_path):
    macros = (TEMPLATES / "_macros.md.j2").read_text()
    (tmp_path / "_macros.md.j2").write_text(macros.replace(
        '{% macro person(id) %}[', '{% macro person(id) %}Person: ['))
    pages = render_pages(small_plan(), [str(tmp_path), str(TEMPLATES)])
    assert "Person: [Ada Ng](contacts.md#ada-ng)" in pages["index.md"]
    assert "Person: [Ada Ng](../contacts.md#ada-ng)" in pages["playbooks/hijacked-account.md"]


def test_a_broken_template_names_its_file_and_line(tmp_path):
    (tmp_path / "roles.md.j2").write_text("# Roles\n\n{{ v.roles['nobody'].name }}\n")
    with pytest.raises(RenderError, match=r"roles\.md\.j2:3: .*nobody"):
        render_pages(small_plan(), [tmp_path, TEMPLATES])
    (tmp_path / "roles.md.j2").write_text("# Roles\n{% if %}\n")
    with pytest.raises(RenderError, match=r"roles\.md\.j2:2: "):
        render_pages(small_plan(), [tmp_path, TEMPLATES])


# --- navigation ----------------------------------------------------------------------------

def test_nav_puts_what_a_stressed_reader_needs_first():
    entries = nav(small_plan())
    titles = [next(iter(e)) for e in entries]
    assert titles == ["In a crisis? Start here", "Is this a crisis?", "Escalation", "Contacts", "Roles",
                      "Playbooks", "Decision trees", "Channels", "Community guidelines", "Employee policy",
                      "Monitoring", "Metrics", "Post-crisis review", "Drills", "About this plan",
                      "Plan format reference"]
    assert entries[1] == {"Is this a crisis?": "trees/is-this-a-crisis.md"}
    assert entries[5] == {"Playbooks": ["playbooks/index.md", "playbooks/hijacked-account.md",
                                        "playbooks/viral-complaint.md"]}
    # The triage tree is not listed twice.
    assert entries[6] == {"Decision trees": ["trees/index.md", "trees/may-we-remove.md"]}
    with_changes = [next(iter(e)) for e in nav(small_plan(), small_pages())]
    assert with_changes[-2:] == ["What changed in this version", "Plan format reference"]
    every_path = {p for e in nav(small_plan(), small_pages()) for v in e.values()
                  for p in (v if isinstance(v, list) else [v])}
    assert every_path == {p for p in small_pages() if p.endswith(".md")}


# --- the vCard -----------------------------------------------------------------------------

def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_vcard_is_well_formed(tmp_path):
    plan = copy.deepcopy(small_plan())
    people = plan["contacts"]["people"]
    people[0]["name"] = "Zoë Ng-Ōtsuka"
    people[0]["title"] = "Head, Comms; PR\nand \\ Press " + "ü" * 60
    text = vcard(plan)
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line
    lines = unfold(text)
    assert lines.count("BEGIN:VCARD") == lines.count("END:VCARD") == len(people)
    assert lines.count("VERSION:3.0") == len(people)
    card = lines[: lines.index("END:VCARD") + 1]
    assert "FN:Zoë Ng-Ōtsuka" in card and "N:Ng-Ōtsuka;Zoë;;;" in card
    assert "TITLE:Head\\, Comms\\; PR\\nand \\\\ Press " + "ü" * 60 in card
    assert "TEL;TYPE=CELL,VOICE,PREF:+447700900001" in card  # E.164, as phones dial it
    assert "EMAIL;TYPE=INTERNET,PREF:ada.ng@small-boats.example" in card
    assert any(line.startswith("NOTE:Crisis roles: Crisis lead (primary)\\, Social media lead (backup).")
               for line in card)
    external = lines[lines.index("FN:Cara Diaz") - 3:]
    assert "ORG:Diaz & Partners Law" in external and "CATEGORIES:External,legal-counsel" in external


# --- speed ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_large_plan_renders(tmp_path, monkeypatch):
    """How fast is for benchmarks/site_bench.py to say; here, that every page comes out."""
    plan_dir = large_plan(tmp_path / "large", monkeypatch)
    plan = check_plan(plan_dir, today=TODAY).plan
    pages = render_pages(plan, TEMPLATES)
    assert len(plan.playbooks) >= 100 and len(plan.trees) >= 50
    parts = sorted(path for path in pages if render.is_contacts_part(path))
    assert len(pages) == len(render.SINGLE_PAGES) + len(plan.playbooks) + len(plan.trees) + 1 + len(parts)  # vCard
    # 2,000 people: the contacts page keeps the crisis team and links pages of the others, by name
    people = plan.index["contact"]
    shown = {m: path for path in ["contacts.md", *parts] for m in re.findall(r"^### .* \{#([\w-]+)\}$", pages[path], re.M)
             if not m.startswith("ambassador-")}
    team = [pid for pid, page in shown.items() if page == "contacts.md"]
    assert len(parts) == -(-(len(people) - len(team)) // render.CONTACTS_PER_PAGE)
    assert all(pages[part].count("\n### ") <= render.CONTACTS_PER_PAGE for part in parts)
    assert len(pages["contacts.md"]) < 100_000 and all(f"]({part})" in pages["contacts.md"] for part in parts)
    # everyone is on exactly one page, and every link to a person leads there
    assert sorted(shown) == sorted(people) and len(shown) == len(people)
    view = render.PlanView(plan)
    assert all(view.path("contact", pid) == f"{page}#{pid}" for pid, page in shown.items())
    assert broken_links(pages) == []


# --- compiled templates, in memory only -----------------------------------------------------

def test_a_rebuild_reuses_the_compiled_templates_and_recompiles_an_edited_one(tmp_path, monkeypatch):
    """As under `mkdocs serve`: one process renders again and again; nothing compiled goes to disk."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    templates = tmp_path / "pages"
    shutil.copytree(TEMPLATES, templates)
    first = render_pages(small_plan(), templates)
    env = render.environment(render._folders(templates))
    compiled = []
    compile_ = env.compile
    monkeypatch.setattr(env, "compile", lambda *args, **kwargs: compiled.append(args) or compile_(*args, **kwargs))
    assert render_pages(small_plan(), templates) == first
    assert compiled == [], "a rebuild compiled a template again"

    metrics = templates / "metrics.md.j2"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace("# ", "# Edited: ", 1),
                       encoding="utf-8")
    later = metrics.stat().st_mtime + 10  # an edit within the same second must count too
    os.utime(metrics, (later, later))
    pages = render_pages(small_plan(), templates)
    assert pages["metrics.md"].startswith("# Edited: Metrics")
    assert len(compiled) == 1
    assert sorted(p.name for p in templates.iterdir()) == sorted(p.name for p in TEMPLATES.iterdir())
    assert list(home.rglob("*")) == []


def test_templates_read_plan_data_as_jinja_does(tmp_path):
    """The templates' environment reads `x.name` of plan data by key at once (render._PlanEnvironment):
    the same answers as Jinja's own, a dict's methods included, and a missing key still an error."""
    (tmp_path / "t.md.j2").write_text(
        "{{ x.name }}|{{ x.get('gone', 'none') }}|{{ x['items'] }}|{{ x.items() | list | length }}|{{ x.keys is callable }}",
        encoding="utf-8")
    env = render.environment((str(tmp_path),))
    data = {"name": "Ana", "items": ["a", "b"], "keys": ["k"]}
    assert env.get_template("t.md.j2").render(x=data) == (
        jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path))).get_template("t.md.j2").render(x=data))
    assert env.get_template("t.md.j2").render(x=data) == "Ana|none|['a', 'b']|3|True"
    (tmp_path / "missing.md.j2").write_text("{{ x.nobody }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("missing.md.j2").render(x=data)
