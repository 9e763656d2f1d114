"""A plan folder: find its files, load them, check them, and build the `Plan`.

Checking is a plain pipeline, one stage after the other, in this process:
find the files -> load each (load.py) -> check each file's shape against its
schema (Cerberus, validate.py) -> check the files against each other
(crosscheck.py) -> a Report.  Nothing is kept between runs.

    report = check_plan("plan")
    report.problems    # every problem, sorted by file and position
    report.ok          # no errors (warnings allowed)
    report.plan        # the data, for rendering and diffs
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import crosscheck, phones
from .crosscheck import Index, Site
from .hints import closest
from .load import LoadedFile, load_file
from .messages import Listing, _
from .problems import ERROR, WARNING, Problem
from .schema import Schemas, bundled_dir, load_schemas, schema_dir
from .sections import Registry
from .validate import validate_unit

# The packaged plan's sections (schema/sections.yaml): one file per section,
# named like its schema; a folder for the sections that hold one file per
# entry (the schema is named like the folder). A plan repository's own
# schema/ folder may add sections: a checked plan carries its `registry`.
DOMAIN_FILES = load_schemas().sections.files
DOMAIN_FOLDERS = load_schemas().sections.folders
MAX_FOLDER_FILES = 2000


@dataclass
class Plan:
    root: Path
    domains: dict[str, dict]
    playbooks: dict[str, dict]
    trees: dict[str, dict]
    index: dict[str, dict[str, dict]] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)
    registry: Registry = field(default_factory=lambda: load_schemas().sections)
    audience: str = "internal"  # who may read it: the whole plan, or what audience.redact() left

    def __getitem__(self, domain: str) -> dict:
        return self.domains.get(domain) or {}

    def folder(self, name: str) -> dict[str, dict]:
        """The entries of a folder section, by id."""
        return {"playbooks": self.playbooks, "trees": self.trees}.get(name) or self.domains.get(name) or {}

    def lookup(self, kind: str, entry_id: str) -> dict | None:
        return self.index.get(kind, {}).get(entry_id)

    @property
    def version(self) -> str:
        return str(self["about"].get("plan", {}).get("version", ""))

    def sections(self):
        """(file, data) of every section, in a stable order, for freshness."""
        for name in self.registry.files:
            yield f"{name}.yaml", self[name]
        for folder in self.registry.folders:
            for entry_id, data in self.folder(folder).items():
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
    """`plan/` in the current folder (never the bundled example: checking that
    instead of a missing plan would report a plan valid that does not exist)."""
    return Path("plan")


def local_schema_dir(plan_dir: Path) -> Path | None:
    """A plan repository's own schema/ folder, beside its plan folder: its
    schemas and sections add to the packaged ones (None when there is none,
    or when it is the packaged folder itself)."""
    candidate = Path(plan_dir).resolve().parent / "schema"
    if not candidate.is_dir() or candidate == schema_dir().resolve():
        return None
    return candidate


def today_from_env() -> dt.date:
    """CRISISPLAN_TODAY=YYYY-MM-DD pins "today" (for reproducible checks)."""
    value = os.environ.get("CRISISPLAN_TODAY")
    return dt.date.fromisoformat(value) if value else dt.date.today()


def check_plan(plan_dir: str | os.PathLike | None = None, today: dt.date | None = None,
               schemas: Schemas | None = None, kept: dict | None = None) -> Report:
    """Check a plan folder: find its files, load each, check each file's shape,
    then check the files against each other; every problem in one Report.

    `kept` (a dict the caller keeps between checks of the same folder in one
    process, as the hook does under `mkdocs serve`) lets a file whose bytes and
    schemas are the same as last time keep its loaded data and shape problems;
    the files are read every time, and the checks across files always run."""
    root = Path(plan_dir) if plan_dir is not None else default_plan_dir()
    shown = str(plan_dir) if plan_dir is not None else _shown(root)
    today = today or today_from_env()
    schemas = schemas or load_schemas(extra=local_schema_dir(root))
    registry = schemas.sections
    problems = list(schemas.problems)
    if not root.is_dir():
        problems.append(Problem(shown, 1, 1, ERROR, "no-plan", _("there is no plan folder at '%(folder)s': name the plan folder (crisisplan validate PATH), "
                                  "or start a plan repository with crisisplan new DIR").format(folder=shown)))
        return Report(None, problems)

    found, flagged = [], set()  # flagged: files already reported as unusable
    for rel, problem in _find_files(root, shown, registry):
        if problem:
            problems.append(problem)
            flagged.add(rel)
        else:
            found.append(rel)
    files, folders, unreadable = _load_files(root, shown, found, schemas, kept)
    problems += unreadable
    problems += _missing_files(files, folders, flagged, shown, registry)
    for _schema_name, loaded in _all(files, folders):
        problems += loaded.problems
    index = Index()
    problems += _cross_checks(files, folders, schemas, index, today)
    domains = {name: (f.data if isinstance(f.data, dict) else {}) for name, f in files.items()}
    for folder in registry.folders:
        if folder not in ("playbooks", "trees"):
            domains[folder] = {k: v.data for k, v in sorted(folders[folder].items()) if isinstance(v.data, dict)}
    plan = Plan(
        root=root,
        domains=domains,
        playbooks={k: v.data for k, v in sorted(folders.get("playbooks", {}).items()) if isinstance(v.data, dict)},
        trees={k: v.data for k, v in sorted(folders.get("trees", {}).items()) if isinstance(v.data, dict)},
        index=_entries(index),
        today=today,
        registry=registry,
    )
    return Report(plan, sorted(set(problems), key=_order))


def _load_files(root: Path, shown: str, found: list[str], schemas: Schemas, kept: dict | None):
    """Each found file loaded and its shape checked: (domain files by name,
    folder files by folder and stem, problems of the files that could not be
    read). `kept`: see check_plan; it keeps only the files of this check."""
    files: dict[str, LoadedFile] = {}
    folders: dict[str, dict[str, LoadedFile]] = {folder: {} for folder in schemas.sections.folders}
    problems = []
    earlier = dict(kept or {})
    if kept is not None:
        kept.clear()
    for rel in found:
        name = os.path.join(shown, rel)
        try:
            raw = (root / rel).read_bytes()
        except OSError as exc:
            problems.append(Problem(name, 1, 1, ERROR, "unreadable-file",
                                    _("the file cannot be read (%(reason)s): check that it exists and that you may read it").format(
                                        reason=exc.strerror or exc)))
            continue
        folder, _slash, stem = rel.rpartition("/")
        stem = stem[: -len(".yaml")]
        before = earlier.get(name)
        if before is not None and before[0] == raw and before[1] is schemas:
            loaded = before[2]
        else:
            loaded = load_file(raw, name)
            loaded.problems += _shape_problems(loaded, folder or stem, schemas)
        if kept is not None:
            kept[name] = (raw, schemas, loaded)
        if folder:
            folders[folder][stem] = loaded
        else:
            files[stem] = loaded
    return files, folders, problems


def _shape_problems(loaded: LoadedFile, schema_name: str, schemas: Schemas) -> list[Problem]:
    """What Cerberus finds wrong with one loaded file's shape."""
    unit = schemas.unit(schema_name)
    if unit is None or not isinstance(loaded.data, dict):
        return []
    return validate_unit(unit, loaded.data, loaded)


