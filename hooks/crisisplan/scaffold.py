"""`crisisplan new DIR`: a plan repository that builds its handbook at once.

The repository holds the plan (a copy of a bundled example in the plan's
language where there is one, marked as an example),
a short mkdocs.yml, the one-line hook file, an empty theme/ for overrides,
the GitHub workflows, a pre-commit configuration, editor support and a
README for policy owners. Everything else (the hook's code, the theme, the
schemas, Mermaid) comes from the installed crisisplan. The files are written
from the templates in scaffold_files/ (string.Template: `$name`, and `$$`
for a dollar sign).
"""
from __future__ import annotations

import json
import re
import shutil
from importlib import metadata
from pathlib import Path
from string import Template

import yaml

from . import editor_schema, i18n
from .messages import _
from .schema import bundled_dir

TEMPLATES = Path(__file__).resolve().parent / "scaffold_files"

# Path in the new repository -> its template in scaffold_files/ (None: an empty file).
FILES: dict[str, str | None] = {
    "README.md": "README.md",
    "mkdocs.yml": "mkdocs.yml",
    "hooks/handbook.py": "handbook.py.tmpl",
    "theme/README.md": "theme-README.md",
    "theme/.gitkeep": None,
    "docs/.gitkeep": None,
    ".gitignore": "gitignore",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".github/workflows/pull-request.yml": "pull-request.yml",
    ".github/workflows/publish.yml": "publish.yml",
    ".vscode/extensions.json": "vscode-extensions.json",
}

# The pre-commit hook crisisplan's repository declares in .pre-commit-hooks.yaml
# (a test keeps the two alike), for a new repository to run from PyPI while
# crisisplan's own repository address is not known.
HOOK = {"id": "crisisplan-validate", "name": "Validate the crisis plan", "entry": "crisisplan validate",
        "language": "python", "files": r"^plan/.*\.yaml$", "pass_filenames": False}

EXAMPLE_NOTE = """\
# THIS IS AN EXAMPLE PLAN, written by `crisisplan new` for a fictional ferry
# operator (Harbourline Ferries). Replace every file in plan/ with your own
# organisation's plan, keeping the file names; `crisisplan validate` says
# what is missing or wrong. Delete this note when the plan is yours.
#
"""
EXAMPLE_NOTE_ZH_HANT = """\
# 這是範例計畫：由 `crisisplan new` 為一家虛構的茶飲連鎖店（晨曦茶飲）寫成。
# 請把 plan/ 裡的每個檔案換成貴單位自己的計畫，檔名保持不變；
# `crisisplan validate` 會指出缺漏或錯誤的地方。計畫改寫完成後，請刪除這段說明。
#
"""


def example_variant(language: str) -> str | None:
    """The language of the bundled example and READMEs a new repository in
    `language` starts from: "zh-Hant" for zh-TW, zh-HK and zh-Hant, else None (English)."""
    locale = i18n.parse_tag(language)
    return "zh-Hant" if locale.language == "zh" and locale.script == "Hant" else None


def example_plan(language: str) -> tuple[Path, str]:
    """The bundled example a new plan in `language` starts from, and the note
    that marks it as one: the Traditional Chinese plan (a fictional chain of
    tea shops in Taiwan) for zh-TW, zh-HK and zh-Hant, else the English one."""
    if example_variant(language) == "zh-Hant":
        return bundled_dir("examples/zh-TW/plan", "example_plan_zh_hant", "about.yaml"), EXAMPLE_NOTE_ZH_HANT
    return bundled_dir("plan", "example_plan", "about.yaml"), EXAMPLE_NOTE
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")  # as plan.language in schema/about.yaml


class ScaffoldError(Exception):
    """The repository was not created; the message says why."""


def version() -> str:
    """The installed crisisplan's version, which the new repository pins."""
    return metadata.version("crisisplan")


def repository_url() -> str | None:
    """crisisplan's own repository, as the installed package's metadata names it (Project-URL)."""
    try:
        urls = metadata.metadata("crisisplan").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("repository", "source") and url.strip():
            return url.strip()
    return None


