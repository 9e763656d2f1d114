"""The built handbook in Debian's chromium, driven by Playwright (never a browser of its own).

The site is served by a local http.server on 127.0.0.1 and also opened from
disk; every request a page makes is recorded and must stay on that server.
Screenshots land in tests/.output/screenshots/ for a person to look at.
"""
from __future__ import annotations

import re
import time

import pytest

from browsing import DESKTOP, PHONE, SCREENSHOTS, search, shoot, sync_api  # fixtures: browser, context, built, server, plan

pytestmark = pytest.mark.browser

# --- the tests ------------------------------------------------------------------------------

def test_search_finds_a_person(context, server, plan):
    person = next(p for p in plan["contacts"]["people"] if p.get("kind") == "internal")
    page = context(viewport=DESKTOP).new_page()
    page.goto(f"{server}/index.html")
    results = search(page, person["name"])
    assert person["name"] in results.first.inner_text()
    results.first.locator("a").first.click()
    page.wait_for_load_state()
    assert person["name"] in page.locator("article").inner_text()
    assert page.context.requests.foreign(server) == []


def search_cases(plan):
    """(what, words a reader would type, the page the first results must include)."""
    playbook = next(iter(plan.playbooks.values()))
    role = plan["roles"]["roles"][0]
    guideline = plan["community-guidelines"]["rules"][0]
    policy = plan["employee-policy"]["rules"][0]

    def words(text, count=4):
        return " ".join(re.findall(r"[A-Za-z]{5,}", text)[:count])

    return [
        ("role", role["name"], "roles.html"),
        ("playbook step", words(playbook["checklist"][0]["step"]), f"playbooks/{playbook['id']}.html"),
        ("holding statement", words(playbook["statements"][0]["text"]), f"playbooks/{playbook['id']}.html"),
        ("community guideline", words(guideline["rule"]), "community-guidelines.html"),
        ("employee policy rule", words(policy["rule"]), "employee-policy.html"),
    ]


def test_search_finds_roles_steps_statements_and_rules(context, server, plan):
    page = context(viewport=DESKTOP).new_page()
    for what, words, expected in search_cases(plan):
        page.goto(f"{server}/index.html")
        results = search(page, words)
        deadline = time.monotonic() + 10  # results follow the typing: wait for the last word's
        while True:
            hrefs = [link.get_attribute("href") or "" for link in results.locator("a").all()]
            if any(expected in href for href in hrefs) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert any(expected in href for href in hrefs), (what, words, hrefs)


def test_a_decision_tree_can_be_walked_to_an_outcome_without_javascript(context, server, built, plan):
    tree = plan.trees["is-this-a-crisis"]
    nodes = tree["nodes"]
    page = context(viewport=PHONE, java_script_enabled=False).new_page()
    tree_page = next(built.rglob("is-this-a-crisis.html")).relative_to(built).as_posix()
    page.goto(f"{server}/{tree_page}")
    step = tree["start"]
    walked = [step]
    while "outcome" not in nodes[step]:
        # The longest way: another question whenever there is one (trees have no cycles).
        answers = nodes[step]["answers"]
        answer = next((a for a in answers if "outcome" not in nodes[a["next"]]), answers[0])
        section = page.locator(f"[id='step-{step}']")
        expect_visible(section)
        link = page.locator(f"a[href$='#step-{answer['next']}']").filter(has_text=answer["answer"]).first
        link.click()
        step = answer["next"]
        walked.append(step)
        assert page.url.endswith(f"#step-{step}")
    outcome = page.locator(f"[id='step-{step}']")
    expect_visible(outcome)
    assert len(walked) > 2
    shoot(page, "tree-walked-no-js")


def expect_visible(locator):
    sync_api.expect(locator).to_be_visible()
    sync_api.expect(locator).to_be_in_viewport()


def test_mermaid_diagrams_render_to_svg(context, server, built):
    page = context(viewport=DESKTOP).new_page()
    tree_pages = sorted(p.relative_to(built).as_posix() for p in built.glob("trees/*.html")
                        if 'class="mermaid"' in p.read_text(encoding="utf-8"))
    assert tree_pages
    for path in tree_pages:
        page.goto(f"{server}/{path}")
        page.locator("details.handbook-diagram > summary").click()  # drawn when opened
        page.wait_for_selector(".mermaid svg", timeout=20_000)
        assert page.locator(".mermaid svg").first.bounding_box()["height"] > 50
    shoot(page, "tree-desktop")
    assert page.context.requests.foreign(server) == []


