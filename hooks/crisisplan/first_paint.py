"""What lets a handbook page show its text sooner on a slow phone.

A page cannot be drawn before its stylesheets have arrived, and on a slow
connection Material's stylesheet (137 KB, sent uncompressed by a plain file
server such as `python3 -m http.server`) is most of what a page waits for.
Four changes, made to the built pages and site and kept apart from MkDocs:

- **Scripts are deferred** (`deferred_scripts`, for every page): each
  `<script src>` gets `defer`, so that no script holds back the first paint
  and none is fetched ahead of the stylesheets. Deferred scripts still run in
  the order of the page, once it has been read and before DOMContentLoaded;
  the pages have no inline script that comes after a script file (their
  Content-Security-Policy would refuse an unknown one), so nothing runs in
  another order than before.
- **Material's script runs after the first paint** (`material_after_paint`,
  for every page that loads the theme's own script, javascripts/handbook.js):
  Material's bundle becomes `<link rel="preload" as="script">` in the same
  place, so that it is still fetched with the page, and handbook.js runs it
  once the page has been drawn, then tells it that the page is ready (a
  DOMContentLoaded event of its own, the event Material starts on). On a
  phone, Material's start-up is half a second of work that no longer holds
  back the page's text; what a reader needs first (the text, links, the
  tree's steps, checklists) never needed it.
- **Pages lose their indentation** (`collapsed_white_space`, in real builds
  only): the lines of Material's templates are indented for their authors,
  which is a quarter to a third of a page's bytes (a large plan's navigation
  most of all). Where a browser shows any run of white space as one space,
  a line break and the spaces after it become a line break; `<pre>`,
  `<textarea>`, `<code>` and `<kbd>` (which Material's stylesheet shows as
  written), scripts, styles and a diagram's source are left as they are.
- **Material's stylesheets lose the rules no page can use**
  (`trim_stylesheets`, once the whole site is built): a rule is kept when
  each class and attribute value its selector names is named somewhere in
  the site's pages or scripts (Material's bundle names every class it adds to
  a page), and dropped otherwise (other components' classes, the palettes of
  colours the handbook does not use). Custom properties, fonts, keyframes and
  selectors of elements are kept as they are. The trimmed files get a name of
  their own content's hash, and the pages are pointed at them, so that a
  browser never mixes a cached file with another build's.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

# Material's stylesheets, as mkdocs-material names them: assets/stylesheets/main.<hash>.min.css, palette.<hash>.min.css
MATERIAL_STYLESHEETS = re.compile(r"^(main|palette)\.([0-9a-f]{8})\.min\.css$")
STYLESHEET_FOLDER = "assets/stylesheets"

_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# Material's bundle, as its base.html loads it: assets/javascripts/bundle.<hash>.min.js
_MATERIAL_BUNDLE = re.compile(
    r'<script\b[^>]*?\bsrc="([^"]*assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js)"[^>]*>\s*</script>')
# The theme's own script, which starts Material's (theme/javascripts/handbook.js).
STARTER = re.compile(r'<script\b[^>]*\bsrc="[^"]*javascripts/handbook\.js"')
START_ATTRIBUTE = "data-handbook-start"
_WORD = re.compile(r"[\w-]+")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ATTRIBUTE_VALUE = re.compile(r"\[[\w-]+[~|^$*]?=[\"']?([^\"'\]\s]+)")
# Functional pseudo-classes whose arguments do not have to match for the selector to apply.
_PSEUDO_ARGUMENTS = re.compile(r":(?:not|is|where|has)\((?:[^()]|\([^()]*\))*\)")
# At-rules holding rules (trimmed inside); any other at-rule block is kept whole.
_GROUPING_AT_RULES = ("@media", "@supports", "@layer", "@container", "@document")


def deferred_scripts(html: str) -> str:
    """`html` with `defer` on every script loaded from a file that is not
    already async, deferred or a module (modules are deferred anyway)."""
    def defer(match: re.Match) -> str:
        attributes = match.group(1)
        if not re.search(r"\bsrc\s*=", attributes) or re.search(r"\b(defer|async)\b|type\s*=\s*[\"']?module",
                                                               attributes, re.IGNORECASE):
            return match.group(0)
        return f"<script defer{attributes}>"

    return _SCRIPT_TAG.sub(defer, html)


def material_after_paint(html: str) -> str:
    """`html` with Material's bundle fetched but not run (see the module's words): run by the
    theme's script after the first paint. A page without that script is left as it is."""
    if not STARTER.search(html):
        return html
    return _MATERIAL_BUNDLE.sub(
        lambda match: f'<link rel="preload" as="script" href="{match.group(1)}" {START_ATTRIBUTE}>', html, count=1)


