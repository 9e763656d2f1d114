"""Who may read the handbook: audiences in the schemas, the plan redacted for
one audience, audience builds, the diff, and the guard against publishing an
internal handbook on a public site.

The values an audience may not read are found from the schemas' `audience`
rules by the same walk that redacts them (audience.hidden), never listed
here: each internal person's mobile, each recovery step, each threshold...
"""
from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CASES, FULL_PLAN, TODAY
from gitrepo import commit, edit, git, init_repo
from test_render import broken_links

from crisisplan import audience, check_plan, render, site, versions
from crisisplan.audience import hidden, redact
from crisisplan.diff import diff_plans, format_markdown, format_text
from crisisplan.pages_guard import check_pages
from crisisplan.schema import load_schemas, schema_dir

GUARD_ANSWERS = CASES / "pages-guard"
TEMPLATES = site.template_dirs(site.theme_dirs(None))
AUDIENCES = ("internal", "partner", "public")


@functools.cache
def full_plan():
    report = check_plan(FULL_PLAN, today=TODAY)
    assert report.ok, [str(p) for p in report.errors]
    return report.plan


def person(plan, person_id: str) -> dict:
    return plan.index["contact"][person_id]


# --- what an audience may not read, from the schemas ---------------------------------------

@functools.cache
def _schema_and_theme_words() -> str:
    """The text of the schemas and the theme: words a page may show whatever the plan says."""
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for folder in (schema_dir(), site.packaged_theme()) for p in Path(folder).rglob("*") if p.is_file()]
    return " ".join(" ".join(texts).split())


def _needles(item: audience.Hidden) -> set[str]:
    """How a hidden value would show up in a site: a phone number by its digits (tel: links and
    every way of spacing it), an email address as written, free text as written; ids and values
    from a fixed list say nothing on their own."""
    text = " ".join(str(item.value).split())
    if item.rules.get("phone"):
        return {re.sub(r"\D", "", text)}
    if item.rules.get("email"):
        return {text}
    if any(rule in item.rules for rule in ("allowed", "ref", "defines", "regex")) or not isinstance(item.value, str):
        return set()
    return {text} if len(text) >= 8 or " " in text else set()


def _visible_texts(plan) -> set[str]:
    out = set()

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        else:
            out.add(" ".join(str(value).split()))

    walk([plan.domains, plan.playbooks, plan.trees])
    return out


def secrets(plan, reader: str) -> list[tuple[str, str]]:
    """(file: path, text) for every value `reader` may not read that a leak could be told by:
    not also the text of something the reader may read, nor a word of the schemas or the theme."""
    visible = _visible_texts(redact(plan, reader))
    words = _schema_and_theme_words()
    out = []
    for item in hidden(plan, reader):
        for needle in _needles(item):
            if needle in visible or any(needle in text for text in visible) or needle in words:
                continue
            out.append((f"{item.file}: {'.'.join(map(str, item.path))}", needle))
    return out


def _searchable(text: str) -> tuple[str, str]:
    """A file's text as a reader could find a value in it: entities decoded, tags and Markdown
    escapes dropped, whitespace collapsed; and its digits alone, for phone numbers."""
    decoded = html.unescape(html.unescape(text))
    flat = " ".join(re.sub(r"<[^>]+>", "", decoded).replace("\\", "").split())
    return decoded + "\n" + flat, re.sub(r"\D", "", decoded)