def test_no_request_leaves_the_local_server(context, server, built):
    ctx = context(viewport=DESKTOP)
    page = ctx.new_page()
    pages = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html"))
    for path in pages:
        page.goto(f"{server}/{path}")
        page.wait_for_load_state("networkidle")
    assert len(ctx.requests) > len(pages)
    assert ctx.requests.foreign(server) == []
    assert ctx.failures == []  # e.g. no versions.json asked for outside a mike publication


def test_the_site_works_from_disk(context, built, plan):
    person = plan["contacts"]["people"][0]
    ctx = context(viewport=DESKTOP)
    page = ctx.new_page()
    page.goto((built / "index.html").as_uri())
    assert page.locator("h1").first.is_visible()
    results = search(page, person["name"])
    assert person["name"] in results.first.inner_text()
    results.first.locator("a").first.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://")
    assert ctx.requests.foreign("file://") == []


def test_the_home_page_on_a_phone_and_a_desktop(context, server):
    for name, viewport in (("home-phone", PHONE), ("home-desktop", DESKTOP)):
        page = context(viewport=viewport, device_scale_factor=1).new_page()
        page.goto(f"{server}/index.html")
        assert page.locator(".handbook-marker").is_visible()
        assert "Internal" in page.locator(".handbook-marker").text_content()
        assert page.locator("a[href^='tel:']").count() >= 2
        shoot(page, name, full_page=False)  # what the reader sees first; assets/home.png is home-desktop


@pytest.mark.parametrize("scripts", ["with scripts", "without scripts"])
def test_no_page_is_wider_than_a_phone(context, server, built, scripts):
    """Wide tables and diagrams scroll inside the page; the page itself never scrolls sideways:
    with Material's script running, and before it has (it starts after the first paint) or
    without it."""
    page = context(viewport=PHONE, java_script_enabled=scripts == "with scripts").new_page()
    too_wide = {}
    for path in sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html")):
        page.goto(f"{server}/{path}")
        if scripts == "with scripts":
            page.wait_for_function("() => document.documentElement.classList.contains('js')")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
        if scripts == "with scripts" and path in ("escalation.html", "playbooks/hijacked-account.html",
                                                  "contacts.html"):
            shoot(page, "phone-" + path.replace("/", "-").removesuffix(".html"))
    assert too_wide == {}


def test_holding_statements_wrap_on_a_phone(context, server, plan):
    """A statement is read and copied whole on a phone, without scrolling sideways."""
    page = context(viewport=PHONE).new_page()
    playbook = next(iter(plan.playbooks))
    page.goto(f"{server}/playbooks/{playbook}.html")
    blocks = page.locator(".md-typeset .highlight pre > code")
    assert blocks.count() >= len(plan.playbooks[playbook]["statements"])
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.md-typeset .highlight pre > code')]
        .filter(code => code.scrollWidth > code.clientWidth + 1).length""")
    assert overflowing == 0


def test_a_printed_tree_names_the_next_step_of_each_answer(context, server, built):
    page = context(viewport=DESKTOP).new_page()
    tree = next(built.rglob("is-this-a-crisis.html")).relative_to(built).as_posix()
    page.goto(f"{server}/{tree}")
    hint = page.locator("a.md-button .print-only").first
    assert not hint.is_visible()  # on screen the answer is just a button
    page.emulate_media(media="print")
    assert hint.is_visible() and re.fullmatch(r" → \d+", hint.text_content())


def test_printing_hides_the_chrome_and_shows_numbers(context, server, built):
    page = context(viewport=DESKTOP).new_page()
    page.emulate_media(media="print")
    page.goto(f"{server}/contacts.html")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".handbook-marker").is_visible()
    tel = page.locator(".md-typeset a[href^='tel:']").first
    digits = re.sub(r"\D", "", tel.get_attribute("href"))
    assert tel.is_visible() and re.sub(r"\D", "", tel.inner_text()) == digits  # the number itself is printed
    assert tel.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")  # and only once
    shoot(page, "contacts-print")
    pdf = SCREENSHOTS / "contacts.pdf"
    page.pdf(path=pdf)
    assert pdf.stat().st_size > 10_000

