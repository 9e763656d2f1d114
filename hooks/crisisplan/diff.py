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

The words are the handbook's own, in the plan's language (see i18n.py): a
change keeps its words as messages and the values put into them (messages.py),
and the formatters say them in a language, by default the new plan's
(`format_text(result, i18n.language("zh-TW"))`).  The plan's own text is
shown as written.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import i18n, phones, platforms
from .cjk import CJK, CJK_CHARACTERS
from .messages import UNSPACED_LANGUAGES, Date, Listing, Message, Phrase, _, ngettext, pgettext, say
from .plan import Plan
from .schema import Schemas, load_schemas
from .sections import Section

ADDED, REMOVED, CHANGED, REWORDED, MOVED = "added", "removed", "changed", "reworded", "moved"


def _joined(separator: Message, items: tuple) -> Listing:
    """Values said one after another, with a separator said in the same language."""
    return Listing(items, final=None, quoted=False, separator=separator)


# --- the words -------------------------------------------------------------------------------

# The sections' titles and what one file of a folder section is called come
# from the section registry (schema/sections.yaml) of the plans compared; the
# catalogues translate them (i18n.extract_sections).

# Field names in words.  "parent.field" overrides "field" where the parent
# changes the meaning; an empty label leaves the field out of the wording
# (a phone's number is just "mobile phone").  A field of an organisation's
# own schema that is not here is named by its key, "_" read as a space.
LABELS = {
    "plan": "", "plan.version": pgettext("changed field", "plan version"),
    "plan.effective": pgettext("changed field", "effective date"),
    "plan.owner": pgettext("changed field", "plan owner"),
    "plan.next_review": pgettext("changed field", "next full review"), "crisis": "",
    "crisis.definition": pgettext("changed field", "crisis definition"),
    "crisis.sources": pgettext("changed field", "crisis sources"), "phones.number": "", "checklist.step": "",
    "review.owner": pgettext("changed field", "owner"), "drills.every_months": pgettext("changed field", "interval"),
    "effective": pgettext("changed field", "effective date"), "next_review": pgettext("changed field", "next review"),
    "approved": pgettext("changed field", "approval date"),
    "last_reviewed": pgettext("changed field", "last reviewed"),
    "every_months": pgettext("changed field", "review interval"),
    "within_minutes": pgettext("changed field", "deadline"),
    "first_response_minutes": pgettext("changed field", "first public response target"),
    "update_every_minutes": pgettext("changed field", "public update interval"),
    "comments_per_hour": pgettext("changed field", "comments per hour"),
    "negative_sentiment_percent": pgettext("changed field", "negative sentiment"),
    "influencers_involved": pgettext("changed field", "key influencers involved"),
    "media_coverage": pgettext("changed field", "media coverage"),
    "statement_approval": pgettext("changed field", "statement approvers"),
    "approved_by": pgettext("changed field", "approved by"), "time_zone": pgettext("changed field", "time zone"),
    "primary": pgettext("changed field", "holder"), "scheduled_posts": pgettext("changed field", "scheduled posts"),
    "how_to_pause": pgettext("changed field", "how to pause"), "secured_by": pgettext("changed field", "safeguards"),
    "recovery_contact": pgettext("changed field", "recovery contact"),
    "authorised_by": pgettext("changed field", "authorised by"),
    "max_post_length": pgettext("changed field", "post length limit"),
    "default_severity": pgettext("changed field", "starting severity"), "dont": pgettext("changed field", "don'ts"),
    "stand_down": pgettext("changed field", "stand-down"), "decided_by": pgettext("changed field", "decided by"),
    "is_a_crisis": pgettext("changed field", "examples of a crisis"),
    "not_a_crisis": pgettext("changed field", "examples of what is not a crisis"),
    "ends_when": pgettext("changed field", "ends when"), "lead_role": pgettext("changed field", "lead role"),
    "pause_procedure": pgettext("changed field", "pause procedure"),
    "close_procedure": pgettext("changed field", "close procedure"),
    "channel_tree": pgettext("changed field", "channel decision tree"),
    "moderation_tree": pgettext("changed field", "moderation decision tree"),
    "published_at": pgettext("changed field", "published at"),
    "tracked_terms": pgettext("changed field", "tracked terms"),
    "during_crisis": pgettext("changed field", "reporting during a crisis"),
    "after_crisis": pgettext("changed field", "reporting after a crisis"),
    "within_days": pgettext("changed field", "held within"), "also_invite": pgettext("changed field", "also invited"),
    "watch_for": pgettext("changed field", "watch for"), "used_for": pgettext("changed field", "used for"),
    "relationship_owner": pgettext("changed field", "relationship owner"),
    "contact_via": pgettext("changed field", "contact via"),
    "last_briefed": pgettext("changed field", "last briefed"),
    "media_trained": pgettext("changed field", "media trained"), "last_run": pgettext("changed field", "last run"),
    "next_due": pgettext("changed field", "next due"), "applies_to": pgettext("changed field", "applies to"),
    "during_a_crisis": pgettext("changed field", "during a crisis"),
    "report_to": pgettext("changed field", "report to"), "short_name": pgettext("changed field", "short name"),
    "start": pgettext("changed field", "first step"), "then": pgettext("changed field", "then"),
    "next": pgettext("changed field", "next step"), "also": pgettext("changed field", "other signs"),
    # The other fields of the packaged schemas, named by their keys.
    "access": pgettext("changed field", "access"), "action": pgettext("changed field", "action"),
    "actions": pgettext("changed field", "actions"), "admins": pgettext("changed field", "admins"),
    "alerts": pgettext("changed field", "alerts"), "alternates": pgettext("changed field", "alternates"),
    "ambassadors": pgettext("changed field", "ambassadors"), "answer": pgettext("changed field", "answer"),
    "answers": pgettext("changed field", "answers"), "approvers": pgettext("changed field", "approvers"),
    "audience": pgettext("changed field", "audience"), "availability": pgettext("changed field", "availability"),
    "backup": pgettext("changed field", "backup"), "briefing": pgettext("changed field", "briefing"),
    "category": pgettext("changed field", "category"), "chair": pgettext("changed field", "chair"),
    "channel": pgettext("changed field", "channel"), "channels": pgettext("changed field", "channels"),
    "checklist": pgettext("changed field", "checklist"),
    "classification": pgettext("changed field", "classification"), "closing": pgettext("changed field", "closing"),
    "contact": pgettext("changed field", "contact"), "coordinator": pgettext("changed field", "coordinator"),
    "country": pgettext("changed field", "country"), "criteria": pgettext("changed field", "criteria"),
    "definition": pgettext("changed field", "definition"), "description": pgettext("changed field", "description"),
    "do": pgettext("changed field", "do"), "drills": pgettext("changed field", "drills"),
    "duties": pgettext("changed field", "duties"), "email": pgettext("changed field", "email"),
    "examples": pgettext("changed field", "examples"), "findings": pgettext("changed field", "findings"),
    "format": pgettext("changed field", "format"), "goal": pgettext("changed field", "goal"),
    "groups": pgettext("changed field", "groups"), "handle": pgettext("changed field", "handle"),
    "help": pgettext("changed field", "help"), "how": pgettext("changed field", "how"),
    "id": pgettext("changed field", "id"), "kind": pgettext("changed field", "kind"),
    "label": pgettext("changed field", "label"), "language": pgettext("changed field", "language"),
    "languages": pgettext("changed field", "languages"), "levels": pgettext("changed field", "levels"),
    "metrics": pgettext("changed field", "metrics"), "name": pgettext("changed field", "name"),
    "nodes": pgettext("changed field", "nodes"), "notes": pgettext("changed field", "notes"),
    "notify": pgettext("changed field", "notify"), "number": pgettext("changed field", "number"),
    "organisation": pgettext("changed field", "organisation"), "outcome": pgettext("changed field", "outcome"),
    "outputs": pgettext("changed field", "outputs"), "owner": pgettext("changed field", "owner"),
    "participants": pgettext("changed field", "participants"), "people": pgettext("changed field", "people"),
    "phases": pgettext("changed field", "phases"), "phones": pgettext("changed field", "phones"),
    "platform": pgettext("changed field", "platform"), "playbook": pgettext("changed field", "playbook"),
    "principle": pgettext("changed field", "principle"), "purpose": pgettext("changed field", "purpose"),
    "purposes": pgettext("changed field", "purposes"), "question": pgettext("changed field", "question"),
    "questions": pgettext("changed field", "questions"), "rank": pgettext("changed field", "rank"),
    "record": pgettext("changed field", "record"), "recovery": pgettext("changed field", "recovery"),
    "reporting": pgettext("changed field", "reporting"), "review": pgettext("changed field", "review"),
    "role": pgettext("changed field", "role"), "roles": pgettext("changed field", "roles"),
    "rota": pgettext("changed field", "rota"), "rule": pgettext("changed field", "rule"),
    "rules": pgettext("changed field", "rules"), "scope": pgettext("changed field", "scope"),
    "severity": pgettext("changed field", "severity"), "signal": pgettext("changed field", "signal"),
    "source": pgettext("changed field", "source"), "sources": pgettext("changed field", "sources"),
    "spokespeople": pgettext("changed field", "spokespeople"), "statements": pgettext("changed field", "statements"),
    "status": pgettext("changed field", "status"), "step": pgettext("changed field", "step"),
    "suggests": pgettext("changed field", "suggests"), "summary": pgettext("changed field", "summary"),
    "text": pgettext("changed field", "text"), "threshold": pgettext("changed field", "threshold"),
    "title": pgettext("changed field", "title"), "tool": pgettext("changed field", "tool"),
    "tools": pgettext("changed field", "tools"), "topics": pgettext("changed field", "topics"),
    "trees": pgettext("changed field", "trees"), "triage_tree": pgettext("changed field", "triage tree"),
    "triggers": pgettext("changed field", "triggers"), "url": pgettext("changed field", "url"),
    "version": pgettext("changed field", "version"), "watch": pgettext("changed field", "watch"),
    "website": pgettext("changed field", "website"), "when": pgettext("changed field", "when"),
    "who": pgettext("changed field", "who"), "why": pgettext("changed field", "why"),
}