def _missing_files(files: dict, folders: dict, flagged: set, shown: str, registry: Registry) -> list[Problem]:
    problems = []
    for name in registry.files:
        if name not in files and f"{name}.yaml" not in flagged:
            problems.append(Problem(os.path.join(shown, f"{name}.yaml"), 1, 1, ERROR, "missing-file",
                                    _("the plan has no %(file)s: every plan needs one (copy it from the example plan and adapt it)").format(
                                        file=f"{name}.yaml")))
    for folder in registry.folders:
        if not folders[folder]:
            problems.append(Problem(os.path.join(shown, folder), 1, 1, ERROR, "missing-file",
                                    _("the folder %(folder)s/ holds no .yaml file: a plan needs at least one").format(folder=folder)))
    return problems


def _cross_checks(files: dict, folders: dict, schemas: Schemas, index: Index, today: dt.date) -> list[Problem]:
    """The checks across entries and files; fills `index` with every entry that has an id."""
    for schema_name, loaded in _all(files, folders):
        if schema_name not in schemas.by_name or not isinstance(loaded.data, dict):
            continue
        crosscheck.walk(schemas.by_name[schema_name], loaded.data, Site(loaded, ()), index)

    # References into a file that could not be read would only repeat its problem.
    registry = schemas.sections
    unknowable = set()
    for name in registry.files:
        if name not in files or not isinstance(files[name].data, dict):
            unknowable |= crosscheck.defined_kinds(schemas.by_name.get(name, {}))
    for folder in registry.folders:
        for kind in crosscheck.defined_kinds(schemas.by_name.get(folder, {})):
            for stem, loaded in folders[folder].items():
                if not isinstance(loaded.data, dict):
                    index.ids.setdefault(kind, {}).setdefault(stem, Site(loaded, ()))
    problems = crosscheck.reference_problems(index, unknowable, registry.nouns)
    about = files.get("about")
    region = phones.plan_region(about.data if about else None)
    problems += crosscheck.value_problems(index, region, today)
    problems += crosscheck.country_problems(about)
    problems += crosscheck.people_problems(files.get("contacts"), files.get("roles"))
    problems += crosscheck.escalation_problems(files.get("escalation"))
    channels = {}
    channel_file = files.get("channels")
    if channel_file and isinstance(channel_file.data, dict):
        channels = {c.get("id"): c for c in crosscheck.entries(channel_file.data.get("channels"))}
    for folder in registry.folders:
        for stem, loaded in folders[folder].items():
            if not isinstance(loaded.data, dict):
                continue
            entry_id = loaded.data.get("id")
            if isinstance(entry_id, str) and entry_id != stem:
                problems.append(loaded.problem(("id",), "id-not-file-name",
                                               _("the id '%(id)s' differs from the file name '%(stem)s.yaml': "
                                                 "rename the file to %(id)s.yaml or change the id").format(id=entry_id, stem=stem)))
            if folder == "trees":
                problems += crosscheck.tree_problems(loaded)
            elif folder == "playbooks":
                problems += crosscheck.statement_problems(loaded, channels)
    readable_playbooks = {k: v for k, v in folders.get("playbooks", {}).items() if isinstance(v.data, dict)}
    readable_files = {k: v for k, v in files.items() if isinstance(v.data, dict)}
    problems += crosscheck.date_problems(readable_files, readable_playbooks, today)
    return problems


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


