"""Checks across the whole plan, after every file has its right shape.

The schemas mark which fields define ids (`defines: KIND`) and which refer
to them (`ref: KIND`); `walk` finds both, so a new reference needs only a
schema change.  The rest are the rules of a sound crisis plan: backups,
decision trees that end, statements that fit their platform, dates.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from . import phones, platforms
from .hints import closest
from .load import LoadedFile
from .messages import Listing, Message, Phrase, _, pgettext
from .problems import ERROR, WARNING, Problem
from .schema import load_schemas
from .trees import tree_issues

# Where the ids of each kind are defined, in words, for messages (from the
# packaged section registry; a checked plan passes its own registry's nouns).
KIND_HOME = load_schemas().sections.nouns


def kind_noun(kind: str) -> Message:
    """What an id of `kind` refers to, in words ("a person in contacts.yaml"),
    for the format reference and editors' help; the catalogues translate the
    registry's nouns (i18n.extract_sections)."""
    return Phrase(KIND_HOME[kind]) if kind in KIND_HOME else _("a %(kind)s", kind=kind)

# Post length limits by platform, from the one platforms table.
PLATFORM_LIMITS = platforms.LIMITS

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
DRILL_GAP_DAYS = 365


@dataclass
class Site:
    """Where a value sits: its file and its path in that file."""
    file: LoadedFile
    path: tuple

    def problem(self, code, message, level=ERROR, on_key=False) -> Problem:
        return self.file.problem(self.path, code, message, level, on_key)


@dataclass
class Index:
    """Ids defined in the plan, by kind, with where each is defined."""
    ids: dict[str, dict[str, Site]] = field(default_factory=dict)
    refs: list[tuple[str, str, Site]] = field(default_factory=list)
    checks: list[tuple[str, object, Site]] = field(default_factory=list)


def walk(schema: dict, data, site: Site, index: Index) -> None:
    """Visit every field of `data` that its schema marks with a plan rule."""
    if not isinstance(data, dict):
        return
    for name, rules in schema.items():
        if name in data and isinstance(rules, dict):
            _walk_value(rules, data[name], Site(site.file, site.path + (name,)), index)


def _walk_value(rules: dict, value, site: Site, index: Index) -> None:
    if value is None:
        return
    if isinstance(value, str):
        if "defines" in rules:
            index.ids.setdefault(rules["defines"], {})
            seen = index.ids[rules["defines"]]
            if value in seen:
                first = seen[value]
                line = first.file.at(first.path).value_line
                if first.file is not site.file:
                    where = _("%(file)s, line %(line)s").format(file=first.file.name, line=line)
                else:
                    where = _("line %(line)s").format(line=line)
                index.checks.append(("duplicate", (rules["defines"], value, where), site))
            else:
                seen[value] = site
        if "ref" in rules:
            index.refs.append((rules["ref"], value, site))
        for check in ("phone", "email", "time_zone"):
            if rules.get(check):
                index.checks.append((check, value, site))
        return
    inner = rules.get("schema")
    if isinstance(value, list) and isinstance(inner, dict):
        for i, item in enumerate(value):
            _walk_value(inner, item, Site(site.file, site.path + (i,)), index)
    elif isinstance(value, dict):
        if isinstance(inner, dict) and rules.get("type") == "dict":
            walk(inner, value, site, index)
        values = rules.get("valuesrules")
        if isinstance(values, dict):
            for key, item in value.items():
                _walk_value(values, item, Site(site.file, site.path + (key,)), index)


def defined_kinds(schema) -> set[str]:
    """The kinds of id that a file governed by `schema` defines."""
    kinds = set()
    if isinstance(schema, dict):
        if isinstance(schema.get("defines"), str):
            kinds.add(schema["defines"])
        for rules in schema.values():
            kinds |= defined_kinds(rules)
    return kinds