# What one item of a list is called.
NOUNS = {
    "people": pgettext("changed entry", "person"), "roles": pgettext("changed entry", "role"),
    "levels": pgettext("changed entry", "severity level"), "channels": pgettext("changed entry", "channel"),
    "employee-policy:rules": pgettext("changed entry", "policy rule"),
    "community-guidelines:rules": pgettext("changed entry", "guideline rule"),
    "actions": pgettext("changed entry", "moderation action"), "alerts": pgettext("changed entry", "alert"),
    "groups": pgettext("changed entry", "metric group"), "drills": pgettext("changed entry", "drill"),
    "sources": pgettext("changed entry", "crisis source"), "phases": pgettext("changed entry", "phase"),
    "ambassadors": pgettext("changed entry", "ambassador"), "checklist": pgettext("changed entry", "step"),
    "statements": pgettext("changed entry", "holding statement"), "approvers": pgettext("changed entry", "approver"),
    "phones": pgettext("changed entry", "phone"), "spokespeople": pgettext("changed entry", "spokesperson"),
    "tools": pgettext("changed entry", "tool"), "metrics": pgettext("changed entry", "metric"),
    "rota": pgettext("changed entry", "watch"), "answers": pgettext("changed entry", "answer"),
    "nodes": pgettext("changed entry", "step"), "notify": pgettext("changed entry", "notify"),
    "duties": pgettext("changed entry", "duty"), "criteria": pgettext("changed entry", "criterion"),
    "triggers": pgettext("changed entry", "trigger"), "do": pgettext("changed entry", "do"),
    "dont": pgettext("changed entry", "don't"), "stand_down": pgettext("changed entry", "stand-down criterion"),
    "also": pgettext("changed entry", "other sign"), "is_a_crisis": pgettext("changed entry", "example"),
    "not_a_crisis": pgettext("changed entry", "example"), "during_a_crisis": pgettext("changed entry", "rule"),
    "examples": pgettext("changed entry", "example"), "findings": pgettext("changed entry", "finding"),
    "purposes": pgettext("changed entry", "purpose"), "questions": pgettext("changed entry", "question"),
    "outputs": pgettext("changed entry", "output"), "also_invite": pgettext("changed entry", "invitee"),
    "secured_by": pgettext("changed entry", "safeguard"), "recovery": pgettext("changed entry", "recovery step"),
    "pause_procedure": pgettext("changed entry", "step"), "close_procedure": pgettext("changed entry", "step"),
    "then": pgettext("changed entry", "next action"), "admins": pgettext("changed entry", "admin"),
    "statement_approval": pgettext("changed entry", "statement approver"),
    "participants": pgettext("changed entry", "participant"), "alternates": pgettext("changed entry", "alternate"),
    "trees": pgettext("changed entry", "decision tree"), "languages": pgettext("changed entry", "language"),
    "topics": pgettext("changed entry", "topic"), "tracked_terms": pgettext("changed entry", "term"),
}

