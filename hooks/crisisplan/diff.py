"""What changed between two versions of a plan, in words a reviewer reads without the YAML.

    result = diff_plans(old_plan, new_plan)
    print(format_text(result))          # for a terminal
    print(format_markdown(result))      # for a pull request summary or the handbook

The walk follows the schemas, so a new field is covered without code:
entries with an id (people, roles, severity levels, channels, ...) are
matched by id, a few lists by the field that names their items (a phone
by its label, a holding statement by its channel), and the rest by how
similar their text is, so a reworded checklist step shows as reworded and
not as one step removed and another added.  Ids that point at other parts
of the plan are shown as what they name ("Claire Whitfield", not
"claire-whitfield").
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import platforms
from .plan import Plan
from .schema import Schemas, load_schemas
from .sections import Section

ADDED, REMOVED, CHANGED, REWORDED, MOVED = "added", "removed", "changed", "reworded", "moved"

# The sections' titles and what one file of a folder section is called come
# from the section registry (schema/sections.yaml) of the plans compared.

# Field names in words.  "parent.field" overrides "field" where the parent
# changes the meaning; an empty label leaves the field out of the wording
# (a phone's number is just "mobile phone").
LABELS = {
    "plan": "", "plan.version": "plan version", "plan.effective": "effective date",
    "plan.owner": "plan owner", "plan.next_review": "next full review",
    "crisis": "", "crisis.definition": "crisis definition", "crisis.sources": "crisis sources",
    "phones.number": "", "checklist.step": "", "review.owner": "owner", "drills.every_months": "interval",
    "effective": "effective date", "next_review": "next review", "approved": "approval date",
    "last_reviewed": "last reviewed", "every_months": "review interval",
    "within_minutes": "deadline", "first_response_minutes": "first public response target",
    "update_every_minutes": "public update interval", "comments_per_hour": "comments per hour",
    "negative_sentiment_percent": "negative sentiment", "influencers_involved": "key influencers involved",
    "media_coverage": "media coverage", "statement_approval": "statement approvers",
    "approved_by": "approved by", "time_zone": "time zone", "primary": "holder",
    "scheduled_posts": "scheduled posts", "how_to_pause": "how to pause", "secured_by": "safeguards",
    "recovery_contact": "recovery contact", "authorised_by": "authorised by",
    "max_post_length": "post length limit", "default_severity": "starting severity",
    "dont": "don'ts", "stand_down": "stand-down", "decided_by": "decided by",
    "is_a_crisis": "examples of a crisis", "not_a_crisis": "examples of what is not a crisis",
    "ends_when": "ends when", "lead_role": "lead role", "pause_procedure": "pause procedure",
    "close_procedure": "close procedure", "channel_tree": "channel decision tree",
    "moderation_tree": "moderation decision tree", "published_at": "published at",
    "tracked_terms": "tracked terms", "during_crisis": "reporting during a crisis",
    "after_crisis": "reporting after a crisis", "within_days": "held within", "also_invite": "also invited",
    "watch_for": "watch for", "used_for": "used for", "relationship_owner": "relationship owner",
    "contact_via": "contact via", "last_briefed": "last briefed", "media_trained": "media trained",
    "last_run": "last run", "next_due": "next due", "applies_to": "applies to",
    "during_a_crisis": "during a crisis", "report_to": "report to", "short_name": "short name",
    "start": "first step", "then": "then", "next": "next step", "also": "other signs",
}

# What one item of a list is called.
NOUNS = {
    "people": "person", "roles": "role", "levels": "severity level", "channels": "channel",
    "employee-policy:rules": "policy rule", "community-guidelines:rules": "guideline rule",
    "actions": "moderation action", "alerts": "alert", "groups": "metric group", "drills": "drill",
    "sources": "crisis source", "phases": "phase", "ambassadors": "ambassador", "checklist": "step",
    "statements": "holding statement", "approvers": "approver", "phones": "phone",
    "spokespeople": "spokesperson", "tools": "tool", "metrics": "metric", "rota": "watch",
    "answers": "answer", "nodes": "step", "notify": "notify",
    "duties": "duty", "criteria": "criterion", "triggers": "trigger", "do": "do", "dont": "don't",
    "stand_down": "stand-down criterion", "also": "other sign", "is_a_crisis": "example",
    "not_a_crisis": "example", "during_a_crisis": "rule", "examples": "example", "findings": "finding",
    "purposes": "purpose", "questions": "question", "outputs": "output", "also_invite": "invitee",
    "secured_by": "safeguard", "recovery": "recovery step", "pause_procedure": "step",
    "close_procedure": "step", "then": "next action", "admins": "admin",
    "statement_approval": "statement approver", "participants": "participant", "alternates": "alternate",
    "trees": "decision tree", "languages": "language", "topics": "topic", "tracked_terms": "term",
}

# Lists without ids whose items are named by one of their fields (or by a
# field and, where it is given, a second one: a statement's label).
ITEM_KEYS: dict[str, str | tuple[str, ...]] = {
    "notify": "role", "approvers": "contact", "phones": "label", "statements": ("channel", "label"),
    "spokespeople": "contact", "tools": "name", "metrics": "name", "rota": "when", "answers": "answer",
}
# How such an item reads; the default is "<noun> <key value>".
ITEM_NAMES = {
    "phones": "{label} phone", "notify": "notify {role}", "statements": "holding statement for {channel}",
    "approvers": "approval by {contact}", "rota": "watch “{when}”", "answers": "answer “{answer}”",
    "tools": "tool “{name}”", "metrics": "metric “{name}”", "spokespeople": "spokesperson {contact}",
}
# What an added entry is, in a few words.
SUMMARIES = {
    "people": "{title}", "roles": "held by {primary}, backup {backup}", "levels": "rank {rank}",
    "channels": "{handle} on {platform}", "checklist": "by {owner} within {within_minutes}",
    "notify": "within {within_minutes}", "statements": "{status}", "alerts": "{signal}: {threshold}",
    "employee-policy:rules": "{rule}", "community-guidelines:rules": "“{rule}”, action {action}",
}
# Platforms as a sentence names them ("the website"), from the one platforms table.
PLATFORMS = {key: p.in_text or p.name for key, p in platforms.PLATFORMS.items()}
# Kinds of entry whose name reads without quotes ("Person Marcus Bell").
PLAIN_NAMES = ("contact", "role", "severity", "channel")
# Lists whose order means nothing: reported as items added and removed only.
UNORDERED_ITEMS = ("languages", "topics", "tracked_terms")

REWORD_WORDS = 8        # text this long or longer is shown as a word-level change
SIMILAR = 0.5           # how alike two texts must be to count as one reworded
SHORT_WORDS = 8         # words of a long text kept when it only names an item
CONTEXT_WORDS = 4       # unchanged words shown around each change in a rewording


@dataclass(frozen=True)
class Change:
    """One change: `subject` is what changed ("Person Marcus Bell"), `detail`
    how ("mobile phone changed from … to …"); a rewording keeps both texts."""
    section: str
    kind: str
    subject: str
    detail: str
    before: str | None = None
    after: str | None = None


@dataclass
class PlanDiff:
    old_version: str
    new_version: str
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def sections(self) -> dict[str, list[Change]]:
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(change.section, []).append(change)
        return grouped


class _Missing:
    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


def diff_plans(old: Plan, new: Plan, schemas: Schemas | None = None) -> PlanDiff:
    schemas = schemas or load_schemas()
    differ = _Differ(old, new, schemas)
    for section in _sections(old, new):
        if section.folder:
            differ.folder(section, old.folder(section.name), new.folder(section.name))
        else:
            differ.section(section.title, section.name, old.domains.get(section.name, MISSING),
                           new.domains.get(section.name, MISSING))
    return PlanDiff(old.version, new.version, differ.changes)


def _sections(old: Plan, new: Plan) -> list[Section]:
    """The sections of the new plan's registry, in its order, then any only the old plan had."""
    sections = list(new.registry.sections)
    known = {s.name for s in sections}
    return sections + [s for s in old.registry.sections if s.name not in known]


