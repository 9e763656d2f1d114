"""Generate large plans for benchmarks: the example plan, grown to size.

    make_large_plan(dest, contacts=2000, playbooks=100, trees=50, errors=0)

copies the bundled example plan to `dest` and adds generated people,
playbooks and decision trees that reference the example's roles, levels
and channels.  With `errors=N` it plants N problems (bad values, unknown
keys, dangling references, broken tree links), spread over the files.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

EXAMPLE = Path(__file__).resolve().parent.parent / "plan"


def _dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def make_large_plan(dest: Path, contacts: int = 2000, playbooks: int = 100, trees: int = 50,
                    errors: int = 0) -> Path:
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(EXAMPLE, dest)
    load = lambda name: yaml.safe_load((dest / name).read_text(encoding="utf-8"))  # noqa: E731
    people = load("contacts.yaml")
    roles = [r["id"] for r in load("roles.yaml")["roles"]]
    levels = [lvl["id"] for lvl in load("escalation.yaml")["levels"]]
    channels = load("channels.yaml")["channels"]
    short_channel = next(c["id"] for c in channels if c["platform"] == "x")
    budget = _ErrorBudget(errors)

    first = people["people"][0]["id"]
    for n in range(contacts):  # numbers from the ranges set aside for drama and examples
        person = {
            "id": f"person-{n:05d}",
            "name": f"Generated Person {n}",
            "title": "Duty officer",
            "kind": "internal",
            "phones": [{"label": "mobile", "number": _drama_number(n)}],
            "email": f"person{n}@harbourline.example",
            "time_zone": "Europe/London",
            "availability": "Shift rota, see the duty calendar",
            "backup": f"person-{(n + 1) % contacts:05d}" if contacts > 1 else first,
        }
        if budget.take():
            kind = n % 4
            if kind == 0:
                person["kind"] = "staff"                 # not an allowed value
            elif kind == 1:
                person["availabilty"] = person.pop("availability")  # unknown key + missing key
            elif kind == 2:
                person["backup"] = f"nobody-{n}"         # dangling reference
            else:
                person["time_zone"] = "Europe/Londn"      # not a time zone
        people["people"].append(person)
    (dest / "contacts.yaml").write_text(_dump(people), encoding="utf-8")

    tree_ids = [f"generated-tree-{t:03d}" for t in range(trees)]
    playbook_ids = [f"generated-playbook-{p:03d}" for p in range(playbooks)]
    for p, playbook_id in enumerate(playbook_ids):
        checklist = [{"step": f"Step {s} of the generated scenario {p}", "owner": roles[s % len(roles)],
                      "within_minutes": 5 * (s + 1)} for s in range(12)]
        if budget.take():
            checklist[3]["owner"] = "no-such-role"
        playbook = {
            "id": playbook_id,
            "title": f"Generated scenario {p}",
            "summary": "A scenario generated for benchmarks.",
            "triggers": ["A generated signal passes its threshold"],
            "default_severity": levels[p % len(levels)],
            "trees": [tree_ids[p % len(tree_ids)]] if tree_ids else [],
            "roles": roles[:3],
            "checklist": checklist,
            "statements": [{"channel": short_channel, "status": "approved", "approved_by": roles[0],
                            "text": f"We know about the issue with generated scenario {p} and will update you here."}],
            "do": ["Stick to the facts"],
            "dont": ["Argue in the comments"],
        }
        (dest / "playbooks" / f"{playbook_id}.yaml").write_text(_dump(playbook), encoding="utf-8")

    for t, tree_id in enumerate(tree_ids):
        nodes = {}
        depth = 10
        for d in range(depth):
            nodes[f"q{d}"] = {"question": f"Generated question {d}?", "answers": [
                {"answer": "Yes", "next": f"out{d}"},
                {"answer": "No", "next": f"q{d + 1}" if d + 1 < depth else "out-last"},
            ]}
            nodes[f"out{d}"] = {"outcome": f"Generated outcome {d}", "severity": levels[d % len(levels)],
                                "playbook": playbook_ids[(t + d) % len(playbook_ids)] if playbook_ids else None}
            if not playbook_ids:
                del nodes[f"out{d}"]["playbook"]
        nodes["out-last"] = {"outcome": "Not a crisis", "severity": levels[-1]}
        if budget.take():
            nodes["q2"]["answers"][1]["next"] = "q-missing"
        (dest / "trees" / f"{tree_id}.yaml").write_text(
            _dump({"id": tree_id, "title": f"Generated tree {t}", "start": "q0", "nodes": nodes}), encoding="utf-8")
    if budget.remaining:
        raise ValueError(f"could not place {budget.remaining} of {errors} errors: grow the plan")
    return dest


class _ErrorBudget:
    """Spreads the planted errors evenly over the generated entries."""

    def __init__(self, count: int):
        self.remaining = count

    def take(self) -> bool:
        if self.remaining > 0:
            self.remaining -= 1
            return True
        return False


def _drama_number(n: int) -> str:
    """The n-th of the phone numbers set aside for fiction: Ofcom's 07700 900xxx
    and 020 7946 0xxx, then North America's 555-01xx; real numbers never ring."""
    bank, rest = divmod(n, 1000)
    if bank == 0:
        return f"+44 7700 900{rest:03d}"
    if bank == 1:
        return f"+44 20 7946 0{rest:03d}"
    return f"+1 {200 + bank % 700} 555 01{rest % 100:02d}"
