"""Plan text is untrusted everywhere it goes: a plan whose every free-text field
carries markup, a script and template syntax builds into a site where all of
it shows as text, on every page, in <title>, the header, the navigation and
search results, from a server and from disk. The Content-Security-Policy of
every page is the second line: it refuses inline handlers and other hosts.
"""
from __future__ import annotations

import html
from pathlib import Path

import pytest

from conftest import CASES
from handbook_build import mkdocs_build
from hostile import PAYLOAD, hostile_plan
from browsing import search, serve  # fixtures: browser, context

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    plan = hostile_plan(CASES / "render" / "small-plan", folder / "plan")
    result = mkdocs_build(folder / "site", plan_dir=plan)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "site"


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_the_payload_reaches_every_page_escaped_and_never_as_markup(hostile_site):
    escaped = html.escape(PAYLOAD, quote=False)
    for path in html_pages(hostile_site):
        text = (hostile_site / path).read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>window.__p" not in text, path
        assert escaped in text or html.escape(PAYLOAD) in text, path  # the site name is on every page
    index = (hostile_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "onerror" in index


def test_every_page_carries_the_content_security_policy(hostile_site):
    for path in html_pages(hostile_site):
        head = (hostile_site / path).read_text(encoding="utf-8").split("</head>")[0]
        policy = head.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
        assert "script-src 'self' file: 'sha256-" in policy, path
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], path
        assert head.index("Content-Security-Policy") < head.index("<script"), path  # before any script


def test_no_source_maps_or_other_unneeded_files_are_published(hostile_site):
    published = [p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*") if p.is_file()]
    assert [p for p in published if p.endswith(".map")] == []
    assert [p for p in published if p.endswith((".j2", ".yaml", ".yml", ".py"))] == []


# --- in the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(hostile_site):
    with serve(hostile_site) as url:
        yield url


def _watched_page(context):
    page = context().new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


@pytest.mark.browser
@pytest.mark.parametrize("where", ["server", "disk"])
def test_no_plan_text_runs_on_any_page(context, hostile_site, hostile_server, where):
    root = hostile_server if where == "server" else hostile_site.as_uri()
    page = _watched_page(context)
    for path in html_pages(hostile_site):
        page.goto(f"{root}/{path}")
        page.wait_for_load_state("load")
        if page.locator("details.handbook-diagram").count():  # a tree's diagram, drawn when opened
            page.locator("details.handbook-diagram > summary").first.click()
            page.wait_for_selector("details.handbook-diagram.is-drawn svg", timeout=30_000)
        assert page.evaluate("window.__p") is None, path
        assert "49" not in page.title()
        if path not in ("404.html",):
            assert PAYLOAD in page.title(), path  # the site name (and page title) as text
        assert PAYLOAD in page.locator(".md-header__topic").first.inner_text(), path
    assert page.dialogs == []


@pytest.mark.browser
def test_playbook_titles_show_as_text_in_title_navigation_and_search(context, hostile_site, hostile_server):
    page = _watched_page(context)
    page.goto(f"{hostile_server}/playbooks/hijacked-account.html")
    assert page.title().startswith("Account hijacked " + PAYLOAD)
    assert ("Account hijacked " + PAYLOAD) in page.locator("h1").first.inner_text()
    assert ("Account hijacked " + PAYLOAD) in page.locator(".md-nav--primary").inner_text()
    results = search(page, "onerror")
    assert PAYLOAD in results.first.inner_text()
    assert page.evaluate("window.__p") is None and page.dialogs == []


@pytest.mark.browser
@pytest.mark.parametrize("where", ["server", "disk"])
def test_the_policy_refuses_inline_handlers_and_other_hosts_but_search_works(
        context, hostile_site, hostile_server, tmp_path, where):
    """A page into which markup was planted after the build: the browser refuses it."""
    planted = hostile_site / "planted.html"
    original = (hostile_site / "index.html").read_text(encoding="utf-8")
    planted.write_text(original.replace(
        "<body", '<body onload="window.__p=4"', 1).replace(
        "</body>", '<img src=x onerror="window.__p=3"><script>window.__p=2</script>'
                   '<script src="https://cdn.example.invalid/x.js"></script></body>', 1), encoding="utf-8")
    try:
        root = hostile_server if where == "server" else hostile_site.as_uri()
        page = _watched_page(context)
        violations = []
        page.on("console", lambda message: "Content Security Policy" in message.text
                and violations.append(message.text))
        page.goto(f"{root}/planted.html")
        page.wait_for_load_state("load")
        assert page.evaluate("window.__p") is None
        assert len(violations) >= 3  # the handler, the inline script, the other host
        assert [failure for failure in page.context.failures if "example.invalid" in failure] == [
            "csp https://cdn.example.invalid/x.js"]  # refused by the policy before it left
        assert PAYLOAD in search(page, "onerror").first.inner_text()  # Material's own scripts still run
    finally:
        planted.unlink()
