"""A plan folder: find its files, load them, check them, and build the `Plan`.

    report = check_plan("plan")
    report.problems    # every problem, sorted by file and position
    report.ok          # no errors (warnings allowed)
    report.plan        # the data, for rendering and diffs
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from . import cache, crosscheck, parallel
from .crosscheck import Index, Site
from .hints import closest
from .load import LoadedFile, load_file
from .problems import ERROR, WARNING, Problem
from .schema import Schemas, bundled_dir, load_schemas
from .validate import validate_unit

# One file per plan domain, named like its schema; a folder for the domains
# that hold one file per entry (the schema is named like the folder).
DOMAIN_FILES = (
    "about", "contacts", "roles", "escalation", "employee-policy", "community-guidelines",
    "channels", "monitoring", "metrics", "post-crisis-review", "drills",
)
DOMAIN_FOLDERS = ("playbooks", "trees")
MAX_FOLDER_FILES = 2000
T = TypeVar("T")


@dataclass
class Plan:
    root: Path
    domains: dict[str, dict]
    playbooks: dict[str, dict]
    trees: dict[str, dict]
    index: dict[str, dict[str, dict]] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)

    def __getitem__(self, domain: str) -> dict:
        return self.domains.get(domain) or {}

    def lookup(self, kind: str, entry_id: str) -> dict | None:
        return self.index.get(kind, {}).get(entry_id)

    @property
    def version(self) -> str:
        return str(self["about"].get("plan", {}).get("version", ""))

    def sections(self):
        """(file, data) of every section, in a stable order, for freshness."""
        for name in DOMAIN_FILES:
            yield f"{name}.yaml", self[name]
        for folder in DOMAIN_FOLDERS:
            for entry_id, data in getattr(self, folder).items():
                yield f"{folder}/{entry_id}.yaml", data

    def review_states(self) -> list[dict]:
        rows = []
        for name, data in self.sections():
            review = data.get("review") if isinstance(data, dict) else None
            state, due = crosscheck.review_state(review, self.today)
            review = review if isinstance(review, dict) else {}
            rows.append({"file": name, "title": data.get("title") if isinstance(data, dict) else None,
                         "owner": review.get("owner"), "last_reviewed": review.get("last_reviewed"),
                         "every_months": review.get("every_months"), "due": due, "state": state})
        return rows


@dataclass
class Report:
    plan: Plan | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def example_plan_dir() -> Path:
    return bundled_dir("plan", "example_plan", "about.yaml")


def default_plan_dir() -> Path:
    """`plan/` in the current folder, else the bundled example plan."""
    local = Path("plan")
    return local if local.is_dir() else example_plan_dir()


def today_from_env() -> dt.date:
    """CRISISPLAN_TODAY=YYYY-MM-DD pins "today" (for reproducible checks)."""
    value = os.environ.get("CRISISPLAN_TODAY")
    return dt.date.fromisoformat(value) if value else dt.date.today()


def check_plan(plan_dir: str | os.PathLike | None = None, today: dt.date | None = None,
               schemas: Schemas | None = None) -> Report:
    return check_plan_while(plan_dir, None, today, schemas)[0]


def check_plan_while(plan_dir: str | os.PathLike | None, work: Callable[[Plan], T] | None,
                     today: dt.date | None = None, schemas: Schemas | None = None) -> tuple[Report, T | None]:
    """`check_plan`, doing `work(plan)` meanwhile: (report, what work returned).

    The shape checks, the slowest part, run in worker processes where the
    machine allows (see parallel.py); `work` gets the plan as loaded while
    they run.  Its result counts only for a plan without errors: then its
    exceptions are raised, otherwise they are dropped and the result is None.
    """
    root = Path(plan_dir) if plan_dir is not None else default_plan_dir()
    shown = str(plan_dir) if plan_dir is not None else _shown(root)
    today = today or today_from_env()
    schemas = schemas or load_schemas()
    problems = list(schemas.problems)
    if not root.is_dir():
        problems.append(Problem(shown, 1, 1, ERROR, "no-plan", f"there is no plan folder at '{shown}'"))
        return Report(None, problems), None

    files: dict[str, LoadedFile] = {}
    folders: dict[str, dict[str, LoadedFile]] = {folder: {} for folder in DOMAIN_FOLDERS}
    flagged: set[str] = set()  # files already reported as unusable
    unshaped: list[_Unshaped] = []  # loaded files whose shape is still to be checked
    for rel, problem in _find_files(root, shown):
        if problem:
            problems.append(problem)
            flagged.add(rel)
            continue
        folder, _, stem = rel.rpartition("/")
        stem = stem[: -len(".yaml")]
        try:
            raw = (root / rel).read_bytes()
        except OSError as exc:
            problems.append(Problem(os.path.join(shown, rel), 1, 1, ERROR, "unreadable-file",
                                    f"the file cannot be read ({exc.strerror or exc}): check that it exists "
                                    "and that you may read it"))
            continue
        loaded = _load(raw, os.path.join(shown, rel), folder or stem, schemas, unshaped)
        if folder:
            folders[folder][stem] = loaded
        else:
            files[stem] = loaded
    problems += _missing_files(files, folders, flagged, shown)
    # The shape checks of the files not in the cache, spread over the cores,
    # while this process does the cross-file checks and the work.
    shapes = parallel.Split(_shape, [(item, schemas) for item in unshaped], [item.size for item in unshaped],
                            share_here=work is None, min_weight=PARALLEL_BYTES, then=_remember)
    try:
        index = Index()
        problems += _cross_checks(files, folders, schemas, index, today)
        plan = Plan(
            root=root,
            domains={name: (f.data if isinstance(f.data, dict) else {}) for name, f in files.items()},
            playbooks={k: v.data for k, v in sorted(folders["playbooks"].items()) if isinstance(v.data, dict)},
            trees={k: v.data for k, v in sorted(folders["trees"].items()) if isinstance(v.data, dict)},
            index=_entries(index),
            today=today,
        )
        result, failure = None, None
        if work is not None:
            try:
                result = work(plan)
            except Exception as exc:  # raised below only if the plan turns out valid
                failure = exc
        for item, shape_problems in zip(unshaped, shapes.results()):
            item.loaded.problems += shape_problems
    finally:
        shapes.close()
    for _, loaded in _all(files, folders):
        problems += [dataclasses.replace(p, file=loaded.name) for p in loaded.problems]
    report = Report(plan, sorted(set(problems), key=_order))
    if not report.ok:
        return report, None
    if failure is not None:
        raise failure
    return report, result


def _missing_files(files: dict, folders: dict, flagged: set, shown: str) -> list[Problem]:
    problems = []
    for name in DOMAIN_FILES:
        if name not in files and f"{name}.yaml" not in flagged:
            problems.append(Problem(os.path.join(shown, f"{name}.yaml"), 1, 1, ERROR, "missing-file",
                                    f"the plan has no {name}.yaml: every plan needs one "
                                    f"(copy it from the example plan and adapt it)"))
    for folder in DOMAIN_FOLDERS:
        if not folders[folder]:
            problems.append(Problem(os.path.join(shown, folder), 1, 1, ERROR, "missing-file",
                                    f"the folder {folder}/ holds no .yaml file: a plan needs at least one"))
    return problems


def _cross_checks(files: dict, folders: dict, schemas: Schemas, index: Index, today: dt.date) -> list[Problem]:
    """The checks across entries and files; fills `index` with every entry that has an id."""
    for schema_name, loaded in _all(files, folders):
        if schema_name not in schemas.by_name or not isinstance(loaded.data, dict):
            continue
        crosscheck.walk(schemas.by_name[schema_name], loaded.data, Site(loaded, ()), index)

    # References into a file that could not be read would only repeat its problem.
    unknowable = set()
    for name in DOMAIN_FILES:
        if name not in files or not isinstance(files[name].data, dict):
            unknowable |= crosscheck.defined_kinds(schemas.by_name.get(name, {}))
    for folder in DOMAIN_FOLDERS:
        for kind in crosscheck.defined_kinds(schemas.by_name.get(folder, {})):
            for stem, loaded in folders[folder].items():
                if not isinstance(loaded.data, dict):
                    index.ids.setdefault(kind, {}).setdefault(stem, Site(loaded, ()))
    problems = crosscheck.reference_problems(index, unknowable)
    problems += crosscheck.value_problems(index)
    problems += crosscheck.people_problems(files.get("contacts"), files.get("roles"))
    problems += crosscheck.escalation_problems(files.get("escalation"))
    channels = {}
    channel_file = files.get("channels")
    if channel_file and isinstance(channel_file.data, dict):
        channels = {c.get("id"): c for c in crosscheck.entries(channel_file.data.get("channels"))}
    for folder in DOMAIN_FOLDERS:
        for stem, loaded in folders[folder].items():
            if not isinstance(loaded.data, dict):
                continue
            entry_id = loaded.data.get("id")
            if isinstance(entry_id, str) and entry_id != stem:
                problems.append(loaded.problem(("id",), "id-not-file-name",
                                               f"the id '{entry_id}' differs from the file name '{stem}.yaml': "
                                               f"rename the file to {entry_id}.yaml or change the id"))
            if folder == "trees":
                problems += crosscheck.tree_problems(loaded)
            else:
                problems += crosscheck.statement_problems(loaded, channels)
    readable_playbooks = {k: v for k, v in folders["playbooks"].items() if isinstance(v.data, dict)}
    readable_files = {k: v for k, v in files.items() if isinstance(v.data, dict)}
    problems += crosscheck.date_problems(readable_files, readable_playbooks, today)
    return problems


# Below this much YAML to check, forking workers costs more than it saves.
PARALLEL_BYTES = 24 * 1024


@dataclass
class _Unshaped:
    loaded: LoadedFile
    schema_name: str
    cache_key: str
    size: int


def _load(raw: bytes, name: str, schema_name: str, schemas: Schemas, unshaped: list) -> LoadedFile:
    """One file, loaded, with its problems; its shape check is added to `unshaped` unless cached.

    Loading and the shape check depend only on the bytes and the schema, so
    their result is cached (see cache.py) with the file name left out.
    """
    cache_key = cache.key(schemas.fingerprint, schema_name.encode(), raw)
    loaded = cache.get(cache_key)
    if loaded is None:
        loaded = load_file(raw, "")
        if isinstance(loaded.data, dict) and schema_name in schemas.by_name:
            unshaped.append(_Unshaped(loaded, schema_name, cache_key, len(raw)))
        else:
            cache.put(cache_key, loaded)
    loaded.name = name
    return loaded


def _shape(job: tuple[_Unshaped, Schemas]) -> list[Problem]:
    """The shape problems of one loaded file (in a worker process, perhaps)."""
    item, schemas = job
    return validate_unit(schemas.unit(item.schema_name), item.loaded.data, item.loaded)


def _remember(job: tuple[_Unshaped, Schemas], problems: list[Problem]) -> None:
    """Keep a file's load and shape problems in the cache."""
    item, _ = job
    cache.put(item.cache_key, dataclasses.replace(item.loaded, name="", problems=item.loaded.problems + problems))


