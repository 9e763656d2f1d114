"""Debian's chromium through Playwright, for every browser test: the `browser`
and `context` fixtures (a pytest plugin, registered in conftest.py, so that
all test files share one browser) and helpers. Playwright never downloads a
browser of its own: it drives /usr/bin/chromium through executable_path.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from crisisplan import check_plan

from conftest import FULL_PLAN, ROOT, TODAY
from handbook_build import full_site

# Debian's chromium (`make browser` installs it); on a GitHub runner the
# workflow links `chromium` to the runner's Chrome.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags chromium tries to reach Google's
# hosts at start; this machine's network refuses them.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ROOT / "tests" / ".output" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Material renders each diagram into a closed shadow root; opening them lets
# the test see the SVG (what is drawn is the same).
OPEN_SHADOW_ROOTS = """
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attachShadow.call(this, {...init, mode: "open"}); };
"""

try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - the test extra brings it
    sync_api = None


def require_chromium() -> None:
    """Skip (fail in CI) when the browser tests cannot run here."""
    if sync_api is None:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):  # in CI a missing browser is a failure, never a quiet skip
            raise RuntimeError(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """`folder` served on a free local port: yields its URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=folder))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Requests(list):
    """Every URL the pages of one context asked for."""

    def foreign(self, *allowed_prefixes: str) -> list[str]:
        local = allowed_prefixes + ("data:", "blob:")
        return [url for url in self if not url.startswith(local)]


@pytest.fixture
def context(browser):
    contexts = []

    def make(**options):
        ctx = browser.new_context(**options)
        ctx.add_init_script(OPEN_SHADOW_ROOTS)
        ctx.requests = Requests()
        ctx.on("request", lambda request: ctx.requests.append(request.url))
        ctx.failures = []  # requests answered with an error, or not at all
        ctx.on("response", lambda response: response.status >= 400 and ctx.failures.append(
            f"{response.status} {response.url}"))
        # (ERR_ABORTED: the test went on to the next page before this one had finished)
        ctx.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED" and ctx.failures.append(
            f"{request.failure} {request.url}"))
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


# The full-plan fixture's site, served, and its plan: one build for every browser test file.
@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    return full_site(tmp_path_factory)


@pytest.fixture(scope="session")
def server(built):
    with serve(built) as url:
        yield url


@pytest.fixture(scope="session")
def plan():
    return check_plan(FULL_PLAN, today=TODAY).plan


def ready(page) -> None:
    """Wait until Material's script has started (after the first paint, see handbook.js) and the
    theme's script has named what Material added."""
    page.wait_for_selector("html[data-handbook-ready]", state="attached")


def search(page, words: str):
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # A query typed before the index is loaded is dropped: wait for it.
    sync_api.expect(page.locator(".md-search-result__meta")).not_to_have_text("Initializing search",
                                                                               timeout=20_000)
    page.locator("input.md-search__input").press_sequentially(words, delay=20)  # as a person types
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    return page.locator(".md-search-result__item")


def shoot(page, name: str, full_page: bool = True):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)