def pre_commit_repos(version: str, repository: str | None) -> str:
    """The `repos:` entry of a new repository's .pre-commit-config.yaml: crisisplan's
    repository at the tag `v<version>` where its address is known, else the same
    hook run from PyPI's crisisplan at `version` (pre-commit's `repo: local`)."""
    if repository:
        repos = [{"repo": repository, "rev": f"v{version}", "hooks": [{"id": HOOK["id"]}]}]
    else:
        repos = [{"repo": "local", "hooks": [{**HOOK, "additional_dependencies": [f"crisisplan=={version}"]}]}]
    return yaml.safe_dump(repos, sort_keys=False, allow_unicode=True)


def new_repository(target: str | Path, organisation: str | None = None, language: str = "en") -> list[Path]:
    """Create a plan repository in `target` (absent or empty); the files written.

    ScaffoldError when `target` holds anything, is not a folder, or the
    language is not a language tag; its message says itself in `language`
    (see messages.py)."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ScaffoldError(_("%(folder)s exists and is not a folder").format(folder=str(target)))
    if target.is_dir() and any(target.iterdir()):
        raise ScaffoldError(_("%(folder)s is not empty: choose a new folder (nothing was changed)").format(
            folder=str(target)))
    if not LANGUAGE.match(language):
        raise ScaffoldError(_("'%(tag)s' is not a language tag such as en, de or zh-Hant").format(tag=language))
    values = {
        "organisation": organisation or "Your organisation",
        "version": version(),
        "pre_commit_repos": pre_commit_repos(version(), repository_url()),
        "language": language,
        "search_language": language.split("-")[0],
    }
    target.mkdir(parents=True, exist_ok=True)
    written = []
    variant = example_variant(language)
    for path, template in FILES.items():
        template = _in_language(template, variant)
        text = "" if template is None else Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)
        written.append(_write(target / path, text))
    written += _copy_example_plan(target / "plan", organisation, language)
    schemas = editor_schema.write_json_schemas(target / "schema" / "json", language=i18n.language(language))
    names = [path.name[: -len(editor_schema.SUFFIX)] for path in schemas]
    settings = editor_schema.vscode_settings("schema/json", "plan", names)
    written += schemas
    written.append(_write(target / ".vscode" / "settings.json",
                          json.dumps(settings, indent=2, ensure_ascii=False) + "\n"))
    return written


def _in_language(template: str | None, variant: str | None) -> str | None:
    """README.md -> README.zh-Hant.md where scaffold_files/ has the READMEs in the plan's language."""
    if template is None or variant is None or not template.endswith(".md"):
        return template
    translated = f"{template[:-len('.md')]}.{variant}.md"
    return translated if (TEMPLATES / translated).is_file() else template


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _copy_example_plan(plan: Path, organisation: str | None, language: str) -> list[Path]:
    example, note = example_plan(language)
    shutil.copytree(example, plan, ignore=shutil.ignore_patterns("__pycache__", "*.py", "*.pyc"))
    about = plan / "about.yaml"
    text = about.read_text(encoding="utf-8")
    if organisation:
        name = json.dumps(organisation, ensure_ascii=False)  # a YAML double-quoted string
        text = re.sub(r"(?m)^(organisation:\n(?:  .*\n)*?  name:) .*$", rf"\1 {_escape(name)}", text, count=1)
        text = re.sub(r"(?m)^(organisation:\n(?:  .*\n)*?  short_name:) .*$", rf"\1 {_escape(name)}", text, count=1)
    text = re.sub(r"(?m)^(plan:\n(?:  .*\n)*?  language:) .*$", rf"\1 {language}", text, count=1)
    about.write_text(note + text, encoding="utf-8")
    return sorted(path for path in plan.rglob("*") if path.is_file())


def _escape(replacement: str) -> str:
    """`replacement` as literal text in a re.sub replacement."""
    return replacement.replace("\\", "\\\\")