def reference_problems(index: Index, unknowable: set[str] = frozenset(),
                       nouns: dict[str, str] | None = None) -> list[Problem]:
    """Dangling references; kinds in `unknowable` are skipped (their file could not be read).
    `nouns` name each kind in words (default: the packaged sections')."""
    nouns = KIND_HOME if nouns is None else nouns
    problems = []
    for kind, value, site in index.refs:
        known = index.ids.get(kind, {})
        if value in known or kind in unknowable:
            continue
        close = closest(value, known)
        noun = Phrase(nouns[kind]) if kind in nouns else _("a known %(kind)s").format(kind=kind)
        if close:
            message = _("'%(value)s' is not %(noun)s: did you mean '%(hint)s'?").format(value=value, noun=noun, hint=close)
        else:
            message = _("'%(value)s' is not %(noun)s: add it to %(home)s or fix the id").format(
                value=value, noun=noun, home=nouns.get(kind, kind).split(" in ")[-1])
        problems.append(site.problem("unknown-reference", message))
    return problems


def value_problems(index: Index, region: str | None = None, today: dt.date | None = None) -> list[Problem]:
    """Duplicate ids, phone numbers, email addresses and time zones; `region` is
    the plan's country (phones.plan_region), which numbers may be written in."""
    problems = []
    for check, value, site in index.checks:
        if check == "duplicate":
            kind, name, where = value
            problems.append(site.problem("duplicate-id", _("the id '%(id)s' is already used (%(where)s): "
                                                           "every %(kind)s needs its own id").format(
                id=name, where=where, kind=kind)))
        elif check == "phone":
            verdict = phones.check(value, region)
            if not verdict.ok:
                problems.append(site.problem("bad-phone", verdict.message, WARNING if verdict.warning else ERROR))
        elif check == "email" and not EMAIL.match(value):
            problems.append(site.problem("bad-email", _("'%(value)s' is not an email address").format(value=value)))
        elif check == "time_zone" and value not in _time_zones():
            problems.append(site.problem("bad-time-zone",
                                         time_zone_message(value, region, today, _countries_of_numbers(site, region))))
    return problems