# Lists without ids whose items are named by one of their fields (or by a
# field and, where it is given, a second one: a statement's label).
ITEM_KEYS: dict[str, str | tuple[str, ...]] = {
    "notify": "role", "approvers": "contact", "phones": "label", "statements": ("channel", "label"),
    "spokespeople": "contact", "tools": "name", "metrics": "name", "rota": "when", "answers": "answer",
}
# How such an item reads; the default is "<noun> <key value>".  A template
# that does not quote the value names an entry of the plan by it (see _name).
ITEM_NAMES = {
    "phones": _("%(label)s phone"), "notify": _("notify %(role)s"),
    "statements": _("holding statement for %(channel)s"), "approvers": _("approval by %(contact)s"),
    "rota": _("watch “%(when)s”"), "answers": _("answer “%(answer)s”"), "tools": _("tool “%(name)s”"),
    "metrics": _("metric “%(name)s”"), "spokespeople": _("spokesperson %(contact)s"),
}
NAMED_BY = ("role", "channel", "contact")
# What an added entry is, in a few words: a message, or the one field shown as it is.
SUMMARIES = {
    "people": "title", "roles": _("held by %(primary)s, backup %(backup)s"), "levels": _("rank %(rank)s"),
    "channels": _("%(handle)s on %(platform)s"), "checklist": _("by %(owner)s within %(within_minutes)s"),
    "notify": _("within %(within_minutes)s"), "statements": "status", "alerts": _("%(signal)s: %(threshold)s"),
    "employee-policy:rules": "rule", "community-guidelines:rules": _("“%(rule)s”, action %(action)s"),
}
# Platforms as a sentence names them ("the website"), from the one platforms table;
# the names that are not brand names are translated.
PLATFORM_WORDS = {"the website": pgettext("platform in a sentence", "the website"),
                  "another platform": pgettext("platform in a sentence", "another platform")}
PLATFORMS = {key: PLATFORM_WORDS.get(p.in_text or p.name, p.in_text or p.name)
             for key, p in platforms.PLATFORMS.items()}