def _find_files(root: Path, shown: str, registry: Registry):
    """(relative path, None) for each plan file, (relative path, problem) for a stray one."""
    for path in sorted(root.iterdir()):
        rel = path.name
        if path.is_dir() and not path.is_symlink() and not rel.endswith((".yaml", ".yml")):
            if rel in registry.folders:
                entries = sorted(path.iterdir())
                if len(entries) > MAX_FOLDER_FILES:
                    yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "too-many-files",
                                        _("%(folder)s/ holds %(count)s files; at most %(limit)s are read").format(
                                            folder=rel, count=len(entries), limit=MAX_FOLDER_FILES))
                    entries = entries[:MAX_FOLDER_FILES]
                for entry in entries:
                    yield from _classify(entry, f"{rel}/{entry.name}", shown, registry.folders, nested=True)
            continue
        yield from _classify(path, rel, shown, registry.files, nested=False)


def _classify(path: Path, rel: str, shown: str, known, nested: bool):
    name = path.name
    if name.endswith(".yml"):
        yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "wrong-extension",
                            _("plan files end in .yaml: rename %(name)s to %(stem)s.yaml").format(name=name, stem=name[:-4]))
        return
    if not name.endswith(".yaml"):
        return  # READMEs and other notes may sit beside the plan
    if path.is_symlink():
        yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "symlink",
                            _("plan files must be real files, not links: copy the file here"))
        return
    if not path.is_file():  # a folder, a pipe or a device: reading it could hang or fail
        yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "not-a-file",
                            _("%(name)s is not an ordinary file: plan files must be plain text files").format(name=name))
        return
    stem = name[: -len(".yaml")]
    if nested or stem in known:
        yield rel, None
        return
    close = closest(stem, known)
    if close:
        message = _("%(name)s is not a plan file: did you mean %(file)s?").format(name=name, file=f"{close}.yaml")
    else:
        message = _("%(name)s is not a plan file: the plan's files are %(files)s").format(
            name=name, files=Listing((k + ".yaml" for k in known), final=None, quoted=False))
    yield rel, Problem(os.path.join(shown, rel), 1, 1, ERROR, "unknown-file", message)


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