# "UTC+8", "GMT+08:00", "UTC -5", "+0530": an offset from UTC, not a time zone.
_OFFSET = re.compile(r"^(?:UTC|GMT|UT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
# Well-known zones, offered after the plan's own country's when an offset names no place.
_WELL_KNOWN_ZONES = (
    "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Athens", "Europe/Moscow", "Europe/Istanbul",
    "Africa/Lagos", "Africa/Cairo", "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi",
    "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Taipei", "Asia/Shanghai", "Asia/Hong_Kong",
    "Asia/Singapore", "Asia/Manila", "Asia/Tokyo", "Asia/Seoul", "Australia/Perth", "Australia/Sydney",
    "Pacific/Auckland", "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Halifax",
    "America/New_York", "America/Toronto", "America/Chicago", "America/Mexico_City", "America/Denver",
    "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
)


def _countries_of_numbers(site: Site, region: str | None) -> tuple[str, ...]:
    """The countries of the phone numbers beside a time zone (a person's), for its hint."""
    entry = site.file.data
    for step in site.path[:-1]:
        try:
            entry = entry[step]
        except (KeyError, IndexError, TypeError):
            return ()
    numbers = [phone.get("number") for phone in entries(entry.get("phones"))] if isinstance(entry, dict) else []
    return tuple(dict.fromkeys(c for c in (phones.number_region(n, region) for n in numbers) if c))


def time_zone_message(value: str, region: str | None = None, today: dt.date | None = None,
                      near: tuple[str, ...] = ()) -> str:
    """Why `value` is not a time zone, with the zone meant: for an offset such as
    "GMT+8", the zones with that offset, those of the countries in `near` (a
    person's phone numbers') first, then the plan's country's."""
    countries = tuple(dict.fromkeys(c for c in (*near, region) if c))
    offset = _OFFSET.match(unicodedata.normalize("NFKC", value).strip().replace("\u2212", "-"))
    if offset and int(offset.group(2)) <= 14 and int(offset.group(3) or 0) < 60:
        sign = -1 if offset.group(1) == "-" else 1
        minutes = sign * (int(offset.group(2)) * 60 + int(offset.group(3) or 0))
        zones = zones_with_offset(minutes, countries, today or dt.date.today())
        if zones:
            ours = [z for z in zones if any(z in phones.region_zones(c) for c in countries)]
            if ours:
                return _("'%(value)s' is an offset from UTC, not a time zone: did you mean '%(zone)s'? "
                         "(a zone's name also follows summer time)").format(value=value, zone=ours[0])
            return _("'%(value)s' is an offset from UTC, not a time zone: name the zone of the person's city, "
                     "e.g. %(zones)s").format(value=value, zones=Listing(zones[:3]))
    city = _zone_by_city(value) or closest(value, sorted(_time_zones()), cutoff=0.7)
    if city:
        return _("'%(value)s' is not a time zone: did you mean '%(zone)s'?").format(value=value, zone=city)
    return _("'%(value)s' is not a time zone: use a name such as 'Europe/London'").format(value=value)


def zones_with_offset(minutes: int, countries, today: dt.date) -> list[str]:
    """The zones whose offset from UTC is `minutes` in winter or summer: those
    of `countries` (region codes, or one code) first, then well-known ones, then the rest."""
    countries = (countries,) if isinstance(countries, str) else tuple(c for c in countries or () if c)
    import zoneinfo
    moments = [dt.datetime(today.year, 1, 15, 12), dt.datetime(today.year, 7, 15, 12)]

    def matches(name: str) -> bool:
        zone = zoneinfo.ZoneInfo(name)
        return any(zone.utcoffset(moment) == dt.timedelta(minutes=minutes) for moment in moments)

    ours = list(dict.fromkeys(z for c in countries for z in phones.region_zones(c) if z in _time_zones()))
    others = [z for z in _WELL_KNOWN_ZONES if z not in ours]
    found = [z for z in [*ours, *others] if matches(z)]
    if not found:
        found = [z for z in sorted(_time_zones()) if "/" in z and not z.startswith("Etc/") and matches(z)]
    return found


def _zone_by_city(value: str) -> str | None:
    """'Taipei' or 'new york' -> the zone named after that city."""
    wanted = "_".join(value.strip().split()).casefold()
    if not wanted or "/" in wanted:
        return None
    return next((z for z in sorted(_time_zones()) if z.rsplit("/", 1)[-1].casefold() == wanted and "/" in z), None)


@lru_cache(maxsize=1)
def _time_zones() -> frozenset:
    import zoneinfo
    return frozenset(zoneinfo.available_timezones() | {"UTC"})


def country_problems(about: LoadedFile | None) -> list[Problem]:
    """organisation.country must be a country phone numbers are known for."""
    organisation = about.data.get("organisation") if about and isinstance(about.data, dict) else None
    country = organisation.get("country") if isinstance(organisation, dict) else None
    if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country) or phones.known_region(country):
        return []
    return [about.problem(("organisation", "country"), "unknown-country",
                          _("'%(value)s' is not a country code: use the two-letter ISO 3166 code, e.g. 'TW' or 'GB'").format(
                              value=country))]


def people_problems(contacts: LoadedFile | None, roles: LoadedFile | None) -> list[Problem]:
    problems = []
    if contacts and isinstance(contacts.data, dict):
        for i, person in enumerate(entries(contacts.data.get("people"))):
            if person.get("backup") and person.get("backup") == person.get("id"):
                problems.append(contacts.problem(("people", i, "backup"), "self-backup",
                                                 _("%(name)s is their own backup: name someone else").format(
                                                     name=person.get("name", person["id"]))))
        for i, spokesperson in enumerate(entries(contacts.data.get("spokespeople"))):
            alternates = spokesperson.get("alternates") or []
            if spokesperson.get("contact") in alternates:
                problems.append(contacts.problem(("spokespeople", i, "alternates"), "self-backup",
                                                 _("a spokesperson cannot be their own alternate: name someone else")))
    if roles and isinstance(roles.data, dict):
        for i, role in enumerate(entries(roles.data.get("roles"))):
            if role.get("primary") and role.get("primary") == role.get("backup"):
                problems.append(roles.problem(("roles", i, "backup"), "self-backup",
                                              _("the role '%(role)s' has the same person as primary and backup: name a different backup, "
                                                "so the role never depends on one person").format(role=role.get("id"))))
    return problems