# Elements whose white space counts: shown as written by the browser (pre, textarea) or by
# Material's stylesheet (code, kbd), code (script, style), a diagram's source (read as text).
_KEPT_AS_WRITTEN = re.compile(
    r"<(pre|textarea|code|kbd|script|style)\b.*?</\1\s*>|<div class=\"mermaid\"[^>]*>.*?</div>",
    re.DOTALL | re.IGNORECASE)
_LINE_BREAK_AND_INDENTATION = re.compile(r"[ \t]*\n\s*")


def collapsed_white_space(html: str) -> str:
    """`html` with each line break and the white space around it made one line break, except
    inside the elements whose white space counts (see the module's words)."""
    out, last = [], 0
    for kept in _KEPT_AS_WRITTEN.finditer(html):
        out.append(_LINE_BREAK_AND_INDENTATION.sub("\n", html[last:kept.start()]))
        out.append(kept.group(0))
        last = kept.end()
    out.append(_LINE_BREAK_AND_INDENTATION.sub("\n", html[last:]))
    return "".join(out)


# --- trimming stylesheets -------------------------------------------------------------------


@lru_cache(maxsize=256)  # Material's stylesheets and their @media blocks, read again on every rebuild
def _blocks(css: str) -> tuple[tuple[str, str | None], ...]:
    """The top-level items of a stylesheet: (prelude, body) for a block, (statement, None) for an at-rule
    ending in a semicolon. Strings and comments are skipped over; comments are left out."""
    items: list[tuple[str, str | None]] = []
    start, depth, prelude_end, quote, i, n = 0, 0, 0, None, 0, len(css)
    while i < n:
        char = css[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif css.startswith("/*", i):
            end = css.find("*/", i + 2)
            if depth == 0:  # a comment between rules: leave it out
                css = css[:i] + " " * ((end + 2 if end >= 0 else n) - i) + css[(end + 2 if end >= 0 else n):]
            i = end + 2 if end >= 0 else n
            continue
        elif char == "{":
            if depth == 0:
                prelude_end = i
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                items.append((css[start:prelude_end].strip(), css[prelude_end + 1:i]))
                start = i + 1
        elif char == ";" and depth == 0:
            items.append((css[start:i].strip(), None))
            start = i + 1
        i += 1
    rest = css[start:].strip()
    if rest:
        items.append((rest, None))
    return tuple(items)


@lru_cache(maxsize=4096)
def _selectors(prelude: str) -> tuple[str, ...]:
    """A selector list split at its top-level commas."""
    parts, depth, current, quote = [], 0, [], None
    for char in prelude:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return tuple(parts)


def _can_match(selector: str, names: set[str]) -> bool:
    return _required(selector) <= names


@lru_cache(maxsize=8192)
def _required(selector: str) -> frozenset[str]:
    """The class names and attribute values a page must carry for `selector` to apply."""
    required = _PSEUDO_ARGUMENTS.sub("", selector)
    # An attribute value that is not one word ([href^="#"]) could be any part of a page: not required.
    return frozenset(_CLASS.findall(required)) | frozenset(
        value for value in _ATTRIBUTE_VALUE.findall(required) if _WORD.fullmatch(value))


def trim_css(css: str, names: set[str]) -> str:
    """`css` without the selectors that name a class or attribute value missing from `names`,
    and without the rules left with no selector."""
    kept = []
    for prelude, body in _blocks(css):
        if body is None:
            kept.append(prelude + ";")
        elif prelude.startswith(_GROUPING_AT_RULES):
            inner = trim_css(body, names)
            if inner:
                kept.append(prelude + "{" + inner + "}")
        elif prelude.startswith("@"):  # @font-face, @keyframes, @page, @property: kept whole
            kept.append(prelude + "{" + body + "}")
        else:
            selectors = [s for s in _selectors(prelude) if _can_match(s, names)]
            if selectors:
                kept.append(",".join(selectors) + "{" + body + "}")
    return "".join(kept)


_ATTRIBUTE_OR_SCRIPT = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')|<script\b[^>]*>(.*?)</script>""",
                                  re.DOTALL | re.IGNORECASE)