class _Differ:
    def __init__(self, old: Plan, new: Plan, schemas: Schemas):
        self.old, self.new, self.schemas = old, new, schemas
        self.changes: list[Change] = []
        self.current_section = ""
        self.domain = ""

    # --- the parts of a plan ------------------------------------------------

    def section(self, title: str, domain: str, old, new) -> None:
        self.current_section, self.domain = title, domain
        if old is MISSING and new is MISSING:
            return
        if old is MISSING or new is MISSING:
            verb = ADDED if old is MISSING else REMOVED
            self.emit(verb, [f"file {domain}.yaml"], verb)
            return
        if not old or not new:
            self.unreadable(f"{domain}.yaml", "old" if not old else "new")
            return
        self.fields(self.schemas.by_name.get(domain, {}), old, new, [], ())

    def folder(self, section: Section, old: dict, new: dict) -> None:
        folder, noun = section.name, section.entry or section.title
        for entry_id in _union(old, new):
            before, after = old.get(entry_id, MISSING), new.get(entry_id, MISSING)
            title = _title(after if after is not MISSING else before, entry_id)
            unreadable = [side for side, plan, entry in (("old", self.old, before), ("new", self.new, after))
                          if entry is MISSING and (Path(plan.root) / folder / f"{entry_id}.yaml").is_file()]
            if unreadable:
                self.current_section, self.domain = f"{noun}: {title}", folder
                self.unreadable(f"{folder}/{entry_id}.yaml", unreadable[0])
                continue
            if before is MISSING or after is MISSING:
                self.current_section, self.domain = section.title, folder
                kind = ADDED if before is MISSING else REMOVED
                self.emit(kind, [f"{noun.lower()} “{title}”"], kind)
                continue
            if before == after:
                continue
            self.section(f"{noun}: {title}", folder, before, after)

    def unreadable(self, file: str, side: str) -> None:
        self.emit(CHANGED, [f"file {file}"], f"cannot be read in the {side} plan, so its changes are not listed "
                                     f"(crisisplan validate shows why)")

    def fields(self, schema: dict, old, new, parts: list[str], keys: tuple) -> None:
        if not isinstance(old, dict) or not isinstance(new, dict):
            self.value(keys[-1] if keys else "", {}, old, new, parts, keys)
            return
        for name in _union(schema, old, new):
            before, after = old.get(name, MISSING), new.get(name, MISSING)
            if before == after:
                continue
            rules = schema.get(name) if isinstance(schema.get(name), dict) else {}
            self.value(name, rules, before, after, parts, keys + (name,))

    def value(self, name: str, rules: dict, old, new, parts: list[str], keys: tuple) -> None:
        """`parts` name where the value sits; the value's own label is added here,
        except for lists, whose items are named with their noun instead."""
        kind = rules.get("type")
        both = old is not MISSING and new is not MISSING
        labelled = parts + [self.label(keys)] if keys and keys[-1] != "*" else parts
        if kind == "dict" and isinstance(rules.get("schema"), dict) and _all_dicts(old, new):
            self.fields(rules["schema"], _or_empty(old), _or_empty(new), labelled, keys)
        elif kind == "dict" and "valuesrules" in rules and _all_dicts(old, new):
            self.mapping(name, rules["valuesrules"], _or_empty(old, dict), _or_empty(new, dict), parts, keys)
        elif kind == "list" and _all_lists(old, new):
            self.sequence(name, rules.get("schema") or {}, _or_empty(old, list), _or_empty(new, list),
                          parts, keys)
        elif both and isinstance(old, dict) and isinstance(new, dict):
            self.fields({}, old, new, labelled, keys)
        elif both and isinstance(old, list) and isinstance(new, list):
            self.sequence(name, {}, old, new, parts, keys)
        else:
            self.scalar(rules, old, new, labelled, keys)

    def scalar(self, rules: dict, old, new, parts: list[str], keys: tuple) -> None:
        if old is MISSING or old is None:
            self.emit(ADDED, parts, f"set to {self.show(rules, keys, new)}")
        elif new is MISSING or new is None:
            self.emit(REMOVED, parts, f"removed (was {self.show(rules, keys, old)})")
        elif isinstance(old, str) and isinstance(new, str) and "ref" not in rules and _is_long(old, new):
            self.emit(REWORDED, parts, "reworded", old, new)
        else:
            before, after = self.show(rules, keys, old), self.show(rules, keys, new)
            if before.startswith("“") != after.startswith("“"):
                before, after = _quoted(before), _quoted(after)
            self.emit(CHANGED, parts, f"changed from {before} to {after}")

    def mapping(self, name: str, rules: dict, old: dict, new: dict, parts: list[str], keys: tuple) -> None:
        """A dict keyed by the plan's own names: decision-tree steps, groups of tracked terms."""
        for key in _union(old, new):
            before, after = old.get(key, MISSING), new.get(key, MISSING)
            if before == after:
                continue
            item = self.mapping_item(name, key, after if after is not MISSING else before)
            if before is MISSING or after is MISSING:
                verb = ADDED if before is MISSING else REMOVED
                summary = _node_summary(after if after is not MISSING else before)
                self.emit(verb, parts + [item], f"{verb}: {summary}" if summary else verb)
            else:
                self.value(name, rules, before, after, parts + [item], keys + ("*",))

    def mapping_item(self, name: str, key: str, value) -> str:
        if name == "nodes" and isinstance(value, dict):
            return f"{'outcome' if 'outcome' in value else 'question'} “{key}”"
        if name == "tracked_terms":
            return f"tracked terms “{key}”"
        return f"{self.noun(name)} “{key}”"

    def sequence(self, name: str, item_rules: dict, old: list, new: list, parts: list[str], keys: tuple) -> None:
        item_schema = item_rules.get("schema") if item_rules.get("type") == "dict" else None
        noun = self.noun(name)
        if isinstance(item_schema, dict) or _any_dicts(old, new):
            key = _item_key(name, item_schema or {})
            self.entries(name, noun, key, item_schema or {}, old, new, parts, keys)
        elif "ref" in item_rules or name in UNORDERED_ITEMS:
            self.unordered(noun, item_rules, old, new, parts, keys)
        else:
            self.texts(noun, old, new, parts)

    def entries(self, name, noun, key, schema, old: list, new: list, parts, keys) -> None:
        """A list of blocks: matched by their key field, or by similar text."""
        if key:
            pairs, removed, added = _pair_by_key(old, new, key)
        else:
            pairs, removed, added = _pair_by_similarity(old, new, _text_of)
        for i in removed:
            self.emit(REMOVED, parts + [self.entry_name(name, noun, key, schema, old[i], i)], REMOVED)
        moved = _moved(pairs) if not key else set()
        for i, j in sorted(pairs + [(None, j) for j in added], key=lambda p: p[1]):
            if i is None:
                summary = self.summary(name, schema, new[j])
                detail = f"added ({summary})" if summary else ADDED
                self.emit(ADDED, parts + [self.entry_name(name, noun, key, schema, new[j], j)], detail)
                continue
            item = self.entry_name(name, noun, key, schema, new[j], j, short=True)
            if (i, j) in moved:
                self.emit(MOVED, parts + [item], f"moved from position {i + 1} to {j + 1}")
            if old[i] != new[j]:
                self.fields(schema, old[i], new[j], parts + [item], keys + ("*",))

    def unordered(self, noun: str, rules: dict, old: list, new: list, parts, keys) -> None:
        for value in old:
            if value not in new:
                self.emit(REMOVED, parts + [f"{noun} {self.show(rules, keys, value)}"], REMOVED)
        for value in new:
            if value not in old:
                self.emit(ADDED, parts + [f"{noun} {self.show(rules, keys, value)}"], ADDED)
        if sorted(map(str, old)) == sorted(map(str, new)) and old != new:
            self.emit(MOVED, parts + [self.label(keys)], f"order changed to {', '.join(self.show(rules, keys, v) for v in new)}")

    def texts(self, noun: str, old: list, new: list, parts) -> None:
        """A list of sentences (duties, triggers, do's and don'ts)."""
        pairs, removed, added = _pair_by_similarity(old, new, str)
        moved = _moved(pairs)
        for i in removed:
            self.emit(REMOVED, parts + [f"{noun} “{old[i]}”"], REMOVED)
        for i, j in sorted(pairs + [(None, j) for j in added], key=lambda p: p[1]):
            if i is None:
                self.emit(ADDED, parts + [f"{noun} “{new[j]}”"], ADDED)
                continue
            if (i, j) in moved:
                self.emit(MOVED, parts + [f"{noun} “{_short(str(new[j]))}”"],
                          f"moved from position {i + 1} to {j + 1}")
            if old[i] != new[j]:
                self.emit(REWORDED, parts + [f"{noun} “{_short(str(new[j]))}”"], REWORDED,
                          str(old[i]), str(new[j]))

    # --- words ----------------------------------------------------------------

    def label(self, keys: tuple) -> str:
        name = keys[-1]
        named = [k for k in keys if k != "*"]
        if len(named) >= 2 and f"{named[-2]}.{name}" in LABELS:
            return LABELS[f"{named[-2]}.{name}"]
        if name in LABELS:
            return LABELS[name]
        return str(name).replace("_", " ")

    def noun(self, name: str) -> str:
        return NOUNS.get(f"{self.domain}:{name}") or NOUNS.get(name) or str(name).replace("_", " ")

    def entry_name(self, name: str, noun: str, key: str | tuple | None, schema: dict, entry, index: int,
                   short=False) -> str:
        if not isinstance(entry, dict):
            return f"{noun} {index + 1} “{_short(str(entry)) if short else entry}”"
        if isinstance(key, tuple):  # named by its first field, told apart by the others
            key, others = key[0], key[1:]
            qualifiers = "".join(f" “{entry[f]}”" for f in others if isinstance(entry.get(f), str) and entry[f])
            return self.entry_name(name, noun, key, schema, entry, index, short) + qualifiers
        template = ITEM_NAMES.get(name)
        if template and key:
            shown = self.show(schema.get(key) or {}, (name, key), entry.get(key), quote=False)
            return template.format(**{key: shown})
        if key:
            value = entry.get(key)
            kind = (schema.get(key) or {}).get("defines")
            if kind in PLAIN_NAMES:
                shown = self.ref_name(kind, value) or value
            else:
                title = entry.get("name") or entry.get("title")
                shown = f"“{title}”" if isinstance(title, str) else value
            return f"{noun} {shown}"
        text = _text_of(entry)
        return f"{noun} {index + 1} “{_short(text) if short else text}”"

    def summary(self, name: str, schema: dict, entry) -> str:
        template = SUMMARIES.get(f"{self.domain}:{name}") or SUMMARIES.get(name)
        if not template or not isinstance(entry, dict):
            return ""
        values = {}
        for field_name in re.findall(r"{(\w+)}", template):
            value = entry.get(field_name)
            if value is None:
                return ""
            values[field_name] = self.show(schema.get(field_name, {}), (name, field_name), value, quote=False)
        return template.format(**values)

    def ref_name(self, kind: str | None, value) -> str | None:
        if not kind or not isinstance(value, str):
            return None
        entry = self.new.lookup(kind, value) or self.old.lookup(kind, value)
        if not isinstance(entry, dict):
            return None
        if kind == "severity":
            return f"{entry.get('name', value)} ({value})"
        if kind == "channel":
            return value
        shown = entry.get("name") or entry.get("title")
        return str(shown) if shown else None

    def show(self, rules: dict, keys: tuple, value, quote=True) -> str:
        """A value as a reviewer reads it: names for ids, units for numbers."""
        name = str(keys[-1]) if keys else ""
        if value is None or value is MISSING:
            return "nothing"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            for suffix, unit in (("minutes", "minute"), ("days", "day"), ("months", "month")):
                if name.endswith(suffix):
                    return f"{value} {unit}" + ("" if value == 1 else "s")
            if name.endswith("percent"):
                return f"{value}%"
            return str(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list):
            item_rules = rules.get("schema") if isinstance(rules.get("schema"), dict) else {}
            return ", ".join(self.show(item_rules, keys, v, quote) for v in value) or "nothing"
        if isinstance(value, dict):
            return ", ".join(f"{k}: {self.show({}, (k,), v, quote)}" for k, v in value.items())
        text = str(value)
        if name == "platform" and text in PLATFORMS:
            return PLATFORMS[text]
        shown = self.ref_name(rules.get("ref"), text)
        if shown is not None:
            return shown
        if quote and ((" " in text and re.search(r"[^\W\d_]", text)) or not text):
            return f"“{text}”"
        return text

    def emit(self, kind: str, parts: list[str], detail: str, before=None, after=None) -> None:
        words = [p for p in parts if p]
        if not words:
            words = ["plan"]
        subject = words[0][:1].upper() + words[0][1:]
        detail = " ".join(filter(None, [", ".join(words[1:]), detail]))
        self.changes.append(Change(self.current_section, kind, subject, detail, before, after))


