"""`crisisplan validate`: golden bad-plan cases, exit codes, output formats."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crisisplan import check_plan, i18n
from crisisplan.cli import main
from crisisplan.messages import Message
from crisisplan.problems import format_problems

from conftest import CASES, FULL_PLAN, TODAY

BASE_PLAN = CASES / "validate" / "base-plan"
CASE_FILES = sorted((CASES / "validate").glob("*.yaml"))


def make_plan(tmp_path: Path, case: dict) -> Path:
    """A copy of the base plan with the case's files written over it."""
    plan = tmp_path / "plan"
    shutil.copytree(BASE_PLAN, plan)
    for name in case.get("remove", []):
        target = plan / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for name, content in (case.get("files") or {}).items():
        (plan / name).parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (plan / name).write_bytes(data)
    return plan


def test_there_are_enough_golden_cases():
    assert len(CASE_FILES) >= 30


# Each case's expected lines, in each language `crisisplan validate` speaks:
# the same files, lines, columns, levels and codes, the message translated.
GOLDEN_KEYS = {"en": "expected", "zh-TW": "expected_zh_TW"}


@pytest.mark.parametrize("lang", GOLDEN_KEYS)
@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_golden_case(case_file, lang, tmp_path, monkeypatch, update_goldens):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    make_plan(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    report = check_plan("plan", today=TODAY)
    actual = {tag: format_problems(report.problems, "text", i18n.language(tag)) for tag in GOLDEN_KEYS}
    if update_goldens:
        if lang == "en":
            text = case_file.read_text(encoding="utf-8")
            head = text[: text.index("\nexpected:")] if "\nexpected:" in text else text.rstrip("\n")
            for tag, key in GOLDEN_KEYS.items():
                body = "".join("  " + line + "\n" for line in actual[tag].splitlines()) or "  \n"
                head += f"\n{key}: |\n" + body.rstrip("\n")
            case_file.write_text(head + "\n", encoding="utf-8")
        return
    assert actual[lang] == case[GOLDEN_KEYS[lang]]
    assert report.problems, "a bad-plan case must find at least one problem"
    if lang != "en":
        untranslated = [p for p in report.problems if not isinstance(p.message, Message)]
        assert untranslated == [], "every message is built with messages._ so that it can be translated"
        assert [p.text().split(": [")[0] for p in report.problems] == \
            [line.split(": [")[0] for line in actual[lang].splitlines()], "the same file:line:col in every language"


def test_base_plan_is_clean():
    assert check_plan(BASE_PLAN, today=TODAY).problems == []


def test_example_plan_is_valid_and_clean(example_plan):
    report = check_plan(example_plan, today=TODAY)
    assert format_problems(report.problems) == ""
    assert report.plan.playbooks and report.plan.trees


def run_cli(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    make_plan(tmp_path, {})
    assert run_cli(["validate", "plan"], capsys)[0] == 0
    assert run_cli(["validate", "plan", "--strict"], capsys)[0] == 0
    # a warning only: the plan's review date has passed
    about = tmp_path / "plan" / "about.yaml"
    about.write_text(about.read_text().replace("next_review: 2027-04-01", "next_review: 2026-01-01"))
    code, out, err = run_cli(["validate", "plan"], capsys)
    assert code == 0 and "[warning]" in out and "0 errors and 1 warning." in err
    assert run_cli(["validate", "plan", "--strict"], capsys)[0] == 1
    # an error
    about.write_text(about.read_text().replace("owner: ana", "owner: nobody"))
    assert run_cli(["validate", "plan"], capsys)[0] == 1


def test_messages_follow_the_plans_language_the_option_and_the_locale(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    make_plan(tmp_path, {})
    about = tmp_path / "plan" / "about.yaml"
    about.write_text(about.read_text().replace("owner: ana", "owner: anna"))
    english = "plan/about.yaml:6:10: [error] 'anna' is not a person in contacts.yaml: did you mean 'ana'? (unknown-reference)"
    chinese = "plan/about.yaml:6:10: [error] 「anna」不是 contacts.yaml 裡的人員：您是指「ana」嗎？ (unknown-reference)"
    # The plan's language (en), whatever the locale; --lang overrides it.
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    assert run_cli(["validate", "plan"], capsys)[1:] == (english + "\n", "Checked plan/: 1 error and 0 warnings.\n")
    assert run_cli(["validate", "plan", "--lang", "zh-TW"], capsys)[1:] == (chinese + "\n", "已檢查 plan/：1 個錯誤、0 個警告。\n")
    # A plan in Chinese is reported in Chinese.
    monkeypatch.setenv("LANG", "C.UTF-8")
    about.write_text(about.read_text().replace("language: en", "language: zh-TW"))
    assert run_cli(["validate", "plan"], capsys)[1] == chinese + "\n"
    assert run_cli(["validate", "plan", "--lang", "en"], capsys)[1] == english + "\n"
    out = run_cli(["validate", "plan", "--format", "github"], capsys)[1]
    assert out.startswith("::error file=plan/about.yaml,line=6,col=10,title=unknown-reference::「anna」不是")
    # Hong Kong's words where they differ from Taiwan's (計劃 for 計畫).
    (tmp_path / "plan" / "drills.yaml").unlink()
    hong_kong = run_cli(["validate", "plan", "--lang", "zh-HK"], capsys)[1]
    assert "[error] 計劃缺少 drills.yaml：每份計劃都需要它（請從範例計劃複製一份再修改） (missing-file)" in hong_kong
    assert "[error] 計畫缺少 drills.yaml" in run_cli(["validate", "plan"], capsys)[1]
    # A plan whose language cannot be read: the locale's.
    about.write_text(about.read_text().replace("  language: zh-TW\n", ""))
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    assert chinese + "\n" in run_cli(["validate", "plan"], capsys)[1]


def test_github_format(tmp_path, monkeypatch, capsys):
    case = {"files": {"roles.yaml": "lead_role: lead\nroles:\n  - id: lead\n    name: Crisis lead\n"
                                    "    duties: [Runs it]\n    primary: ana\n    backup: bne\n"}}
    make_plan(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    expected = ("::error file=plan/roles.yaml,line=7,col=13,title=unknown-reference::"
                "'bne' is not a person in contacts.yaml: did you mean 'ben'?\n")
    assert run_cli(["validate", "plan", "--format", "github"], capsys)[:2] == (1, expected)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run_cli(["validate", "plan"], capsys)[:2] == (1, expected)


def test_github_format_escapes_newlines_and_separators():
    from crisisplan.problems import Problem
    problem = Problem("a,b:c.yaml", 1, 2, "warning", "x", "50% done\nnext")
    assert problem.github() == "::warning file=a%2Cb%3Ac.yaml,line=1,col=2,title=x::50%25 done%0Anext"


def test_missing_plan_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["validate", "nowhere"], capsys)
    assert code == 1
    assert out == ("nowhere:1:1: [error] there is no plan folder at 'nowhere': name the plan folder "
                   "(crisisplan validate PATH), or start a plan repository with crisisplan new DIR (no-plan)\n")


def test_validate_checks_plan_here_and_never_the_bundled_example(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["validate"], capsys)
    assert code == 1
    assert out.startswith("plan:1:1: [error] there is no plan folder at 'plan'")
    assert err == "Checked plan/: 1 error and 0 warnings.\n"
    shutil.copytree(FULL_PLAN, tmp_path / "plan")
    code, out, err = run_cli(["validate"], capsys)
    assert (code, err) == (0, "Checked plan/: The plan is valid.\n")


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert re.fullmatch(r"crisisplan \d+\.\d+\.\d+\n", capsys.readouterr().out)


@pytest.mark.parametrize("content", [
    b"a: !!python/object/apply:os.system ['touch pwned']\n",
    b"a: &a [*a]\n",
    b"x: " + b"[" * 100000,
    b"\x00\x01",
    b"\xef\xbb\xbforganisation: {name: BOM}\n" + b"k: v\n" * 10,
])
def test_hostile_files_never_crash_the_command(content, tmp_path):
    plan = make_plan(tmp_path, {"files": {"about.yaml": content}})
    result = subprocess.run([sys.executable, "-m", "crisisplan", "validate", str(plan)],
                            capture_output=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "pwned").exists()
    assert b"plan/about.yaml:" in result.stdout


def test_the_core_never_imports_mkdocs():
    """The core must outlive Material for MkDocs: only the hook, crisisplan.mkdocs_hook, may import MkDocs."""
    modules = sorted(p.stem for p in (Path(__file__).parent.parent / "hooks" / "crisisplan").glob("*.py")
                     if p.stem not in ("__main__", "mkdocs_hook"))
    code = ("import sys\n" + "".join(f"import crisisplan.{m}\n" for m in modules) +
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('mkdocs', 'material')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_what_is_not_an_ordinary_file_is_a_problem_not_a_hang(tmp_path, monkeypatch):
    plan = make_plan(tmp_path, {"remove": ["metrics.yaml"]})
    os.mkfifo(plan / "metrics.yaml")  # reading a pipe would wait for ever
    (plan / "trees" / "extra.yaml").mkdir()
    monkeypatch.chdir(tmp_path)
    text = format_problems(check_plan("plan", today=TODAY).problems)
    assert text == (
        "plan/metrics.yaml:1:1: [error] metrics.yaml is not an ordinary file: plan files must be plain text files "
        "(not-a-file)\n"
        "plan/trees/extra.yaml:1:1: [error] extra.yaml is not an ordinary file: plan files must be plain text "
        "files (not-a-file)\n")


def test_checking_runs_in_this_process_and_keeps_nothing(tmp_path, monkeypatch):
    """A plain pipeline: no worker processes, and nothing written or read between runs."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))

    def no_fork():
        raise AssertionError("checking a plan forked a process")

    monkeypatch.setattr(os, "fork", no_fork)
    first = check_plan(BASE_PLAN, today=TODAY)
    assert first.ok
    roles = make_plan(tmp_path, {}) / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("backup: ben", "backup: bne"), encoding="utf-8")
    text = format_problems(check_plan(roles.parent, today=TODAY).problems)
    assert "'bne' is not a person" in text
    assert list(home.rglob("*")) == []


def test_a_file_planted_in_the_old_cache_folder_is_never_read(tmp_path):
    """Earlier versions read pickled results from ~/.cache/crisisplan, so a file
    planted there ran code; nothing there is read any more."""
    home = tmp_path / "home"
    marker = tmp_path / "ran"
    planted = home / ".cache" / "crisisplan"
    planted.mkdir(parents=True)

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    import pickle
    (planted / "ab").mkdir()
    (planted / "ab" / ("ab" + "0" * 62)).write_bytes(pickle.dumps(Payload()))
    (planted / "sound-schemas").write_bytes(pickle.dumps(Payload()))
    env = dict(os.environ, HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"),
               CRISISPLAN_CACHE_DIR=str(planted))
    result = subprocess.run([sys.executable, "-m", "crisisplan", "validate", str(BASE_PLAN)],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()


def test_the_package_holds_no_pickles():
    package = Path(check_plan.__code__.co_filename).parent
    for module in package.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert "pickle" not in source and "marshal" not in source, module.name


def test_nothing_is_kept_between_runs_that_could_run_code(tmp_path):
    """No result cache: a validation writes nothing outside the plan, so nothing
    planted in a cache (or restored from another CI run) is ever read back."""
    home = tmp_path / "home"
    home.mkdir()
    plan = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    before = sorted(p for p in tmp_path.rglob("*"))
    env = dict(os.environ, HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    result = subprocess.run([sys.executable, "-m", "crisisplan", "validate", str(plan)],
                            capture_output=True, cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sorted(p for p in tmp_path.rglob("*")) == before
    sources = (Path(__file__).parent.parent / "hooks" / "crisisplan").rglob("*.py")
    assert [p.name for p in sources if re.search(r"\b(pickle|marshal|shelve|bytecode_cache)\b", p.read_text())] == []


def test_a_plan_repositorys_own_translation_rewords_a_message(tmp_path, monkeypatch, capsys):
    """theme/locale/ beside plan/ (as crisisplan new lays it out) changes a message's
    words for validate as for the handbook; the rest stays packaged."""
    from catalogues import write_catalogue

    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    make_plan(tmp_path, {})
    about = tmp_path / "plan" / "about.yaml"
    about.write_text(about.read_text().replace("owner: ana", "owner: anna").replace("language: en", "language: zh-TW"))
    write_catalogue(tmp_path / "theme" / "locale" / "zh_TW.po", "zh_TW",
                    {"The plan is valid.": "計畫完全正確。", "%(errors)s and %(warnings)s.": "共 %(errors)s，%(warnings)s。"})
    out, err = run_cli(["validate", "plan"], capsys)[1:]
    assert "「anna」不是 contacts.yaml 裡的人員" in out
    assert err == "已檢查 plan/：共 1 個錯誤，0 個警告。\n"