# Values from the schemas' fixed lists, as a change shows them (English: as written).
VALUES = {
    "kind": {"internal": pgettext("plan value", "internal"), "external": pgettext("plan value", "external"),
             "employee-advocate": pgettext("plan value", "employee-advocate"),
             "customer-advocate": pgettext("plan value", "customer-advocate"),
             "influencer": pgettext("plan value", "influencer"), "partner": pgettext("plan value", "partner")},
    "category": {"pr-agency": pgettext("plan value", "pr-agency"),
                 "legal-counsel": pgettext("plan value", "legal-counsel"),
                 "platform-support": pgettext("plan value", "platform-support"),
                 "regulator": pgettext("plan value", "regulator"),
                 "media": pgettext("plan value", "media"), "partner": pgettext("plan value", "partner"),
                 "other": pgettext("plan value", "other")},
    "label": {"mobile": pgettext("plan value", "mobile"), "office": pgettext("plan value", "office"),
              "home": pgettext("plan value", "home"), "on-call": pgettext("plan value", "on-call"),
              "switchboard": pgettext("plan value", "switchboard")},
    "status": {"briefed": pgettext("plan value", "briefed"), "briefing-due": pgettext("plan value", "briefing-due"),
               "not-briefed": pgettext("plan value", "not-briefed"), "draft": pgettext("plan value", "draft"),
               "approved": pgettext("plan value", "approved")},
    "format": {"tabletop": pgettext("plan value", "tabletop"), "simulation": pgettext("plan value", "simulation"),
               "live": pgettext("plan value", "live")},
    "scope": {"personal": pgettext("plan value", "personal"), "professional": pgettext("plan value", "professional"),
              "both": pgettext("plan value", "both")},
    "media_coverage": {"none": pgettext("plan value", "none"), "trade": pgettext("plan value", "trade"),
                       "local": pgettext("plan value", "local"), "national": pgettext("plan value", "national"),
                       "international": pgettext("plan value", "international")},
}
# Kinds of entry whose name reads without quotes ("Person Marcus Bell").
PLAIN_NAMES = ("contact", "role", "severity", "channel")
# Lists whose order means nothing: reported as items added and removed only.
UNORDERED_ITEMS = ("languages", "topics", "tracked_terms")

REWORD_WORDS = 8        # text this long or longer is shown as a word-level change
SIMILAR = 0.5           # how alike two texts must be to count as one reworded
SHORT_WORDS = 8         # words of a long text kept when it only names an item
CONTEXT_WORDS = 4       # unchanged words shown around each change in a rewording

def _quote(text) -> Message:
    # Translators: plan text quoted in a change list ("step “Call the duty manager”"); Chinese: 「%(text)s」
    return _("“%(text)s”", text=text)


def _name(shown):
    """A name or id after its noun ("person Marcus Bell", "channel x-main"),
    quoted in languages that quote names ("人員「王小明」"); a quoted text stays as it is."""
    if _is_quoted(shown):
        return shown
    # Translators: an entry's name or id after its noun ("person Marcus Bell", "channel x-main"):
    # English leaves it as it is; Chinese quotes it: 「%(name)s」
    return pgettext("name of an entry", "%(name)s", name=shown)


def _is_quoted(shown) -> bool:
    """Whether a value reads as quoted, decided on the English words so every language quotes alike."""
    return say(shown, None).startswith("“")


@dataclass(frozen=True)
class Change:
    """One change: `subject` is what changed ("Person Marcus Bell"), `detail`
    how ("mobile phone changed from … to …"); a rewording keeps both texts.
    `section`, `subject` and `detail` are said in a language when formatted
    (see `say`; str(…) of plain text)."""
    section: Message | str
    kind: str
    subject: Message | str
    detail: Message | str
    before: str | None = None
    after: str | None = None


@dataclass
class PlanDiff:
    old_version: str
    new_version: str
    changes: list[Change] = field(default_factory=list)
    notes: list = field(default_factory=list)  # str or Message, shown before the changes
    language: str = i18n.DEFAULT_LANGUAGE      # the new plan's language tag: the formatters' default

    def sections(self) -> dict:
        grouped: dict = {}
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
            differ.section(Phrase(section.title), section.name, old.domains.get(section.name, MISSING),
                           new.domains.get(section.name, MISSING))
    return PlanDiff(old.version, new.version, differ.changes, language=i18n.plan_language(new))


def _sections(old: Plan, new: Plan) -> list[Section]:
    """The sections of the new plan's registry, in its order, then any only the old plan had."""
    sections = list(new.registry.sections)
    known = {s.name for s in sections}
    return sections + [s for s in old.registry.sections if s.name not in known]