# --- matching lists ------------------------------------------------------------

def _item_key(name: str, schema: dict) -> str | tuple | None:
    for field_name, rules in schema.items():
        if isinstance(rules, dict) and "defines" in rules:
            return field_name
    if "id" in schema:
        return "id"
    return ITEM_KEYS.get(name)


def _pair_by_key(old: list, new: list, key: str | tuple):
    """Pairs (old index, new index) of entries with the same key; the rest
    (entries without one, or a second entry with the same key) by position.

    A key of several fields (a statement's channel and label) is matched
    whole first; entries left over that share the first field are then
    paired by similar text, so a statement that got a label is still the
    same statement."""
    if not isinstance(key, tuple):
        return _pair_by_exact_key(old, new, key)
    pairs, removed, added = _pair_by_exact_key(old, new, key)
    first = key[:1]
    for value in sorted({_key_of(old[i], first) for i in removed}):
        olds = [i for i in removed if _key_of(old[i], first) == value]
        news = [j for j in added if _key_of(new[j], first) == value]
        alike, _, _ = _pair_by_similarity([old[i] for i in olds], [new[j] for j in news], _text_of)
        pairs += [(olds[a], news[b]) for a, b in alike]
    paired_old, paired_new = {i for i, _ in pairs}, {j for _, j in pairs}
    return (sorted(pairs), [i for i in removed if i not in paired_old],
            [j for j in added if j not in paired_new])


