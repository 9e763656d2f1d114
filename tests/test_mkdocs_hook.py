"""crisisplan.mkdocs_hook on a loaded MkDocs configuration: the theme search
path and the defaults it supplies, without building a site."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
from mkdocs.config import load_config  # noqa: E402

from crisisplan import mkdocs_hook, site  # noqa: E402

from conftest import ROOT  # noqa: E402


def config_of(folder: Path, text: str):
    (folder / "docs").mkdir(exist_ok=True)
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
    return load_config(str(folder / "mkdocs.yml"))


def test_the_packaged_theme_comes_right_after_custom_dir_then_material(tmp_path):
    (tmp_path / "theme").mkdir()
    config = config_of(tmp_path, "site_name: x\ntheme:\n  name: material\n  custom_dir: theme\n")
    material = list(config.theme.dirs[1:])
    mkdocs_hook._use_packaged_theme(config, site.theme_dirs(config.theme.custom_dir))
    assert config.theme.dirs == [str(tmp_path / "theme"), str(site.packaged_theme()), *material]

    without = config_of(tmp_path, "site_name: x\ntheme:\n  name: material\n")
    mkdocs_hook._use_packaged_theme(without, site.theme_dirs(without.theme.custom_dir))
    assert without.theme.dirs[0] == str(site.packaged_theme())


def test_this_repository_has_its_theme_once(tmp_path):
    config = load_config(str(ROOT / "mkdocs.yml"))
    before = list(config.theme.dirs)
    mkdocs_hook._use_packaged_theme(config, site.theme_dirs(config.theme.custom_dir))
    assert config.theme.dirs == before
    assert [Path(d).resolve() for d in config.theme.dirs].count(site.packaged_theme()) == 1


def test_defaults_fill_what_mkdocs_yml_leaves_out(tmp_path):
    config = config_of(tmp_path, "site_name: x\ntheme:\n  name: material\n")
    mkdocs_hook._supply_defaults(config)
    assert config.extra_css == [site.STYLESHEET]
    for name in mkdocs_hook.MARKDOWN_EXTENSIONS:
        assert name in config.markdown_extensions
    assert config.mdx_configs["toc"]["permalink"] is True
    assert [f["name"] for f in config.mdx_configs["pymdownx.superfences"]["custom_fences"]] == ["mermaid"]
    assert config.theme["features"] == mkdocs_hook.FEATURES
    assert [p["primary"] for p in config.theme["palette"]] == ["custom", "custom"]
    assert config.theme["font"] is False


def test_what_mkdocs_yml_sets_wins(tmp_path):
    config = config_of(tmp_path, """site_name: x
theme:
  name: material
  features: [navigation.tabs]
  palette: {primary: teal}
  font: {text: Inter}
extra_css: [assets/ours.css, assets/handbook.css]
markdown_extensions:
  - toc:
      permalink: false
  - pymdownx.superfences:
      custom_fences:
        - name: math
          class: math
""")
    mkdocs_hook._supply_defaults(config)
    mkdocs_hook._supply_defaults(config)  # twice changes nothing more
    assert config.extra_css == ["assets/ours.css", "assets/handbook.css"]
    assert config.mdx_configs["toc"]["permalink"] is False
    assert [f["name"] for f in config.mdx_configs["pymdownx.superfences"]["custom_fences"]] == ["math", "mermaid"]
    assert config.theme["features"] == ["navigation.tabs"]
    assert config.theme["palette"] == {"primary": "teal"}
    assert config.theme["font"] == {"text": "Inter"}