class _Differ:
    def __init__(self, old: Plan, new: Plan, schemas: Schemas):
        self.old, self.new, self.schemas = old, new, schemas
        # Phone numbers are compared as they are dialled, each in its plan's country.
        self.regions = (phones.plan_region(old["about"]), phones.plan_region(new["about"]))
        self.changes: list[Change] = []
        self.current_section: Message | str = ""
        self.domain = ""

    # --- the parts of a plan ------------------------------------------------

    def section(self, title, domain: str, old, new) -> None:
        self.current_section, self.domain = title, domain
        if old is MISSING and new is MISSING:
            return
        if old is MISSING or new is MISSING:
            verb = ADDED if old is MISSING else REMOVED
            self.emit(verb, [_("file %(file)s", file=f"{domain}.yaml")], _verb(verb))
            return
        if not old or not new:
            self.unreadable(f"{domain}.yaml", "old" if not old else "new")
            return
        self.fields(self.schemas.by_name.get(domain, {}), old, new, [], ())

    def folder(self, section: Section, old: dict, new: dict) -> None:
        folder, noun = section.name, Phrase(section.entry or section.title)
        for entry_id in _union(old, new):
            before, after = old.get(entry_id, MISSING), new.get(entry_id, MISSING)
            title = _title(after if after is not MISSING else before, entry_id)
            heading = _("%(entry)s: %(title)s", entry=noun, title=title)
            unreadable = [side for side, plan, entry in (("old", self.old, before), ("new", self.new, after))
                          if entry is MISSING and (Path(plan.root) / folder / f"{entry_id}.yaml").is_file()]
            if unreadable:
                self.current_section, self.domain = heading, folder
                self.unreadable(f"{folder}/{entry_id}.yaml", unreadable[0])
                continue
            if before is MISSING or after is MISSING:
                self.current_section, self.domain = Phrase(section.title), folder
                kind = ADDED if before is MISSING else REMOVED
                self.emit(kind, [_("%(noun)s “%(name)s”", noun=Phrase(noun.message, str.lower), name=title)], _verb(kind))
                continue
            if before == after:
                continue
            self.section(heading, folder, before, after)

    def unreadable(self, file: str, side: str) -> None:
        detail = (_("cannot be read in the old plan, so its changes are not listed (crisisplan validate shows why)")
                  if side == "old" else
                  _("cannot be read in the new plan, so its changes are not listed (crisisplan validate shows why)"))
        self.emit(CHANGED, [_("file %(file)s", file=file)], detail)

    def fields(self, schema: dict, old, new, parts: list, keys: tuple) -> None:
        if not isinstance(old, dict) or not isinstance(new, dict):
            self.value(keys[-1] if keys else "", {}, old, new, parts, keys)
            return
        for name in _union(schema, old, new):
            before, after = old.get(name, MISSING), new.get(name, MISSING)
            rules = schema.get(name) if isinstance(schema.get(name), dict) else {}
            if before == after or (rules.get("phone") and self.same_number(before, after)):
                continue
            self.value(name, rules, before, after, parts, keys + (name,))

    def same_number(self, old, new) -> bool:
        """Whether two ways of writing a phone number dial the same ("+886 2 2345 6102" and "(02) 2345-6102")."""
        if not isinstance(old, str) or not isinstance(new, str):
            return False
        dialled = phones.tel_uri(old, self.regions[0]), phones.tel_uri(new, self.regions[1])
        return dialled[0] == dialled[1] and phones.e164(old, self.regions[0]) is not None

    def value(self, name: str, rules: dict, old, new, parts: list, keys: tuple) -> None:
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

    def scalar(self, rules: dict, old, new, parts: list, keys: tuple) -> None:
        if old is MISSING or old is None:
            self.emit(ADDED, parts, _("set to %(value)s", value=self.show(rules, keys, new)))
        elif new is MISSING or new is None:
            self.emit(REMOVED, parts, _("removed (was %(value)s)", value=self.show(rules, keys, old)))
        elif isinstance(old, str) and isinstance(new, str) and "ref" not in rules and _is_long(old, new):
            self.emit(REWORDED, parts, _verb(REWORDED), old, new)
        else:
            before, after = self.show(rules, keys, old), self.show(rules, keys, new)
            if _is_quoted(before) != _is_quoted(after):
                before, after = _quoted(before), _quoted(after)
            self.emit(CHANGED, parts, _("changed from %(before)s to %(after)s", before=before, after=after))

    def mapping(self, name: str, rules: dict, old: dict, new: dict, parts: list, keys: tuple) -> None:
        """A dict keyed by the plan's own names: decision-tree steps, groups of tracked terms."""
        for key in _union(old, new):
            before, after = old.get(key, MISSING), new.get(key, MISSING)
            if before == after:
                continue
            item = self.mapping_item(name, key, after if after is not MISSING else before)
            if before is MISSING or after is MISSING:
                verb = ADDED if before is MISSING else REMOVED
                summary = _node_summary(after if after is not MISSING else before)
                if not summary:
                    detail = _verb(verb)
                elif verb == ADDED:
                    detail = _("added: %(summary)s", summary=summary)
                else:
                    detail = _("removed: %(summary)s", summary=summary)
                self.emit(verb, parts + [item], detail)
            else:
                self.value(name, rules, before, after, parts + [item], keys + ("*",))

    def mapping_item(self, name: str, key: str, value):
        if name == "nodes" and isinstance(value, dict):
            return _("outcome “%(id)s”", id=key) if "outcome" in value else _("question “%(id)s”", id=key)
        if name == "tracked_terms":
            return _("tracked terms “%(group)s”", group=key)
        return _("%(noun)s “%(name)s”", noun=self.noun(name), name=key)

    def sequence(self, name: str, item_rules: dict, old: list, new: list, parts: list, keys: tuple) -> None:
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
            self.emit(REMOVED, parts + [self.entry_name(name, noun, key, schema, old[i], i)], _verb(REMOVED))
        moved = _moved(pairs) if not key else set()
        for i, j in sorted(pairs + [(None, j) for j in added], key=lambda p: p[1]):
            if i is None:
                summary = self.summary(name, schema, new[j])
                detail = _("added (%(summary)s)", summary=summary) if summary else _verb(ADDED)
                self.emit(ADDED, parts + [self.entry_name(name, noun, key, schema, new[j], j)], detail)
                continue
            item = self.entry_name(name, noun, key, schema, new[j], j, short=True)
            if (i, j) in moved:
                self.emit(MOVED, parts + [item], _moved_words(i, j))
            if old[i] != new[j]:
                self.fields(schema, old[i], new[j], parts + [item], keys + ("*",))

    def unordered(self, noun, rules: dict, old: list, new: list, parts, keys) -> None:
        for value in old:
            if value not in new:
                self.emit(REMOVED, parts + [self.named(noun, self.show(rules, keys, value))], _verb(REMOVED))
        for value in new:
            if value not in old:
                self.emit(ADDED, parts + [self.named(noun, self.show(rules, keys, value))], _verb(ADDED))
        if sorted(map(str, old)) == sorted(map(str, new)) and old != new:
            order = _joined(_(", "), tuple(self.show(rules, keys, v) for v in new))
            self.emit(MOVED, parts + [self.label(keys)], _("order changed to %(values)s", values=order))

    def texts(self, noun, old: list, new: list, parts) -> None:
        """A list of sentences (duties, triggers, do's and don'ts)."""
        pairs, removed, added = _pair_by_similarity(old, new, str)
        moved = _moved(pairs)
        for i in removed:
            self.emit(REMOVED, parts + [_("%(noun)s “%(name)s”", noun=noun, name=old[i])], _verb(REMOVED))
        for i, j in sorted(pairs + [(None, j) for j in added], key=lambda p: p[1]):
            if i is None:
                self.emit(ADDED, parts + [_("%(noun)s “%(name)s”", noun=noun, name=new[j])], _verb(ADDED))
                continue
            item = _("%(noun)s “%(name)s”", noun=noun, name=_short(str(new[j])))
            if (i, j) in moved:
                self.emit(MOVED, parts + [item], _moved_words(i, j))
            if old[i] != new[j]:
                self.emit(REWORDED, parts + [item], _verb(REWORDED), str(old[i]), str(new[j]))

    # --- words ----------------------------------------------------------------

    def label(self, keys: tuple):
        name = keys[-1]
        named = [k for k in keys if k != "*"]
        if len(named) >= 2 and f"{named[-2]}.{name}" in LABELS:
            return LABELS[f"{named[-2]}.{name}"]
        if name in LABELS:
            return LABELS[name]
        return str(name).replace("_", " ")

    def noun(self, name: str):
        return NOUNS.get(f"{self.domain}:{name}") or NOUNS.get(name) or str(name).replace("_", " ")

    @staticmethod
    def named(noun, shown) -> Message:
        """An entry by its noun and name: "person Marcus Bell", "topic “Ferry safety”"."""
        return _("%(noun)s %(name)s", noun=noun, name=_name(shown))

    def entry_name(self, name: str, noun, key: str | tuple | None, schema: dict, entry, index: int,
                   short=False):
        if not isinstance(entry, dict):
            return _("%(noun)s %(number)s “%(name)s”", noun=noun, number=index + 1,
                     name=_short(str(entry)) if short else entry)
        if isinstance(key, tuple):  # named by its first field, told apart by the others
            key, others = key[0], key[1:]
            named = self.entry_name(name, noun, key, schema, entry, index, short)
            for other in others:
                if isinstance(entry.get(other), str) and entry[other]:
                    named = _("%(name)s “%(label)s”", name=named, label=entry[other])
            return named
        template = ITEM_NAMES.get(name)
        if template and key:
            shown = self.show(schema.get(key) or {}, (name, key), entry.get(key), quote=False)
            return template(**{key: _name(shown) if key in NAMED_BY else shown})
        if key:
            value = entry.get(key)
            kind = (schema.get(key) or {}).get("defines")
            if kind in PLAIN_NAMES:
                shown = self.ref_name(kind, value) or value
            else:
                title = entry.get("name") or entry.get("title")
                shown = _quote(title) if isinstance(title, str) else value
            return self.named(noun, shown)
        text = _text_of(entry)
        return _("%(noun)s %(number)s “%(name)s”", noun=noun, number=index + 1,
                 name=_short(text) if short else text)

    def summary(self, name: str, schema: dict, entry):
        template = SUMMARIES.get(f"{self.domain}:{name}") or SUMMARIES.get(name)
        if not template or not isinstance(entry, dict):
            return ""
        fields = [template] if not isinstance(template, Message) else _PLACEHOLDER_NAME.findall(template.message)
        values = {}
        for field_name in fields:
            value = entry.get(field_name)
            if value is None:
                return ""
            values[field_name] = self.show(schema.get(field_name, {}), (name, field_name), value, quote=False)
        return values[template] if not isinstance(template, Message) else template(**values)

    def ref_name(self, kind: str | None, value):
        if not kind or not isinstance(value, str):
            return None
        entry = self.new.lookup(kind, value) or self.old.lookup(kind, value)
        if not isinstance(entry, dict):
            return None
        if kind == "severity":
            return _("%(name)s (%(id)s)", name=entry.get("name", value), id=value)
        if kind == "channel":
            return value
        shown = entry.get("name") or entry.get("title")
        return str(shown) if shown else None

    def show(self, rules: dict, keys: tuple, value, quote=True):
        """A value as a reviewer reads it: names for ids, units for numbers."""
        name = str(keys[-1]) if keys else ""
        if value is None or value is MISSING:
            return pgettext("no value", "nothing")
        if isinstance(value, bool):
            return pgettext("yes or no value", "yes") if value else pgettext("yes or no value", "no")
        if isinstance(value, int):
            if name.endswith("minutes"):
                return ngettext("%(num)s minute", "%(num)s minutes", value, num=value)
            if name.endswith("days"):
                return ngettext("%(num)s day", "%(num)s days", value, num=value)
            if name.endswith("months"):
                return ngettext("%(num)s month", "%(num)s months", value, num=value)
            if name.endswith("percent"):
                return f"{value}%"
            return str(value)
        if isinstance(value, dt.date):
            return Date(value)
        if isinstance(value, list):
            item_rules = rules.get("schema") if isinstance(rules.get("schema"), dict) else {}
            if not value:
                return pgettext("no value", "nothing")
            return _joined(_(", "), tuple(self.show(item_rules, keys, v, quote) for v in value))
        if isinstance(value, dict):
            return _joined(_(", "), tuple(_("%(key)s: %(value)s", key=k, value=self.show({}, (k,), v, quote))
                                          for k, v in value.items()))
        text = str(value)
        if name == "platform" and text in PLATFORMS:
            return PLATFORMS[text]
        if text in (rules.get("allowed") or ()) and text in VALUES.get(name, {}):
            return VALUES[name][text]
        shown = self.ref_name(rules.get("ref"), text)
        if shown is not None:
            return shown
        if quote and ((" " in text and re.search(r"[^\W\d_]", text)) or not text):
            return _quote(text)
        return text

    def emit(self, kind: str, parts: list, detail, before=None, after=None) -> None:
        words = [p for p in parts if not (isinstance(p, str) and not p)]
        if not words:
            words = [pgettext("changed field", "plan")]
        if len(words) > 1:
            # Translators: between the parts of what changed ("criteria, comments per hour"); Chinese: 的
            where = _joined(pgettext("between the parts of a change", ", "), tuple(words[1:]))
            detail = _("%(where)s %(detail)s", where=where, detail=detail)
        self.changes.append(Change(self.current_section, kind, words[0], detail, before, after))