def _markup(text: str, suffix: str) -> str:
    """The part of a page or script that can name a class or an attribute value: a script
    whole, a page's attribute values and inline scripts."""
    if suffix != ".html":
        return text
    return " ".join("".join(parts) for parts in _ATTRIBUTE_OR_SCRIPT.findall(text))


# The words of each file of the last build, by a digest of its bytes: under `mkdocs serve`
# a rebuild writes the same scripts (Mermaid's alone is 3.5 MB) and mostly the same pages again.
_words_of: dict[bytes, frozenset[str]] = {}


def site_names(site_dir: Path) -> set[str]:
    """The class names and attribute values a page of the site can carry, whether written in
    it or added by a script: the words of the pages' attribute values and inline scripts, and
    every word of the script files. (A page's text is not markup, and the search index is
    text: both left out.)"""
    names: set[str] = set()
    seen: dict[bytes, frozenset[str]] = {}
    for path in site_dir.rglob("*"):
        if path.suffix in (".html", ".js") and path.is_file() and not path.name.startswith("search_index"):
            raw = path.read_bytes()
            key = hashlib.blake2b(raw, digest_size=16).digest()
            words = seen.get(key) or _words_of.get(key)
            if words is None:
                words = frozenset(_WORD.findall(_markup(raw.decode("utf-8", errors="replace"), path.suffix)))
            seen[key] = words
            names.update(words)
    _words_of.clear()
    _words_of.update(seen)  # only this build's files: the memory does not grow with the edits
    return names


def trim_stylesheets(site_dir: str | Path) -> dict[str, tuple[int, int]]:
    """Trim Material's stylesheets in a built site (see the module's words) and point every
    page at the trimmed files. Returns {new file name: (bytes before, bytes after)}."""
    site_dir = Path(site_dir)
    folder = site_dir / STYLESHEET_FOLDER
    sheets = [p for p in sorted(folder.glob("*.css")) if MATERIAL_STYLESHEETS.match(p.name)] if folder.is_dir() else []
    if not sheets:
        return {}
    names = site_names(site_dir)
    renamed: dict[str, str] = {}
    sizes: dict[str, tuple[int, int]] = {}
    for sheet in sheets:
        original = sheet.read_text(encoding="utf-8")
        trimmed = trim_css(original, names)
        kind = MATERIAL_STYLESHEETS.match(sheet.name).group(1)
        name = f"{kind}.{hashlib.sha256(trimmed.encode('utf-8')).hexdigest()[:8]}.min.css"
        (folder / name).write_text(trimmed, encoding="utf-8")
        if name != sheet.name:
            sheet.unlink()
            renamed[sheet.name] = name
        stale_map = sheet.with_name(sheet.name + ".map")
        if stale_map.exists():  # describes the untrimmed file
            stale_map.unlink()
        sizes[name] = (len(original.encode("utf-8")), len(trimmed.encode("utf-8")))
    if renamed:
        pattern = re.compile("|".join(re.escape(f"{STYLESHEET_FOLDER}/{old}") for old in renamed))
        for page in site_dir.rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            updated = pattern.sub(lambda m: m.group(0).rsplit("/", 1)[0] + "/" + renamed[m.group(0).rsplit("/", 1)[1]],
                                  html)
            if updated != html:
                page.write_text(updated, encoding="utf-8")
    return sizes