def leaks(files: dict[str, str], secret_list: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(where in the plan, value, file) for every secret found in any of `files`."""
    found = []
    for name, text in files.items():
        words, digits = _searchable(text)
        if name.endswith(".json"):
            try:
                words += json.dumps(json.loads(text), ensure_ascii=False)
            except ValueError:
                pass
        for where, needle in secret_list:
            if needle in words or (needle.isdigit() and needle in digits):
                found.append((where, needle, name))
    return found


def site_files(site_dir: Path) -> dict[str, str]:
    """Every file of a built site that is text, by path (pages, search index, sitemap, vCard, scripts...)."""
    out = {}
    for path in sorted(site_dir.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                import gzip
                data = gzip.decompress(data)
            try:
                out[path.relative_to(site_dir).as_posix()] = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return out


# --- the schemas' audiences ------------------------------------------------------------------

def test_hidden_values_come_from_the_schemas():
    plan = full_plan()
    partner = {(h.file, h.path): h.value for h in hidden(plan, "partner")}
    people = plan["contacts"]["people"]
    for i, p in enumerate(people):
        for j, phone in enumerate(p["phones"]):
            where = ("contacts.yaml", ("people", i, "phones", j, "number"))
            personal = p["kind"] == "internal" and phone["label"] in ("mobile", "home")
            assert (where in partner) == personal, (p["id"], phone)
        assert (("contacts.yaml", ("people", i, "email")) in partner) == (p["kind"] == "internal")
    for i, channel in enumerate(plan["channels"]["channels"]):
        for j, step in enumerate(channel["access"]["recovery"]):
            assert partner[("channels.yaml", ("channels", i, "access", "recovery", j))] == step
    for i, alert in enumerate(plan["monitoring"]["alerts"]):
        assert partner[("monitoring.yaml", ("alerts", i, "threshold"))] == alert["threshold"]
    assert any(h[0] == "monitoring.yaml" and h[1][0] == "rota" for h in partner)
    assert any(h[0].startswith("playbooks/") and h[1][0] == "statements" for h in partner)
    assert hidden(plan, "internal") == []
    public = {(h.file, h.path) for h in hidden(plan, "public")}
    assert partner.keys() <= public
    assert not any(f == "community-guidelines.yaml" and p[0] in ("principle", "rules", "actions") and p[-1] != "notes"
                   for f, p in public)


def test_the_internal_audience_reads_the_plan_itself():
    plan = full_plan()
    assert redact(plan, "internal") is plan
    assert plan.audience == "internal"


def test_a_partner_reads_the_roles_without_staffs_personal_numbers():
    plan, partner = full_plan(), redact(full_plan(), "partner")
    assert partner.audience == "partner" and plan.audience == "internal"
    assert set(partner.index["contact"]) == set(plan.index["contact"])
    assert set(partner.index["role"]) == set(plan.index["role"])
    for person_id, before in plan.index["contact"].items():
        after = person(partner, person_id)
        assert after["name"] == before["name"]
        if before["kind"] == "internal":
            assert "email" not in after and "availability" not in after
            assert [p["label"] for p in after.get("phones", [])] == \
                   [p["label"] for p in before["phones"] if p["label"] not in ("mobile", "home")]
        else:
            assert after == before  # an agency's or a platform's numbers are what a partner needs
    for channel in partner.index["channel"].values():
        assert "access" not in channel and "admins" not in channel and channel["scheduled_posts"]
    assert "rota" not in partner["monitoring"]
    assert all("threshold" not in alert for alert in partner["monitoring"]["alerts"])
    assert all("statements" not in p for p in partner.playbooks.values())
    assert "approvers" not in partner["about"]["plan"] and "classification" not in partner["about"]["plan"]
    # The plan it came from is untouched.
    assert all("access" in c for c in plan.index["channel"].values())


def test_the_public_reads_the_community_guidelines_and_nothing_that_names_people():
    plan, public = full_plan(), redact(full_plan(), "public")
    guidelines = public["community-guidelines"]
    assert guidelines["principle"] == plan["community-guidelines"]["principle"]
    assert [r["rule"] for r in guidelines["rules"]] == [r["rule"] for r in plan["community-guidelines"]["rules"]]
    assert all("notes" not in r for r in guidelines["rules"])
    assert "moderation_tree" not in guidelines and "review" not in guidelines  # a tree and people it may not read
    assert set(public.index) == {"action", "guideline"}
    assert public.playbooks == {} and public.trees == {}
    assert public["about"] == {"organisation": plan["about"]["organisation"],
                               "plan": {k: plan["about"]["plan"][k] for k in ("version", "effective", "language")}}
    assert all(public[name] == {} for name in ("contacts", "roles", "escalation", "channels", "monitoring"))


def test_a_reference_to_an_entry_the_audience_may_not_read_is_dropped(tmp_path):
    extra = tmp_path / "schema"
    extra.mkdir()
    (extra / "audiences.yaml").write_text("contacts:\n  people[]: internal\n", encoding="utf-8")
    schemas = load_schemas(extra=extra)
    assert schemas.problems == []
    partner = redact(full_plan(), "partner", schemas)
    assert partner.index.get("contact", {}) == {}
    for role in partner.index["role"].values():
        assert "primary" not in role and "backup" not in role and role["name"]
    for channel in partner.index["channel"].values():
        assert "owner" not in channel
    assert "owner" not in partner["about"]["plan"]


def test_an_organisation_changes_audiences_by_data(tmp_path):
    extra = tmp_path / "schema"
    extra.mkdir()
    (extra / "audiences.yaml").write_text(
        "# our agency also needs everyone's email\n"
        "contacts:\n  people[].email: partner\n"
        "monitoring: internal\n"
        "channels:\n  channels[].access.recovery_contact: partner\n", encoding="utf-8")
    schemas = load_schemas(extra=extra)
    assert schemas.problems == []
    partner = redact(full_plan(), "partner", schemas)
    assert all(p["email"] for p in partner.index["contact"].values())
    assert partner["monitoring"] == {}
    assert any(c.get("access", {}).get("recovery_contact") for c in partner.index["channel"].values())
    assert all(set(c.get("access", {})) <= {"recovery_contact"} for c in partner.index["channel"].values())
    # The packaged schemas are not changed by a plan repository's own.
    assert "threshold" not in redact(full_plan(), "partner")["monitoring"]["alerts"][0]


def test_a_wrong_audience_is_a_problem_at_its_line(tmp_path):
    extra = tmp_path / "schema"
    extra.mkdir()
    (extra / "audiences.yaml").write_text("contacts:\n  people[].emial: partner\n  people[].name: everyone\n"
                                          "monitorin: internal\n", encoding="utf-8")
    messages = [f"{p.file}:{p.line}:{p.col}: {p.message}" for p in load_schemas(extra=extra).problems]
    assert any(m.startswith(f"{extra}/audiences.yaml:2:3: 'people[].emial' is not a field of contacts") for m in messages)
    assert f"{extra}/audiences.yaml:3:18: 'everyone' is not an audience: use internal, partner, public" in messages
    assert f"{extra}/audiences.yaml:4:1: 'monitorin' is not a section: did you mean 'monitoring'?" in messages

    broken = tmp_path / "schemas"
    shutil.copytree(schema_dir(), broken)
    text = (broken / "drills.yaml").read_text(encoding="utf-8")
    (broken / "drills.yaml").write_text(text.replace("coordinator: {type: string,",
                                                     "coordinator: {audience: staff, type: string,"), encoding="utf-8")
    problems = load_schemas(broken).problems
    assert [p.code for p in problems] == ["bad-schema"]
    assert "'staff' is not an audience: use internal, partner, public" in problems[0].message


@pytest.mark.parametrize("rule, fault", [
    ("public", None),
    ({"when": {"kind": "internal"}, "then": "internal"}, None),
    ({"when": {"kind": "internal"}, "then": "internal", "else": "public"}, None),
    ("secret", "'secret' is not an audience: use internal, partner, public"),
    ({"then": "internal"}, "'when' must be a block of 'field: value' lines, the values that make 'then' apply"),
    ({"when": {"kind": "internal"}}, "a conditional audience needs 'then', the audience when every 'when' matches"),
    ({"when": {"kind": "internal"}, "then": "internal", "unless": 1}, "'unless' is not part of an audience: use when, then, else"),
    (["internal"], "an audience is one of internal, partner, public, or a block of 'when', 'then' and 'else'"),
])
def test_audience_rules(rule, fault):
    assert audience.rule_fault(rule) == fault


def test_the_audience_of_a_build_comes_from_the_environment_then_mkdocs_yml():
    assert audience.setting(None, {}) == "internal"
    assert audience.setting("partner", {}) == "partner"
    assert audience.setting("partner", {"CRISISPLAN_AUDIENCE": "Public"}) == "public"
    with pytest.raises(audience.AudienceError, match="'staff' is not an audience: use internal, partner, public"):
        audience.setting("staff", {})


# --- the handbook of each audience -------------------------------------------------------------

@functools.cache
def pages_for(reader: str) -> dict[str, str]:
    plan = redact(full_plan(), reader)
    return render.render_pages(plan, TEMPLATES, changes_markdown="Nothing changed.")


@pytest.mark.parametrize("reader", AUDIENCES)
def test_every_page_of_every_audience_renders_and_every_link_lands(reader):
    pages = pages_for(reader)
    assert broken_links(pages) == []
    for path, text in pages.items():
        if path.endswith(".md"):
            assert not re.search(r"^\|( --- \|)+\n(?!\|)", text, re.M), f"{path}: a table without rows"


def test_each_audience_has_the_pages_it_may_read():
    internal, partner, public = (set(pages_for(a)) for a in AUDIENCES)
    assert partner == internal
    assert public == {"index.md", "community-guidelines.md", "about.md", "reference.md", "changes.md"}
    assert "Crisis team" in pages_for("partner")["contacts.md"]
    assert "If an account is hijacked" not in pages_for("partner")["channels.md"]
    assert "Holding statements" not in pages_for("partner")["playbooks/hijacked-account.md"]
    assert "Who is on watch" not in pages_for("partner")["monitoring.md"]
    assert "Alert when" not in pages_for("partner")["monitoring.md"]
    assert "community-guidelines.md" in pages_for("public")["index.md"]


@pytest.mark.parametrize("reader", ["partner", "public"])
def test_no_page_of_an_audience_shows_what_it_may_not_read(reader):
    secret_list = secrets(full_plan(), reader)
    assert len(secret_list) > 100
    assert leaks(pages_for(reader), secret_list) == []
    assert leaks(pages_for("internal"), secret_list) != []


def test_the_reference_page_shows_each_fields_audience():
    page = pages_for("internal")["reference.md"]
    assert "| Audience |" in page
    assert re.search(r"`people\[\]\.phones\[\]\.number` \| [^|]+ \| [^|]* \| internal when kind is internal "
                     r"and label is mobile or home, else partner \|", page)
    assert re.search(r"`channels\[\]\.access\.recovery` \| [^|]+ \| [^|]* \| internal \|", page)
    assert re.search(r"`principle` \| [^|]+ \| [^|]* \| public \|", page)
    assert re.search(r"`rules\[\]\.notes` \| [^|]+ \| [^|]* \| partner \|", page)


def test_every_page_marker_names_its_audience():
    assert audience.marker(full_plan()) == {"audience": "internal", "audience_label": "Internal"}
    assert audience.marker(redact(full_plan(), "partner")) == {"audience": "partner", "audience_label": "Partner"}
    assert audience.marker(redact(full_plan(), "public")) == {"audience": "public", "audience_label": "Public"}


# --- what changed, as an audience may read it ---------------------------------------------------

def _changed_plan(folder: Path) -> None:
    edit(folder / "about.yaml", "version: \"2026.2\"", "version: \"2026.3\"")
    edit(folder / "contacts.yaml", "+44 7700 900101", "+44 7700 900199")
    edit(folder / "channels.yaml", "file the X hacked-account form", "file the X account-recovery form")
    edit(folder / "contacts.yaml", "marcus.bell@harbourline.example", "m.bell@harbourline.example")


def test_the_diff_of_an_audience_never_shows_what_it_may_not_read(tmp_path):
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    shutil.copytree(FULL_PLAN, old_dir)
    shutil.copytree(FULL_PLAN, new_dir)
    _changed_plan(new_dir)
    old, new = check_plan(old_dir, today=TODAY).plan, check_plan(new_dir, today=TODAY).plan
    words = ["900101", "900199", "7700 900101", "hacked-account", "account-recovery", "m.bell@", "marcus.bell@"]
    internal = format_text(diff_plans(old, new))
    assert all(w in internal for w in words), internal
    for reader in ("partner", "public"):
        result = diff_plans(redact(old, reader), redact(new, reader))
        for text in (format_text(result), format_markdown(result)):
            assert not any(w in text for w in words), text
            assert "2026.3" in text


def test_the_diff_command_takes_an_audience(tmp_path):
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    shutil.copytree(FULL_PLAN, old_dir)
    shutil.copytree(FULL_PLAN, new_dir)
    _changed_plan(new_dir)
    done = subprocess.run([sys.executable, "-m", "crisisplan", "diff", str(old_dir), str(new_dir),
                           "--audience", "partner"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2026.3" in done.stdout and "900199" not in done.stdout and "900101" not in done.stdout


def test_what_changed_compares_the_previous_version_as_the_audience_reads_it(tmp_path):
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(FULL_PLAN, repo / "plan")
    commit(repo, "Plan 2026.2")
    git(repo, "tag", "plan-v2026.2")
    _changed_plan(repo / "plan")
    commit(repo, "Plan 2026.3")
    plan = check_plan(repo / "plan", today=TODAY).plan
    internal = versions.changes_since_previous(repo / "plan", repo, plan)
    assert "900199" in internal.replace(" ", "") and "account-recovery" in internal
    for reader in ("partner", "public"):
        text = versions.changes_since_previous(repo / "plan", repo, redact(plan, reader))
        assert "2026.3" in text
        assert not any(w in text.replace(" ", "") for w in ("900101", "900199", "hacked-account", "m.bell@"))


# --- the guard before publishing -------------------------------------------------------------------

def recorded(name: str, status: int = 200):
    """A fetch that answers as GitHub did (tests/cases/pages-guard/), and remembers what was asked."""
    asked = []

    def fetch(url, headers):
        asked.append((url, headers))
        return status, (GUARD_ANSWERS / name).read_bytes()

    fetch.asked = asked
    return fetch


def test_the_guard_refuses_an_internal_handbook_on_a_public_site():
    fetch = recorded("public-site.json")
    verdict = check_pages("harbourline/crisis-plan", "internal", fetch, token="t0ken")
    assert not verdict.ok
    assert verdict.message.startswith("Refusing to publish the internal handbook (audience: internal): "
                                      "https://harbourline.github.io/crisis-plan/ is public: anyone on the "
                                      "internet can read it.")
    assert "Visibility: Private" in verdict.message and "--audience public" in verdict.message
    url, headers = fetch.asked[0]
    assert url == "https://api.github.com/repos/harbourline/crisis-plan/pages"
    assert headers["Authorization"] == "Bearer t0ken"
    assert not check_pages("harbourline/crisis-plan", "partner", recorded("public-site.json"), token="").ok


def test_the_guard_allows_an_internal_handbook_on_a_private_site():
    verdict = check_pages("harbourline/crisis-plan", "internal", recorded("private-site.json"), token="")
    assert verdict.ok
    assert verdict.message == ("https://congenial-guide-q7x9wz.pages.github.io/ is private: only people who may "
                               "read harbourline/crisis-plan can open it, so the internal handbook (audience: "
                               "internal) may be published there.")
    assert check_pages("harbourline/crisis-plan", "partner", recorded("private-site.json"), token="").ok


def test_the_guard_fails_closed():
    no_field = check_pages("harbourline/crisis-plan", "internal", recorded("no-visibility-field.json"), token="")
    assert not no_field.ok and "this GitHub plan has no private Pages sites" in no_field.message
    missing = check_pages("harbourline/crisis-plan", "internal", recorded("not-found.json", 404), token="")
    assert not missing.ok and "has no Pages site yet" in missing.message
    refused = check_pages("harbourline/crisis-plan", "internal", recorded("not-found.json", 403), token="")
    assert not refused.ok and "pages: read" in refused.message

    def offline(url, headers):
        raise OSError("Network is unreachable")

    unreachable = check_pages("harbourline/crisis-plan", "partner", offline, token="")
    assert not unreachable.ok and "Network is unreachable" in unreachable.message
    assert not check_pages("harbourline", "internal", offline, token="").ok


def test_the_public_handbook_may_go_anywhere():
    def never(url, headers):
        raise AssertionError("the public audience needs no answer from GitHub")

    assert check_pages("harbourline/crisis-plan", "public", never).ok


def test_the_guard_command(monkeypatch, capsys):
    from crisisplan import cli, pages_guard

    monkeypatch.setattr(pages_guard, "urllib_fetch", recorded("public-site.json"))
    assert cli.main(["pages-guard", "--repo", "harbourline/crisis-plan", "--audience", "partner"]) == 1
    assert "Refusing to publish the partner handbook" in capsys.readouterr().err
    monkeypatch.setattr(pages_guard, "urllib_fetch", recorded("private-site.json"))
    assert cli.main(["pages-guard", "--repo", "harbourline/crisis-plan"]) == 0
    assert "is private" in capsys.readouterr().out


def test_publishing_builds_the_audience_it_is_given(monkeypatch, tmp_path):
    from crisisplan import publish

    runs = []
    monkeypatch.setattr(publish, "check_publishable", lambda plan_dir, repo, force: "2026.2")
    monkeypatch.setattr(publish, "_mike", lambda: "mike")
    monkeypatch.setattr(publish, "_run", lambda command, repo, env=None: runs.append((command, env)))
    monkeypatch.setattr(publish, "git", lambda *args, **kwargs: "")
    assert publish.publish(tmp_path, tmp_path, audience="partner") == "2026.2"
    assert [env for _, env in runs] == [{"CRISISPLAN_AUDIENCE": "partner"}] * 2
    assert "(audience: partner)" in runs[0][0][-1]
    with pytest.raises(audience.AudienceError):
        publish.publish(tmp_path, tmp_path, audience="everyone")


# --- whole sites, as MkDocs builds them ------------------------------------------------------------

@pytest.mark.slow
def test_each_audiences_site_holds_nothing_it_may_not_read(tmp_path, monkeypatch):
    from handbook_build import mkdocs_build

    sites = {}
    for reader in AUDIENCES:
        monkeypatch.setenv("CRISISPLAN_AUDIENCE", reader)
        sites[reader] = tmp_path / reader
        result = mkdocs_build(sites[reader], plan_dir=FULL_PLAN)
        assert result.returncode == 0, result.stdout + result.stderr
    internal_files = site_files(sites["internal"])
    for reader in ("partner", "public"):
        secret_list = secrets(full_plan(), reader)
        files = site_files(sites[reader])
        assert leaks(files, secret_list) == [], reader
        # Every one of them is in the internal handbook.
        found = {(where, needle) for where, needle, _ in leaks(internal_files, secret_list)}
        assert found == set(secret_list), sorted(set(secret_list) - found)[:10]
    labels = {"internal": "Internal", "partner": "Partner", "public": "Public"}
    for reader, site_dir in sites.items():
        for page in site_dir.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert f'data-audience="{reader}"' in text, page
            assert f'<strong class="handbook-marker__classification">{labels[reader]}</strong>' in text, page
    sitemap = (sites["public"] / "sitemap.xml").read_text(encoding="utf-8")
    assert "contacts" not in sitemap and "roles" not in sitemap
    assert not (sites["public"] / "contacts" / "crisis-team.vcf").exists()
    vcard = (sites["partner"] / "contacts" / "crisis-team.vcf").read_text(encoding="utf-8")
    assert vcard.count("BEGIN:VCARD") == len(full_plan().index["contact"])


def test_the_public_handbook_starts_at_home():
    plan = redact(full_plan(), "public")
    nav = render.nav(plan, pages_for("public"))
    assert nav[0] == {"Home": "index.md"}
    assert [list(item)[0] for item in render.nav(full_plan(), pages_for("internal"))][0] == "In a crisis? Start here"


def test_crisisplan_build_passes_its_audience_to_mkdocs(monkeypatch, tmp_path):
    from crisisplan import build, cli

    seen = []

    def fake_run(command, env, **kwargs):
        seen.append(env.get("CRISISPLAN_AUDIENCE"))
        Path(command[command.index("--site-dir") + 1], "index.html").write_text("built", encoding="utf-8")
        return subprocess.CompletedProcess(command, 0, "")

    monkeypatch.setattr(build.subprocess, "run", fake_run)
    monkeypatch.delenv("CRISISPLAN_AUDIENCE", raising=False)
    assert cli.main(["build", str(FULL_PLAN), "--site-dir", str(tmp_path / "site"), "--audience", "partner"]) == 0
    assert cli.main(["build", str(FULL_PLAN), "--site-dir", str(tmp_path / "site")]) == 0
    assert seen == ["partner", None]  # without --audience, mkdocs.yml (or the environment) decides
    with pytest.raises(SystemExit):
        cli.main(["build", "--audience", "everyone"])