_PLACEHOLDER_NAME = re.compile(r"%\((\w+)\)s")


def _verb(kind: str) -> Message:
    """What happened to an entry, in a word."""
    return {ADDED: pgettext("plan change", "added"), REMOVED: pgettext("plan change", "removed"),
            REWORDED: pgettext("plan change", "reworded")}[kind]


def _moved_words(i: int, j: int) -> Message:
    return _("moved from position %(old)s to %(new)s", old=i + 1, new=j + 1)


def _quoted(shown):
    return shown if _is_quoted(shown) else _quote(shown)


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
    for _ratio, _distance, i, j in sorted(scored):
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


def _node_summary(node):
    if not isinstance(node, dict):
        return _quote(node) if isinstance(node, str) else ""
    text = node.get("outcome") or node.get("question")
    return _quote(text) if text else ""


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


# A word of a text: a CJK character (Chinese and Japanese put no spaces
# between words, so each character counts), or a run of anything else up to a space.
_WORD = re.compile(f"[{CJK_CHARACTERS}]|[^\\s{CJK_CHARACTERS}]+")
_CJK_PER_WORD = 2  # characters of Chinese that say about as much as a word of English


def _words(text: str) -> list[str]:
    return _WORD.findall(str(text))


def _rejoined(words: list[str]) -> str:
    """Words back into text: a space between two words unless one side is CJK."""
    out = ""
    for word in words:
        if out and not CJK.match(out[-1]) and not CJK.match(word):
            out += " "
        out += word
    return out