def escalation_problems(escalation: LoadedFile | None) -> list[Problem]:
    if not escalation or not isinstance(escalation.data, dict):
        return []
    problems = []
    levels = [(i, lvl) for i, lvl in enumerate(entries(escalation.data.get("levels"))) if isinstance(lvl.get("rank"), int)]
    ranks: dict[int, int] = {}
    for i, level in levels:
        if level["rank"] in ranks:
            first = escalation.data["levels"][ranks[level["rank"]]]
            problems.append(escalation.problem(("levels", i, "rank"), "duplicate-rank",
                                               _("rank %(rank)s is already used by '%(level)s': give every level its own rank").format(
                                                   rank=level["rank"], level=first.get("id"))))
        else:
            ranks[level["rank"]] = i
    ordered = sorted(levels, key=lambda item: item[1]["rank"])
    for (_i, higher), (j, lower) in zip(ordered, ordered[1:]):
        if higher["rank"] == lower["rank"]:
            continue
        for key, message in _SLOWER_WHEN_WORSE.items():
            a, b = higher.get(key), lower.get(key)
            if isinstance(a, int) and isinstance(b, int) and a > b:
                problems.append(escalation.problem(
                    ("levels", j, key), "slower-when-worse",
                    message.format(higher=higher.get("id"), higher_rank=higher["rank"], higher_minutes=a,
                                   lower=lower.get("id"), lower_rank=lower["rank"], lower_minutes=b),
                    WARNING))
    return problems


_SLOWER_WHEN_WORSE = {
    "first_response_minutes": _("the first response of '%(higher)s' (rank %(higher_rank)s, %(higher_minutes)s min) is slower "
                                "than that of '%(lower)s' (rank %(lower_rank)s, %(lower_minutes)s min): a more severe level "
                                "should be as fast or faster"),
    "update_every_minutes": _("the update cadence of '%(higher)s' (rank %(higher_rank)s, %(higher_minutes)s min) is slower "
                              "than that of '%(lower)s' (rank %(lower_rank)s, %(lower_minutes)s min): a more severe level "
                              "should be as fast or faster"),
}


def _too_long(platform) -> Message:
    if platforms.unit(platform) == "bytes":
        return _("the statement is %(length)s bytes; %(channel)s on %(platform)s allows %(limit)s: shorten it by %(over)s")
    return _("the statement is %(length)s characters; %(channel)s on %(platform)s allows %(limit)s: shorten it by %(over)s")


def tree_problems(tree: LoadedFile) -> list[Problem]:
    return [tree.problem(issue.path, issue.code, issue.message, on_key=issue.on_key)
            for issue in tree_issues(tree.data)]


def statement_problems(playbook: LoadedFile, channels: dict[str, dict]) -> list[Problem]:
    problems = []
    seen: dict[tuple, int] = {}
    for i, statement in enumerate(entries(playbook.data.get("statements"))):
        key = (statement.get("channel"), statement.get("label"))
        if key[0] and key in seen:
            if key[1]:
                message = _("statement %(number)s is also for '%(channel)s' with the label '%(label)s': give each statement "
                            "for the same channel its own 'label', e.g. \"First response\" and \"Update\"")
            else:
                message = _("statement %(number)s is also for '%(channel)s': give each statement for the same channel "
                            "its own 'label', e.g. \"First response\" and \"Update\"")
            problems.append(playbook.problem(("statements", i, "channel"), "statement-needs-label",
                                             message.format(number=seen[key] + 1, channel=key[0], label=key[1])))
        seen.setdefault(key, i)
        channel = channels.get(statement.get("channel"))
        text = statement.get("text")
        if statement.get("status") == "approved" and not statement.get("approved_by"):
            problems.append(playbook.problem(("statements", i, "status"), "approval-missing",
                                             _("the statement is marked approved but 'approved_by' is missing: "
                                               "name the role that approved it")))
        if not channel or not isinstance(text, str):
            continue
        platform = channel.get("platform")
        limit = channel.get("max_post_length") or PLATFORM_LIMITS.get(platform)
        if not isinstance(limit, int):
            continue
        length = post_length(text.strip(), platform)
        if length > limit:
            problems.append(playbook.problem(
                ("statements", i, "text"), "statement-too-long",
                _too_long(platform).format(length=length, channel=channel.get("handle", channel.get("id")),
                                           platform=pgettext("platform", platforms.name(platform)), limit=limit, over=length - limit)))
    return problems


