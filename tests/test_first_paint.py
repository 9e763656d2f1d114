"""Pages show their text sooner: scripts deferred, Material's stylesheets trimmed to what the site can use
(crisisplan/first_paint.py). The first paint of a built page in a browser is checked in test_phone.py."""
from __future__ import annotations

import re
from pathlib import Path

from crisisplan import first_paint, site


def test_scripts_from_files_are_deferred_in_order_and_inline_ones_left_alone():
    html = ('<head><script src="a.js"></script><script>var x=1</script>'
            '<script id="__config" type="application/json">{}</script></head>'
            '<body><script src="b.js" data-x="1"></script><script async src="c.js"></script>'
            '<script type="module" src="d.js"></script><script defer src="e.js"></script></body>')
    done = first_paint.deferred_scripts(html)
    assert re.findall(r"<script[^>]*>", done) == [
        '<script defer src="a.js">', "<script>", '<script id="__config" type="application/json">',
        '<script defer src="b.js" data-x="1">', '<script async src="c.js">', '<script type="module" src="d.js">',
        '<script defer src="e.js">']


def test_a_published_page_has_deferred_scripts_and_its_policy():
    page = site.finished_page('<html><head><script src="x.js"></script></head></html>')
    assert '<script defer src="x.js">' in page
    assert 'http-equiv="Content-Security-Policy"' in page


BUNDLE = '<script defer src="../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
STARTER = '<script defer src="../javascripts/handbook.js" data-words="{}"></script>'


def test_materials_bundle_is_fetched_but_left_for_the_theme_script_to_run():
    page = first_paint.material_after_paint(f"<body>{STARTER}{BUNDLE}</body>")
    assert page == (f'<body>{STARTER}<link rel="preload" as="script" '
                    'href="../assets/javascripts/bundle.a5f9d56c.min.js" data-handbook-start></body>')


def test_without_the_theme_script_materials_bundle_is_left_to_run_as_before():
    # (an organisation's main.html that leaves out handbook.js: nothing else would run Material)
    page = f'<body><script defer src="../javascripts/other.js"></script>{BUNDLE}</body>'
    assert first_paint.material_after_paint(page) == page


def test_a_published_page_runs_material_after_the_first_paint():
    page = site.finished_page(f"<html><head></head><body>{STARTER}{BUNDLE}</body></html>")
    assert "data-handbook-start" in page and "<script defer src=\"../assets/javascripts/bundle" not in page


CSS = ('@charset "utf-8";:root{--md-x:1}/* a comment */.md-used,.md-unused{color:red}.md-unused .md-used{color:blue}'
       '.md-used:not(.md-unused){margin:0}[data-md-color-primary=pink]{--c:pink}'
       '[data-md-color-primary=custom]{--c:red}a[href^="#"]{x:y}'
       '@media screen and (min-width:60em){.md-unused{a:b}.md-used>p{a:b}}@media print{.md-unused{a:b}}'
       '@keyframes spin{0%{opacity:0}to{opacity:1}}@font-face{font-family:x;src:url("a b.woff")}'
       '.md-typeset .admonition{a:b}.md-typeset code,.md-typeset kbd.md-key{a:b}.x[data-a="a}b"]{a:b}')


def test_rules_of_classes_nothing_names_are_dropped_and_the_rest_kept_as_written():
    names = {"md-used", "md-typeset", "custom", "admonition"}
    trimmed = first_paint.trim_css(CSS, names)
    assert trimmed == (
        '@charset "utf-8";:root{--md-x:1}.md-used{color:red}.md-used:not(.md-unused){margin:0}'
        '[data-md-color-primary=custom]{--c:red}a[href^="#"]{x:y}'
        '@media screen and (min-width:60em){.md-used>p{a:b}}'
        '@keyframes spin{0%{opacity:0}to{opacity:1}}@font-face{font-family:x;src:url("a b.woff")}'
        '.md-typeset .admonition{a:b}.md-typeset code{a:b}')


def test_trimming_twice_changes_nothing():
    names = {"md-used", "md-typeset", "custom"}
    once = first_paint.trim_css(CSS, names)
    assert first_paint.trim_css(once, names) == once


def _site(tmp_path: Path) -> Path:
    sheets = tmp_path / "assets" / "stylesheets"
    sheets.mkdir(parents=True)
    (sheets / "main.0123abcd.min.css").write_text(".md-page{a:b}.md-added{a:b}.md-nowhere{a:b}", encoding="utf-8")
    (sheets / "main.0123abcd.min.css.map").write_text("{}", encoding="utf-8")
    (sheets / "palette.89abcdef.min.css").write_text("[data-md-color-primary=teal]{a:b}", encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="assets/stylesheets/main.0123abcd.min.css">'
        '<link rel="stylesheet" href="assets/stylesheets/palette.89abcdef.min.css"><div class="md-page"></div>',
        encoding="utf-8")
    (tmp_path / "trees").mkdir()
    (tmp_path / "trees" / "a.html").write_text(
        '<link rel="stylesheet" href="../assets/stylesheets/main.0123abcd.min.css">', encoding="utf-8")
    (tmp_path / "assets" / "bundle.js").write_text('e.classList.add("md-added")', encoding="utf-8")
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.js").write_text('var x = "md-nowhere"', encoding="utf-8")
    return tmp_path