def _pair_by_exact_key(old: list, new: list, key: str | tuple):
    wanted: dict = {}
    for j, entry in enumerate(new):
        wanted.setdefault(_key_of(entry, key), []).append(j)
    pairs, removed = [], []
    for i, entry in enumerate(old):
        candidates = wanted.get(_key_of(entry, key))
        if candidates:
            pairs.append((i, candidates.pop(0)))
        else:
            removed.append(i)
    taken = {j for _, j in pairs}
    added = [j for j in range(len(new)) if j not in taken]
    return pairs, removed, added


def _key_of(entry, key: str | tuple) -> str:
    if not isinstance(entry, dict):
        return repr(entry)
    return repr(tuple(entry.get(k) for k in key) if isinstance(key, tuple) else entry.get(key))


def _pair_by_similarity(old: list, new: list, text_of):
    """Pairs of equal items first, then of items whose text is alike enough."""
    pairs: list[tuple[int, int]] = []
    free_new = list(range(len(new)))
    free_old = []
    for i, item in enumerate(old):
        match = next((j for j in free_new if new[j] == item), None)
        if match is None:
            free_old.append(i)
        else:
            pairs.append((i, match))
            free_new.remove(match)
    scored = []
    for i in free_old:
        for j in free_new:
            ratio = difflib.SequenceMatcher(None, _words(text_of(old[i])), _words(text_of(new[j])),
                                            autojunk=False).ratio()
            if ratio >= SIMILAR:
                # Closer positions win ties, so repeated similar steps pair in order.
                scored.append((-ratio, abs(i - j), i, j))
    used_old, used_new = set(), set()
    for _, _, i, j in sorted(scored):
        if i not in used_old and j not in used_new:
            pairs.append((i, j))
            used_old.add(i)
            used_new.add(j)
    removed = [i for i in free_old if i not in used_old]
    added = [j for j in free_new if j not in used_new]
    return sorted(pairs), removed, added