def _length(words: list[str]) -> float:
    """How long a text reads, in words of English."""
    return sum(1 / _CJK_PER_WORD if CJK.match(w) else 1 for w in words)


def _is_long(*texts: str) -> bool:
    return any(_length(_words(t)) >= REWORD_WORDS for t in texts)


def _short(text: str) -> str:
    words, kept = _words(text), []
    for word in words:
        if _length(kept + [word]) > SHORT_WORDS:
            return _rejoined(kept) + "…"
        kept.append(word)
    return text


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
                    segments.append(("same", _rejoined(head)))
                segments.append(("gap", "…"))
                if tail:
                    segments.append(("same", _rejoined(tail)))
            else:
                segments.append(("same", _rejoined(same)))
            continue
        if tag in ("delete", "replace"):
            segments.append(("del", _rejoined(old[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(("ins", _rejoined(new[j1:j2])))
    return segments


# --- output -------------------------------------------------------------------

MARKS = {ADDED: "+", REMOVED: "-", CHANGED: "~", REWORDED: "~", MOVED: "~"}


def format_text(result: PlanDiff, language: i18n.Language | None = None) -> str:
    """The change list for a terminal, in `language` (default: the new plan's, `result.language`)."""
    lang = _language(result, language)
    colon = _colon(lang)
    lines = [_headline(result, lang)]
    lines += [say(_("Note: %(note)s", note=note), lang) for note in result.notes]
    for section, changes in result.sections().items():
        lines += ["", say(section, lang)]
        for change in changes:
            line = f"  {MARKS[change.kind]} {_subject(change, lang)}{colon}{say(change.detail, lang)}"
            if change.kind == REWORDED:
                line += colon + _render_words(change, _text_segment)
            lines.append(line)
    return "\n".join(lines) + "\n"


def format_markdown(result: PlanDiff, language: i18n.Language | None = None, *, heading_level: int = 2) -> str:
    """The change list in Markdown (a pull request, the handbook's "What changed" page),
    in `language` (default: the new plan's, `result.language`); the plan's text is escaped."""
    lang = _language(result, language)
    colon = _colon(lang)
    hashes = "#" * heading_level
    blocks = [_md_escape(_headline(result, lang))]
    blocks += ["> " + say(_("**Note:** %(note)s", note=_md_escape(say(note, lang))), lang) for note in result.notes]
    for section, changes in result.sections().items():
        items = []
        for change in changes:
            line = f"- **{_md_escape(_subject(change, lang))}**{colon}{_md_escape(say(change.detail, lang))}"
            if change.kind == REWORDED:
                line += colon + _render_words(change, _markdown_segment)
            items.append(line)
        blocks.append(f"{hashes} {_md_escape(say(section, lang))}\n\n" + "\n".join(items))
    return "\n\n".join(blocks) + "\n"


def _language(result: PlanDiff, language: i18n.Language | None) -> i18n.Language:
    return language or i18n.language(result.language)


def _colon(lang: i18n.Language) -> str:
    # Translators: between what changed and how ("Person Marcus Bell: removed"); Chinese: "："
    return say(pgettext("after what changed", ": "), lang)


def _subject(change: Change, lang: i18n.Language) -> str:
    text = say(change.subject, lang)
    return text if lang.locale.language in UNSPACED_LANGUAGES else text[:1].upper() + text[1:]


def _headline(result: PlanDiff, lang: i18n.Language) -> str:
    unchanged = (result.old_version or None) == (result.new_version or None)
    none = pgettext("no plan version", "(none)")
    old, new = result.old_version or none, result.new_version or none
    if not result.changes:
        words = (_("No changes from plan version %(version)s (the version is unchanged).", version=new) if unchanged
                 else _("No changes from plan version %(old)s to %(new)s.", old=old, new=new))
        return say(words, lang)
    count, sections = len(result.changes), len(result.sections())
    changes = ngettext("%(num)s change", "%(num)s changes", count, num=count)
    in_sections = ngettext("%(num)s section", "%(num)s sections", sections, num=sections)
    if unchanged:
        words = _("From plan version %(version)s (the version is unchanged): %(changes)s in %(sections)s.",
                  version=new, changes=changes, sections=in_sections)
    else:
        words = _("From plan version %(old)s to %(new)s: %(changes)s in %(sections)s.",
                  old=old, new=new, changes=changes, sections=in_sections)
    return say(words, lang)


def _render_words(change: Change, render) -> str:
    """The rewording, each segment rendered; no space between segments where Chinese meets Chinese."""
    before, after = change.before or "", change.after or ""
    cjk = bool(CJK.search(before + after))
    out, previous = "", ""
    for kind, words in word_diff(before, after, CONTEXT_WORDS * (_CJK_PER_WORD if cjk else 1)):
        if out and not (CJK.match(previous[-1:]) and CJK.match(words[:1])):
            out += " "
        out += render(kind, words)
        previous = words
    return out


def _text_segment(kind: str, words: str) -> str:
    return {"del": f"[-{words}-]", "ins": f"{{+{words}+}}"}.get(kind, words)


def _markdown_segment(kind: str, words: str) -> str:
    escaped = _md_escape(words)
    return {"del": f"<del>{escaped}</del>", "ins": f"<ins>{escaped}</ins>"}.get(kind, escaped)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)