def _order(p: Problem):
    return (p.file, p.line, p.col, p.level, p.code, p.message)


def _shown(root: Path) -> str:
    try:
        return os.path.relpath(root)
    except ValueError:
        return str(root)


def _all(files, folders):
    for name, loaded in files.items():
        yield name, loaded
    for folder, entries in folders.items():
        for loaded in entries.values():
            yield folder, loaded


def _find_files(root: Path, shown: str):
    """(relative path, None) for each plan file, (relative path, problem) for a stray one."""
    for path in sorted(root.iterdir()):
        rel = path.name
        if path.is_dir() and not path.is_symlink() and not rel.endswith((".yaml", ".yml")):
            if rel in DOMAIN_FOLDERS:
                entries = sorted(path.iterdir())
                if len(entries) > MAX_FOLDER_FILES:
                    yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "too-many-files",
                                        f"{rel}/ holds {len(entries)} files; at most {MAX_FOLDER_FILES} are read")
                    entries = entries[:MAX_FOLDER_FILES]
                for entry in entries:
                    yield from _classify(entry, f"{rel}/{entry.name}", shown, DOMAIN_FOLDERS, nested=True)
            continue
        yield from _classify(path, rel, shown, DOMAIN_FILES, nested=False)


def _classify(path: Path, rel: str, shown: str, known, nested: bool):
    name = path.name
    if name.endswith(".yml"):
        yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "wrong-extension",
                            f"plan files end in .yaml: rename {name} to {name[:-4]}.yaml")
        return
    if not name.endswith(".yaml"):
        return  # READMEs and other notes may sit beside the plan
    if path.is_symlink():
        yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "symlink",
                            "plan files must be real files, not links: copy the file here")
        return
    if not path.is_file():  # a folder, a pipe or a device: reading it could hang or fail
        yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "not-a-file",
                            f"{name} is not an ordinary file: plan files must be plain text files")
        return
    stem = name[: -len(".yaml")]
    if nested or stem in known:
        yield rel, None
        return
    close = closest(stem, known)
    fix = f": did you mean {close}.yaml?" if close else \
        f": the plan's files are {', '.join(k + '.yaml' for k in known)}"
    yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "unknown-file",
                        f"{name} is not a plan file{fix}")


def _entries(index: Index) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for kind, ids in index.ids.items():
        for entry_id, site in ids.items():
            entry = site.file.data
            for step in site.path[:-1]:
                entry = entry[step]
            if isinstance(entry, dict):
                out.setdefault(kind, {})[entry_id] = entry
    return out
