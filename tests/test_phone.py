"""The handbook on a phone: no accessibility violations (axe-core), decision trees usable before any
diagram code has loaded, the search index fetched only for a search, keyboard access.

Runs in Debian's chromium like test_browser.py (fixtures from browsing.py). axe-core comes from npm
(package.json's devDependencies, `make node`); it is injected into the pages by the test and never
shipped in the site. Load times on a throttled phone are measured by benchmarks/phone_bench.py, not here.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from browsing import DESKTOP, PHONE, ready, sync_api  # fixtures: browser, context, built, server, plan
from conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = {"light": "default", "dark": "slate"}
TRIAGE = "trees/is-this-a-crisis.html"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{AXE} is missing: `make node` installs axe-core")
        pytest.skip(f"{AXE} is missing: `make node` installs axe-core")
    return AXE.read_text(encoding="utf-8")


def all_pages(built: Path) -> list[str]:
    return sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html"))


def use_scheme(page, scheme: str) -> None:
    """The colour scheme Material's palette toggle sets, on <body>."""
    page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", SCHEMES[scheme])
    page.wait_for_timeout(300)  # Material's colour transitions (125 ms) are over


def violations(page, axe_source: str) -> list[str]:
    """axe-core's violations on the page as it is now, one line per element."""
    # evaluate(), not a <script> tag: the pages' Content-Security-Policy refuses inline scripts.
    page.evaluate(axe_source)
    found = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']}).then(result =>
        result.violations.flatMap(v => v.nodes.map(n => `${v.id}: ${n.target.join(' ')}`)))""")
    return found


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_no_accessibility_violations_on_any_page(context, server, built, axe_source, width, scheme):
    page = context(viewport=PHONE if width == "phone" else DESKTOP).new_page()
    found = {}
    for path in all_pages(built):
        page.goto(f"{server}/{path}")
        ready(page)
        use_scheme(page, scheme)
        problems = violations(page, axe_source)
        if problems:
            found[path] = problems
    assert found == {}


def open_diagram(page):
    page.locator("details.handbook-diagram > summary").first.click()
    page.wait_for_selector("details.handbook-diagram.is-drawn .mermaid svg", timeout=30_000)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_an_open_diagram_has_no_accessibility_violations(context, server, axe_source, scheme):
    page = context(viewport=PHONE).new_page()
    page.goto(f"{server}/{TRIAGE}")
    ready(page)
    use_scheme(page, scheme)
    open_diagram(page)
    assert violations(page, axe_source) == []


def walk_the_tree(page, tree) -> list[str]:
    """Follow answers from the first question to an outcome (another question whenever there is one)."""
    nodes = tree["nodes"]
    step = tree["start"]
    walked = [step]
    while "outcome" not in nodes[step]:
        answers = nodes[step]["answers"]
        answer = next((a for a in answers if "outcome" not in nodes[a["next"]]), answers[0])
        page.locator(f"a[href$='#step-{answer['next']}']").filter(has_text=answer["answer"]).first.click()
        step = answer["next"]
        walked.append(step)
        assert page.url.endswith(f"#step-{step}")
    sync_api.expect(page.locator(f"[id='step-{step}']")).to_be_in_viewport()
    return walked


def test_tree_steps_work_before_the_diagram_code_arrives(context, server, plan):
    """A tree page loads no Mermaid; its steps work while Mermaid is held back; opening the diagram
    loads it and draws the tree."""
    ctx = context(viewport=PHONE)
    held = []
    ctx.route("**/mermaid.min.js", lambda route: held.append(route))
    page = ctx.new_page()
    page.goto(f"{server}/{TRIAGE}")
    page.wait_for_load_state("networkidle")
    assert not [url for url in ctx.requests if "mermaid" in url]
    assert len(walk_the_tree(page, plan.trees["is-this-a-crisis"])) > 2

    page.locator("details.handbook-diagram > summary").click()
    page.wait_for_function("() => document.querySelector('details.handbook-diagram').dataset.state === 'drawing'")
    sync_api.expect(page.locator(".handbook-diagram__status")).to_be_visible()  # "Loading the diagram…"
    deadline = 50
    while not held and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    assert held, "opening the diagram did not ask for Mermaid"
    walk_the_tree(page, plan.trees["is-this-a-crisis"])  # still usable while Mermaid is on its way
    held[0].continue_()
    page.wait_for_selector("details.handbook-diagram.is-drawn .mermaid svg", timeout=30_000)
    assert page.locator(".handbook-diagram__status").is_hidden()
    assert ctx.requests.foreign(server) == []


@pytest.mark.parametrize("device", ["light", "dark"])
def test_a_page_is_in_the_devices_colours_before_material_starts(context, server, device):
    """Material picks the colour scheme of the reader's device when it starts, now after the first
    paint: the theme's script has picked the same one before (no flash of the other scheme)."""
    ctx = context(viewport=PHONE, color_scheme=device)
    held = []
    ctx.route("**/assets/javascripts/bundle.*.min.js", lambda route: held.append(route))
    page = ctx.new_page()
    page.goto(f"{server}/index.html")
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[device]
    assert not page.evaluate("document.documentElement.classList.contains('js')")  # Material has not started
    for route in held:
        route.continue_()
    ready(page)
    assert page.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[device]


