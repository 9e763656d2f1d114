"""The Traditional Chinese example handbook in Debian's chromium: its interface, its search, its copy buttons.

The example plan in examples/zh-TW/plan/ is built once per session and
served from 127.0.0.1. What the tests saw (the English words left in the
interface, the search results for each term) is written to
tests/.output/i18n/ for a person to read; screenshots land in
tests/.output/screenshots/.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from crisisplan import check_plan

from browsing import DESKTOP, ready, serve, sync_api  # fixtures: browser (one for every browser test file)
from plan_text import plan_strings, without_format_words
from conftest import ROOT, TODAY
from handbook_build import mkdocs_build

pytestmark = pytest.mark.browser

ZH_PLAN = ROOT / "examples" / "zh-TW" / "plan"
OUTPUT = ROOT / "tests" / ".output"
# Names that stay as they are in a Chinese handbook: platforms and formats.
BRAND_NAMES = {"Facebook", "LINE", "Instagram", "Threads", "Google", "YouTube", "PTT", "Dcard", "vCard", "YAML"}
# Terms a person would type, each from the plan, with the page that must be among the results.
SEARCHES = [
    ("張雅婷", "contacts.html"),                              # a person's name
    ("危機總指揮", "roles.html"),                             # a role
    ("盜用", "playbooks/hijacked-account.html"),
    ("釣魚", "playbooks/hijacked-account.html"),
    ("食安", "playbooks/food-safety-concern.html"),
    ("農藥", "playbooks/food-safety-concern.html"),
    ("客訴", "playbooks/viral-customer-complaint.html"),
    ("爆料公社", "playbooks/viral-customer-complaint.html"),
    ("負評", "trees/may-we-remove-this-comment.html"),
    ("留言", "community-guidelines.html"),
    ("暫停", "channels.html"),
    ("抵制", "playbooks/employee-misconduct.html"),
    ("酸民", "escalation.html"),
    ("衛生局", "contacts.html"),
]

@pytest.fixture(scope="module")
def zh_plan():
    report = check_plan(ZH_PLAN, today=TODAY)
    assert report.ok, report.problems
    return report.plan


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("handbook-zh") / "site"
    result = mkdocs_build(site_dir, plan_dir=ZH_PLAN)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


@pytest.fixture(scope="module")
def server(zh_site):
    with serve(zh_site) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    yield context.new_page()
    context.close()


def report(name: str, data) -> None:
    (OUTPUT / "i18n").mkdir(parents=True, exist_ok=True)
    (OUTPUT / "i18n" / name).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# The text a reader sees: hidden elements are not in innerText; code (field
# names, commands, and the holding statements, which are plan text) is left out.
# What a person sees, and what a screen reader says of the page's content
# (the names the theme's script gives checklist boxes, wide tables and copy bars).
VISIBLE_TEXT = """() => {
  const names = [...document.querySelectorAll(".md-content [aria-label]")].map(e => e.getAttribute("aria-label"));
  for (const code of document.querySelectorAll("code, pre")) code.remove();
  return document.body.innerText + " " + names.join(" ");
}"""


def test_the_chinese_handbook_speaks_chinese_around_the_plans_own_text(page, server, zh_site, zh_plan):
    strings = sorted(plan_strings(zh_plan), key=len, reverse=True)
    plan_words = {w for s in strings for w in re.findall(r"[A-Za-z]{3,}", s)}
    found: dict[str, list[str]] = {}
    paths = sorted(p.relative_to(zh_site).as_posix() for p in zh_site.rglob("*.html")
                   if p.name != "404.html")
    for path in paths:
        page.goto(f"{server}/{path}")
        ready(page)
        if path == paths[0]:
            assert page.locator("html").get_attribute("lang") == "zh-TW"
        text = " ".join(page.evaluate(VISIBLE_TEXT).split())
        if path == "reference.html":
            text = without_format_words(text)
        for string in strings:
            text = text.replace(string, " ")
        words = [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in BRAND_NAMES and w not in plan_words]
        if words:
            found[path] = words
    report("english-words.json", {"pages": len(paths), "count": sum(map(len, found.values())), "words": found})
    assert len(paths) > 20
    assert found == {}


def search(page, words: str):
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # A query typed before the index is loaded is dropped: wait for it (正在初始化搜尋引擎).
    sync_api.expect(page.locator(".md-search-result__meta")).not_to_have_text(
        re.compile("正在初始化|Initializing"), timeout=20_000)
    box = page.locator("input.md-search__input")
    box.press_sequentially(words, delay=20)
    # Chinese is typed through an input method, which commits the characters
    # with a key of its own; Material searches on that key's keyup.
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    return page.locator(".md-search-result__item")


def test_chinese_search_finds_the_right_pages(page, server):
    results = {}
    for term, expected in SEARCHES:
        page.goto(f"{server}/index.html")
        items = search(page, term)
        deadline = time.monotonic() + 10  # results follow the typing: wait for the last character's
        while True:
            hrefs = [re.sub(r"[?#].*$", "", (a.get_attribute("href") or "").removeprefix(f"{server}/"))
                     for a in items.locator("a").all()]
            if expected in hrefs or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        results[term] = {"expected": expected, "found": expected in hrefs, "results": list(dict.fromkeys(hrefs))}
        teaser = page.locator(".md-search-result__item").first.inner_text()
        assert "\u200b" not in teaser, (term, "the search results show jieba's marks")
    report("search.json", results)
    assert [term for term, result in results.items() if not result["found"]] == []
    assert len(results) >= 10


def test_copied_statements_carry_no_zero_width_spaces(browser, server, zh_site, zh_plan):
    for html in zh_site.rglob("*.html"):
        assert "\u200b" not in html.read_text(encoding="utf-8"), html  # only the search index has them
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    playbook = zh_plan.playbooks["hijacked-account"]
    page.goto(f"{server}/index.html")
    # A search first, as staff would: the results show no marks (search-marks.js
    # takes them out), and the highlighted words bring none into the page.
    items = search(page, "盜用")
    assert "\u200b" not in page.locator(".md-search-result").inner_text()
    items.locator("a[href*='hijacked-account']").first.click()
    copy = "button.md-code__button[data-md-type='copy'], button.md-clipboard"  # Material 9.7+, before
    page.wait_for_selector(copy, state="attached")  # Material adds one to every code block
    buttons = page.locator(copy)
    assert buttons.count() >= len(playbook["statements"])
    copied = []
    for i in range(len(playbook["statements"])):
        buttons.nth(i).click()
        copied.append(page.evaluate("navigator.clipboard.readText()"))
    context.close()
    assert all("\u200b" not in text for text in copied)
    assert [" ".join(t.split()) for t in copied] == [" ".join(str(s["text"]).split())
                                                     for s in playbook["statements"]]


def test_chinese_shows_in_a_cjk_font(page, server):
    page.goto(f"{server}/index.html")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.index("Noto Sans CJK TC") > family.index("Arial")  # after the Latin fonts
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK TC\"', '危機')")
    shots = OUTPUT / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / "home-zh-TW.png")  # assets/home-zh-TW.png in README is this one
    page.goto(f"{server}/playbooks/hijacked-account.html")
    page.screenshot(path=shots / "playbook-zh-TW.png")