def _moved(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs that changed place: those outside the longest run that kept its order."""
    pairs = sorted(pairs)
    best: list[list[tuple[int, int]]] = []
    for pair in pairs:
        longest = max((run for run in best if run[-1][1] < pair[1]), key=len, default=[])
        best.append(longest + [pair])
    kept = set(max(best, key=len, default=[]))
    return {p for p in pairs if p not in kept}


def _text_of(entry) -> str:
    if isinstance(entry, dict):
        for name in ("step", "text", "rule", "title", "name", "outcome", "question"):
            if isinstance(entry.get(name), str):
                return entry[name]
        return " ".join(str(v) for v in entry.values())
    return str(entry)


def _title(entry, fallback: str) -> str:
    return str(entry.get("title") or fallback) if isinstance(entry, dict) else fallback


def _node_summary(node) -> str:
    if not isinstance(node, dict):
        return f"“{node}”" if isinstance(node, str) else ""
    text = node.get("outcome") or node.get("question")
    return f"“{text}”" if text else ""


def _quoted(text: str) -> str:
    return text if text.startswith("“") else f"“{text}”"


def _union(*mappings) -> list:
    seen: dict = {}
    for mapping in mappings:
        if isinstance(mapping, dict):
            for key in mapping:
                seen.setdefault(key, None)
    return list(seen)


def _all_dicts(*values) -> bool:
    return all(v is MISSING or v is None or isinstance(v, dict) for v in values) and \
        any(isinstance(v, dict) for v in values)


def _all_lists(*values) -> bool:
    return all(v is MISSING or v is None or isinstance(v, list) for v in values) and \
        any(isinstance(v, list) for v in values)


def _any_dicts(*lists) -> bool:
    return any(isinstance(item, dict) for items in lists for item in items)


def _or_empty(value, kind=dict):
    return value if isinstance(value, kind) else kind()


def _words(text: str) -> list[str]:
    return str(text).split()


def _is_long(*texts: str) -> bool:
    return any(len(_words(t)) >= REWORD_WORDS for t in texts)


def _short(text: str) -> str:
    words = _words(text)
    return text if len(words) <= SHORT_WORDS else " ".join(words[:SHORT_WORDS]) + "…"


# --- word-level rewording ---------------------------------------------------

def word_diff(before: str, after: str, context: int = CONTEXT_WORDS) -> list[tuple[str, str]]:
    """Segments ("same" | "del" | "ins" | "gap", words) of a rewording, with
    only `context` unchanged words kept around each change."""
    old, new = _words(before), _words(after)
    segments: list[tuple[str, str]] = []
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old[i1:i2]
            first, last = n == 0, n == len(opcodes) - 1
            if len(same) > (0 if first or last else context) + context:
                head = [] if first else same[:context]
                tail = [] if last else same[-context:]
                if head:
                    segments.append(("same", " ".join(head)))
                segments.append(("gap", "…"))
                if tail:
                    segments.append(("same", " ".join(tail)))
            else:
                segments.append(("same", " ".join(same)))
            continue
        if tag in ("delete", "replace"):
            segments.append(("del", " ".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(("ins", " ".join(new[j1:j2])))
    return segments


# --- output -------------------------------------------------------------------

MARKS = {ADDED: "+", REMOVED: "-", CHANGED: "~", REWORDED: "~", MOVED: "~"}


def format_text(result: PlanDiff) -> str:
    lines = [_headline(result)]
    lines += [f"Note: {note}" for note in result.notes]
    for section, changes in result.sections().items():
        lines += ["", section]
        for change in changes:
            line = f"  {MARKS[change.kind]} {change.subject}: {change.detail}"
            if change.kind == REWORDED:
                line += ": " + _render_words(change, _text_segment)
            lines.append(line)
    return "\n".join(lines) + "\n"


def format_markdown(result: PlanDiff, heading_level: int = 2) -> str:
    hashes = "#" * heading_level
    blocks = [_md_escape(_headline(result))]
    blocks += [f"> **Note:** {_md_escape(note)}" for note in result.notes]
    for section, changes in result.sections().items():
        items = []
        for change in changes:
            line = f"- **{_md_escape(change.subject)}**: {_md_escape(change.detail)}"
            if change.kind == REWORDED:
                line += ": " + _render_words(change, _markdown_segment)
            items.append(line)
        blocks.append(f"{hashes} {_md_escape(section)}\n\n" + "\n".join(items))
    return "\n\n".join(blocks) + "\n"


def _headline(result: PlanDiff) -> str:
    old, new = result.old_version or "(none)", result.new_version or "(none)"
    versions = f"plan version {old} to {new}" if old != new else f"plan version {new} (the version is unchanged)"
    if not result.changes:
        return f"No changes from {versions}."
    count = len(result.changes)
    sections = len(result.sections())
    return (f"From {versions}: {count} change{'s' if count != 1 else ''} "
            f"in {sections} section{'s' if sections != 1 else ''}.")


def _render_words(change: Change, render) -> str:
    return " ".join(render(kind, words) for kind, words in word_diff(change.before or "", change.after or ""))


def _text_segment(kind: str, words: str) -> str:
    return {"del": f"[-{words}-]", "ins": f"{{+{words}+}}"}.get(kind, words)


def _markdown_segment(kind: str, words: str) -> str:
    escaped = _md_escape(words)
    return {"del": f"<del>{escaped}</del>", "ins": f"<ins>{escaped}</ins>"}.get(kind, escaped)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)