def test_without_javascript_the_diagram_says_the_steps_are_the_tree(context, server):
    page = context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(f"{server}/{TRIAGE}")
    page.locator("details.handbook-diagram > summary").click()
    status = page.locator(".handbook-diagram__status")
    sync_api.expect(status).to_be_visible()
    assert "steps above" in status.inner_text()
    assert page.locator(".mermaid").is_hidden()  # its source is not shown as text


def test_a_wide_tree_scrolls_inside_its_box_on_a_phone(context, server, built):
    page = context(viewport=PHONE).new_page()
    widest = None
    for path in sorted(p.relative_to(built).as_posix() for p in built.glob("trees/*.html")):
        if "handbook-diagram" not in (built / path).read_text(encoding="utf-8"):
            continue
        page.goto(f"{server}/{path}")
        open_diagram(page)
        svg_width = page.locator(".handbook-diagram svg").first.bounding_box()["width"]
        box = page.locator(".handbook-diagram__scroll").first
        box_width = box.evaluate("box => box.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        if svg_width > box_width:
            widest = path
            # readable size, scrolled sideways inside the box; the keyboard reaches and scrolls it
            assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
            box.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("box => box.scrollLeft > 0", arg=box.element_handle())
    assert widest, "no tree is wider than a phone: the test would prove nothing"


def test_the_diagram_draws_from_disk(context, built):
    ctx = context(viewport=PHONE)
    page = ctx.new_page()
    page.goto((built / TRIAGE).as_uri())
    open_diagram(page)
    assert ctx.requests.foreign("file://") == []


def test_the_search_index_is_fetched_only_for_a_search(context, server, plan):
    ctx = context(viewport=PHONE)
    page = ctx.new_page()
    page.goto(f"{server}/index.html")
    page.wait_for_load_state("networkidle")
    assert not [url for url in ctx.requests if "search_index" in url]
    page.locator("header label[for='__search']").first.click()  # the search button in a phone's header
    page.wait_for_function("() => !document.querySelector('.md-search-result__meta')"
                           ".textContent.includes('Initializing')", timeout=20_000)
    assert [url for url in ctx.requests if url.endswith("search/search_index.json")]
    person = plan["contacts"]["people"][0]["name"]
    page.locator("input.md-search__input").press_sequentially(person, delay=20)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)