# Length as the platform counts it (X counts a link as 23 and CJK as 2, Google
# Maps review replies count UTF-8 bytes); kept here for those who import it.
post_length = platforms.post_length


def date_problems(files: dict[str, LoadedFile], playbooks: dict[str, LoadedFile], today: dt.date) -> list[Problem]:
    problems = []
    about = files.get("about")
    plan = about.data.get("plan") if about and isinstance(about.data, dict) else None
    if isinstance(plan, dict):
        next_review = plan.get("next_review")
        if isinstance(next_review, dt.date) and next_review < today:
            problems.append(about.problem(("plan", "next_review"), "plan-review-overdue",
                                          _("the plan was due for review on %(date)s: review it, then set a new next_review date").format(
                                              date=next_review.isoformat()), WARNING))
        effective = plan.get("effective")
        for i, approver in enumerate(entries(plan.get("approvers"))):
            approved = approver.get("approved")
            if isinstance(approved, dt.date) and isinstance(effective, dt.date) and approved > effective:
                problems.append(about.problem(("plan", "approvers", i, "approved"), "approved-after-effective",
                                              _("approved on %(approved)s, after the plan took effect on %(effective)s").format(
                                                  approved=approved.isoformat(), effective=effective.isoformat()), WARNING))
    for loaded in [*files.values(), *playbooks.values()]:
        problems += freshness_problems(loaded, today)
    drills = files.get("drills")
    if drills and isinstance(drills.data, dict):
        last_drilled: dict[str, dt.date] = {}
        for i, drill in enumerate(entries(drills.data.get("drills"))):
            due, last = drill.get("next_due"), drill.get("last_run")
            if isinstance(due, dt.date) and due < today:
                problems.append(drills.problem(("drills", i, "next_due"), "drill-overdue",
                                               _("the drill '%(drill)s' was due on %(date)s: run it and record last_run, or set a new date").format(
                                                   drill=drill.get("id"), date=due.isoformat()), WARNING))
            if isinstance(last, dt.date) and last > today:
                problems.append(drills.problem(("drills", i, "last_run"), "date-in-future",
                                               _("last_run %(date)s is in the future").format(date=last.isoformat()), WARNING))
            if isinstance(last, dt.date) and isinstance(drill.get("playbook"), str):
                previous = last_drilled.get(drill["playbook"])
                last_drilled[drill["playbook"]] = max(last, previous) if previous else last
        for playbook_id, loaded in playbooks.items():
            last = last_drilled.get(playbook_id)
            if last is None or (today - last).days > DRILL_GAP_DAYS:
                if last:
                    message = _("the playbook '%(playbook)s' has not been drilled since %(date)s: "
                                "schedule a drill in drills.yaml").format(playbook=playbook_id, date=last.isoformat())
                else:
                    message = _("the playbook '%(playbook)s' has never been drilled: schedule a drill in drills.yaml").format(
                        playbook=playbook_id)
                problems.append(loaded.problem(("id",), "not-drilled", message, WARNING))
    return problems


def review_state(review, today: dt.date) -> tuple[str, dt.date | None]:
    """('current' | 'overdue' | 'unknown', due date) of a section's `review` block."""
    if not isinstance(review, dict):
        return "unknown", None
    last, months = review.get("last_reviewed"), review.get("every_months")
    if not isinstance(last, dt.date) or not isinstance(months, int) or isinstance(months, bool):
        return "unknown", None
    due = add_months(last, months)
    return ("overdue" if due < today else "current"), due


def freshness_problems(loaded: LoadedFile, today: dt.date) -> list[Problem]:
    if not isinstance(loaded.data, dict):
        return []
    state, due = review_state(loaded.data.get("review"), today)
    if state != "overdue":
        return []
    return [loaded.problem(("review", "last_reviewed"), "section-review-overdue",
                           _("this section was due for review on %(date)s: have its owner review it and update last_reviewed").format(
                               date=due.isoformat()), WARNING)]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter);
    the last date there is for one past the calendar's end."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return dt.date.max if year > dt.MAXYEAR else dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def entries(items) -> Iterator[dict]:
    """The items of a list, with {} standing in for any that is not a block (indexes stay right)."""
    for item in items if isinstance(items, list) else []:
        yield item if isinstance(item, dict) else {}
