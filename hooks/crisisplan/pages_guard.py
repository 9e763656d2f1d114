"""`crisisplan pages-guard`: never publish an internal or partner handbook to a public site.

On most GitHub plans a Pages site is public even when its repository is
private; only GitHub Enterprise Cloud can make it private (visible to those
who may read the repository). Before mike pushes the handbook, the publish
workflow asks GitHub how the site is served:

    GET /repos/{owner}/{repo}/pages   ->  {"public": false, ...}  (Enterprise Cloud, private site)
                                          {"public": true, ...}   a public site
                                          (no "public" field)     a plan without private Pages: public
                                          404                      no Pages site yet

and refuses, with what to do instead, whenever a handbook for the internal
or the partner audience would be readable by anyone. The public audience may
go anywhere. Whatever cannot be established (no token, an API error, an
answer without the field) counts as public: the guard fails closed.
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable

from .audience import LABELS, PUBLIC, check

API = "https://api.github.com"
TOKEN_ENV = "GITHUB_TOKEN"
_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")

# fetch(url, headers) -> (HTTP status, body); injected by tests.
Fetch = Callable[[str, dict], tuple[int, bytes]]


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str


def urllib_fetch(url: str, headers: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read() or b""


def _fixes(audience: str, repo: str) -> str:
    return (f"To publish the {LABELS[audience].lower()} handbook, make the site private (Settings > Pages > "
            f"Visibility: Private, on GitHub Enterprise Cloud), publish it to another host that asks who is "
            f"reading (an intranet server, a static host behind single sign-on), or publish the public "
            f"audience to {repo} instead (crisisplan publish --audience public). "
            f"See \"Where staff read the handbook\" in the README.")


def check_pages(repo: str, audience: str, fetch: Fetch | None = None, token: str | None = None,
                api: str = API) -> Verdict:
    """Whether a handbook for `audience` may be published to the GitHub Pages site of `repo`."""
    audience = check(audience)
    if not _REPO.match(repo or ""):
        return Verdict(False, f"'{repo}' is not a repository: name it as owner/name")
    if audience == PUBLIC:
        return Verdict(True, f"The public handbook may be published to {repo}'s Pages site, whoever can read it.")
    fetch = fetch or urllib_fetch
    token = token if token is not None else os.environ.get(TOKEN_ENV, "")
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
               "User-Agent": "crisisplan-pages-guard"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    what = f"the {LABELS[audience].lower()} handbook (audience: {audience})"
    try:
        status, body = fetch(f"{api}/repos/{repo}/pages", headers)
    except OSError as exc:
        return Verdict(False, f"Refusing to publish {what}: GitHub could not be asked whether {repo}'s Pages "
                              f"site is public ({exc}). " + _fixes(audience, repo))
    if status == 404:
        return Verdict(False, f"Refusing to publish {what}: {repo} has no Pages site yet (or the token may not "
                              f"read it), and a new site is public unless it is created private. Create it "
                              f"with private visibility first (Settings > Pages), then publish again. "
                              + _fixes(audience, repo))
    if status in (401, 403):
        return Verdict(False, f"Refusing to publish {what}: GitHub refused to say whether {repo}'s Pages site is "
                              f"public (HTTP {status}); give the workflow a token that may read the repository's "
                              f"Pages settings (permissions: pages: read) in {TOKEN_ENV}.")
    if status != 200:
        return Verdict(False, f"Refusing to publish {what}: GitHub answered HTTP {status} when asked whether "
                              f"{repo}'s Pages site is public. " + _fixes(audience, repo))
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        return Verdict(False, f"Refusing to publish {what}: GitHub's answer about {repo}'s Pages site could not "
                              f"be read. " + _fixes(audience, repo))
    url = answer.get("html_url") or f"{repo}'s Pages site"
    if answer.get("public") is False:
        return Verdict(True, f"{url} is private: only people who may read {repo} can open it, so {what} may be "
                             f"published there.")
    why = ("is public: anyone on the internet can read it" if answer.get("public") is True else
           "is public: this GitHub plan has no private Pages sites, so anyone on the internet can read it")
    return Verdict(False, f"Refusing to publish {what}: {url} {why}. " + _fixes(audience, repo))


def main_pages_guard(repo: str, audience: str, fetch: Fetch | None = None) -> int:
    import sys

    verdict = check_pages(repo, audience, fetch)
    print(verdict.message, file=sys.stdout if verdict.ok else sys.stderr)
    return 0 if verdict.ok else 1