def tab_to(page, selector: str, presses: int = 400):
    """Press Tab until the focused element matches `selector`; its handle."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return page.evaluate_handle("document.activeElement")
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_reaches_and_operates_answers_and_checklists(context, server, plan):
    page = context(viewport=DESKTOP).new_page()
    page.goto(f"{server}/{TRIAGE}")
    answer = tab_to(page, ".md-typeset a.md-button[href*='#step-']:not(.md-button--primary)")
    target = answer.get_attribute("href").split("#")[1]
    assert answer.evaluate("a => getComputedStyle(a).outlineStyle") != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.url.endswith(f"#{target}")
    summary = tab_to(page, "details.handbook-diagram > summary")
    assert summary.evaluate("s => getComputedStyle(s).outlineStyle") != "none"

    playbook = next(iter(plan.playbooks))
    page.goto(f"{server}/playbooks/{playbook}.html")
    box = tab_to(page, ".task-list-item input[type=checkbox]")
    assert box.get_attribute("aria-label")  # named by its item
    item = box.evaluate_handle("box => box.closest('.task-list-item')")
    assert item.evaluate("li => getComputedStyle(li).outlineStyle") != "none"  # focus is visible
    page.keyboard.press("Space")
    assert box.evaluate("box => box.checked")
    size = box.bounding_box()
    assert size["width"] >= 24 and size["height"] >= 24  # a target a thumb can hit


# Material's stylesheet alone was 137 KB, with 12 KB of palettes and a blocking
# script in <head>: 159 KB before a word could be drawn. Trimmed to the rules
# the site can use (crisisplan/first_paint.py) it is under 110 KB in all.
RENDER_BLOCKING_BUDGET = 120 * 1024


@pytest.mark.parametrize("path", ["index.html", TRIAGE, "playbooks/*.html"])
def test_the_first_paint_waits_for_no_script_and_little_css(context, server, built, path):
    if "*" in path:
        path = sorted(p.relative_to(built).as_posix() for p in built.glob(path))[0]
    ctx = context(viewport=PHONE)
    # When Material's bundle starts: the first thing it does is to mark <html> with "js".
    # (The init script runs before <html> exists: it watches the whole document.)
    ctx.add_init_script("""new MutationObserver((changes, observer) => {
        if (document.documentElement && document.documentElement.classList.contains('js')) {
            window.materialStarted = performance.now();
            observer.disconnect();
        }
    }).observe(document, {attributes: true, subtree: true, attributeFilter: ['class']});""")
    page = ctx.new_page()
    page.goto(f"{server}/{path}")
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.materialStarted !== undefined")
    # Material's script runs after the page's text has been drawn, and no earlier than two frames after it.
    painted = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    assert page.evaluate("window.materialStarted") > painted
    # It was fetched with the page all the same, not after the paint.
    bundle = page.evaluate("""performance.getEntriesByType('resource')
        .filter(entry => /assets\\/javascripts\\/bundle\\.[0-9a-f]+\\.min\\.js$/.test(entry.name))
        .map(entry => ({start: entry.startTime, initiator: entry.initiatorType}))""")
    assert [entry["initiator"] for entry in bundle] == ["link"], bundle
    blocking = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(entry => entry.renderBlockingStatus === 'blocking')
        .map(entry => ({url: entry.name, type: entry.initiatorType, bytes: entry.decodedBodySize}))""")
    assert [entry["url"] for entry in blocking if entry["type"] == "script"] == []
    assert [entry["url"] for entry in blocking if entry["type"] == "link"], "no stylesheet? the page is unstyled"
    assert sum(entry["bytes"] for entry in blocking) <= RENDER_BLOCKING_BUDGET, blocking
    # Started after the paint, Material's script still mounted its components (on the DOMContentLoaded
    # event the theme's script gives it): a copy button on each block to copy (the playbook's holding
    # statements).
    assert page.evaluate("document.documentElement.classList.contains('js')")
    blocks = page.locator(".md-typeset pre > code").count()
    sync_api.expect(page.locator(".md-typeset pre .md-code__button, .md-typeset pre .md-clipboard")).to_have_count(
        blocks)