def test_a_built_site_keeps_what_its_pages_and_scripts_name_under_new_names(tmp_path):
    built = _site(tmp_path)
    sizes = first_paint.trim_stylesheets(built)
    sheets = sorted(p.name for p in (built / "assets" / "stylesheets").iterdir())
    assert len(sheets) == 2 and set(sizes) == set(sheets)  # the old files and the stale map are gone
    main = next(name for name in sheets if name.startswith("main."))
    palette = next(name for name in sheets if name.startswith("palette."))
    assert re.fullmatch(r"main\.[0-9a-f]{8}\.min\.css", main) and main != "main.0123abcd.min.css"
    assert (built / "assets/stylesheets" / main).read_text() == ".md-page{a:b}.md-added{a:b}"
    assert (built / "assets/stylesheets" / palette).read_text() == ""
    assert f'href="assets/stylesheets/{main}"' in (built / "index.html").read_text()
    assert f'href="assets/stylesheets/{palette}"' in (built / "index.html").read_text()
    assert f'href="../assets/stylesheets/{main}"' in (built / "trees" / "a.html").read_text()


def test_a_site_without_materials_stylesheets_is_left_alone(tmp_path):
    (tmp_path / "index.html").write_text("<p>x</p>", encoding="utf-8")
    assert first_paint.trim_stylesheets(tmp_path) == {}
    assert (tmp_path / "index.html").read_text() == "<p>x</p>"


def test_a_preview_under_mkdocs_serve_is_not_trimmed(tmp_path, monkeypatch):
    """Trimming saves bytes on a slow connection; a preview on this computer skips it."""
    from types import SimpleNamespace

    from crisisplan import mkdocs_hook

    built = _site(tmp_path)
    before = sorted(p.name for p in (built / "assets" / "stylesheets").iterdir())
    monkeypatch.setattr(mkdocs_hook, "_command", "build")
    mkdocs_hook.on_startup(command="serve", dirty=False)
    mkdocs_hook.on_post_build(SimpleNamespace(site_dir=str(built)))
    assert sorted(p.name for p in (built / "assets" / "stylesheets").iterdir()) == before
    mkdocs_hook.on_startup(command="build", dirty=False)
    mkdocs_hook.on_post_build(SimpleNamespace(site_dir=str(built)))
    assert sorted(p.name for p in (built / "assets" / "stylesheets").iterdir()) != before


PAGE = ('<nav class="md-nav">\n      <ul>\n        <li><a href="a.html">\n          <span>A</span>\n'
        '        </a></li>\n  \n\n      </ul>\n    </nav>\n<p>Run  of\n   text</p>\n'
        '<pre><code>  indented\n    still</code></pre>\n<p>Call <code>+44  20</code> or <kbd>Ctrl  C</kbd>\n   now</p>\n'
        '<div class="mermaid" hidden>flowchart TD\n    a --> b\n</div>\n'
        '<script>\n  var x = "  y";\n</script>\n<textarea>\n  as written\n</textarea>\n')


def test_pages_lose_their_indentation_but_nothing_whose_white_space_counts():
    assert first_paint.collapsed_white_space(PAGE) == (
        '<nav class="md-nav">\n<ul>\n<li><a href="a.html">\n<span>A</span>\n</a></li>\n</ul>\n</nav>\n'
        '<p>Run  of\ntext</p>\n'
        '<pre><code>  indented\n    still</code></pre>\n<p>Call <code>+44  20</code> or <kbd>Ctrl  C</kbd>\nnow</p>\n'
        '<div class="mermaid" hidden>flowchart TD\n    a --> b\n</div>\n'
        '<script>\n  var x = "  y";\n</script>\n<textarea>\n  as written\n</textarea>\n')


def _shown_text(html: str) -> str:
    """The text a browser shows of `html` where white space collapses: each run of it one space."""
    from html.parser import HTMLParser

    parts: list[str] = []
    parser = HTMLParser()
    parser.handle_data = parts.append
    parser.feed(html)
    return " ".join("".join(parts).split())


def test_a_page_shows_the_same_text_without_its_indentation():
    text = "Call the duty officer  first,\n\t\tthen   the\n   harbour master.\n\n\n  Then wait."
    html = f"<main>\n    <p>{text}</p>\n  <p>\n      {text}\n  </p>\n</main>" + PAGE
    assert _shown_text(first_paint.collapsed_white_space(html)) == _shown_text(html)


def test_a_preview_keeps_the_indentation_a_build_leaves_out():
    assert "\n      <ul>" in site.finished_page(PAGE, preview=True)
    assert "\n      <ul>" not in site.finished_page(PAGE)
