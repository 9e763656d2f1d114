"""The plan as the handbook's Markdown pages, through the templates in `theme/pages/`.

    pages = render_pages(plan, [Path("overrides/pages"), Path("theme/pages")])
    pages["index.md"]                   # "In a crisis? Start here"
    pages["playbooks/hijacked-account.md"]
    pages["contacts/crisis-team.vcf"]   # not Markdown: the crisis team as vCards

One template per page kind, named like its plan domain (`contacts.md.j2`);
the first folder that holds a template wins, so an organisation restyles a
page by dropping one file into its own folder.  Python only prepares data
(lookups both ways, steps of a tree, lengths of statements); wording and
layout are the templates'.  Every template gets `v` (a `PlanView`), `plan`,
`m` (the macros of `_macros.md.j2`), `root` (the way back to the top of the
site) and `page` (its own path); `playbook.md.j2` also gets `playbook`,
`statements` and `involved`, `tree.md.j2` gets `tree` and `steps`,
`reference.md.j2` gets `files` and `changes.md.j2` gets `changes`.

Plan text is untrusted and MkDocs lets Markdown carry raw HTML, so every
plan string reaches a page through a filter: `md` (inline text), `md_block`
(paragraphs), `mermaid` (diagram labels) or `fence` (copyable blocks).
This module never imports MkDocs.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Callable

import jinja2

from . import i18n, platforms
from . import phones
from . import audience
from . import kept_pages
from .crosscheck import DRILL_GAP_DAYS, PLATFORM_LIMITS, kind_noun, post_length
from .messages import say
from .plan import Plan, local_schema_dir
from .schema import file_stamps, load_schemas
from .sections import Registry
from .trees import is_outcome, reachable_from

TEMPLATE_SUFFIX = ".md.j2"
MACROS = "_macros.md.j2"
VCARD_PATH = "contacts/crisis-team.vcf"
TRIAGE_TREE = "is-this-a-crisis"

# The triage tree's place in the navigation, before its page is known.
TRIAGE = "<triage tree>"
N_ = i18n.N_


def nav_entries(registry: Registry) -> tuple[tuple[str, str], ...]:
    """(title, path) of every page in the order a stressed reader needs them:
    the home page and the triage tree (TRIAGE), then the plan's sections in
    the registry's order (schema/sections.yaml), then what changed (only
    built when a change summary is given) and the plan format reference.
    Playbooks and trees fill their sections."""
    return ((N_("In a crisis? Start here"), "index.md"), (N_("Is this a crisis?"), TRIAGE),
            *((section.title, section.page) for section in registry.sections),
            (N_("What changed in this version"), "changes.md"), (N_("Plan format reference"), "reference.md"))


def single_pages(registry: Registry) -> dict[str, str]:
    """Page path -> template, for the pages rendered once per plan."""
    return {"index.md": "index", **{s.page: s.template for s in registry.sections}, "reference.md": "reference"}


# The packaged plan's pages (a plan repository's own sections add to these).
NAV = nav_entries(load_schemas().sections)
SINGLE_PAGES = single_pages(load_schemas().sections)


PLATFORM_NAMES = platforms.NAMES

# The contacts page lists everyone up to this many people. A larger plan's page
# keeps the crisis team (everyone holding a role, speaking for the organisation
# or looking after ambassadors) and lists the others by name in pages of this
# many (contacts/people-1.md, ...): no page grows with the staff list, and a
# phone on a slow network opens each in seconds.
CONTACTS_PER_PAGE = 100
CONTACT_PARTS = "contacts/people-{}.md"


def is_contacts_part(path: str) -> bool:
    """A page of a large plan's contact list: reached from the contacts page and search, not the navigation."""
    return re.fullmatch(r"contacts/people-\d+\.md", path) is not None


class RenderError(Exception):
    """A template could not be rendered; the message names the template and line."""


# --- the API ---------------------------------------------------------------------------

def render_pages(plan: Plan, templates_dir: Path | str | list, changes_markdown: str | None = None,
                 language: i18n.Language | None = None, kept: kept_pages.KeptPages | None = None) -> dict[str, str]:
    """Every page of the handbook: {path under docs/: Markdown}, plus the vCard file.

    `templates_dir` is a folder or a list of folders searched in order.
    `changes_markdown` (trusted Markdown, e.g. from `crisisplan diff`) adds
    "changes.md"; without it there is no such page.
    `language` gives the handbook's own words; by default the plan's
    language (plan.language), with the catalogues in the `locale/` folders
    beside the template folders (see i18n.py).
    `kept`, under `mkdocs serve`, holds the pages of the last render: a page
    that nothing read by it changed is kept, not rendered (see kept_pages.py).
    """
    language = language or i18n.for_plan(plan, locale_dirs(templates_dir))
    folders = _folders(templates_dir)
    env = environment(folders, language)
    view = PlanView(plan, language)
    run = None
    v, p = view, plan  # what the templates get
    if kept is not None:
        run = kept.start(objects=(language, plan.registry),
                         values=(folders, file_stamps(*folders, pattern="**/*"), plan.today, plan.audience),
                         sources={"v": view, "plan": plan})
        p = run.noted("plan", fixed={"registry": plan.registry, "today": plan.today, "audience": plan.audience})
        v = run.noted("v", fixed={"plan": p, "lang": view.lang, "today": view.today, "titles": view.titles})
    pages: dict[str, str] = {}
    macros: dict[str, Macros] = {}

    def render(path: str, template: str, **context) -> None:
        name = template + TEMPLATE_SUFFIX
        root = "../" * path.count("/")

        def text() -> str:
            try:
                if root not in macros:
                    macros[root] = Macros(env.get_template(MACROS).make_module({"v": v, "plan": p, "root": root}),
                                          run)
                return tidy(env.get_template(name).render(v=v, plan=p, page=path, root=root, m=macros[root],
                                                          **context))
            except jinja2.TemplateError as exc:
                raise RenderError(_describe(exc, name)) from None

        pages[path] = run.page(path, (template, context), text) if run else text()

    for path, template in single_pages(plan.registry).items():
        if path == "reference.md":
            render(path, template, files=reference_files(plan, language))
        else:
            section = plan.registry.get(path.removesuffix("/index.md").removesuffix(".md"))
            if section and not (plan.folder(section.name) if section.folder else set(plan[section.name]) - {"review"}):
                continue  # nothing of the section is in this audience's plan (see audience.py)
            render(path, template, section=plan[section.name] if section and not section.folder else None)
    for playbook in view.playbook_list:
        render(view.path("playbook", playbook["id"]), "playbook", playbook=playbook,
               statements=view.statements(playbook), involved=view.involved(playbook))
    for tree in view.tree_list:
        render(view.path("tree", tree["id"]), "tree", tree=tree, steps=view.steps(tree))
    if "contacts.md" in pages:
        for part in view.contact_parts:
            render(part["path"], "contacts", part=part)
    if changes_markdown is not None:
        render("changes.md", "changes", changes=changes_markdown)
    if view.people:
        pages[VCARD_PATH] = run.page(VCARD_PATH, "vcard", lambda: vcard(p, v)) if run else vcard(plan, view)
    if run:
        run.finish()
    return pages


class Macros:
    """The macros of `_macros.md.j2`, as every template gets them (`m`), for one page depth.

    A macro's text depends only on its arguments, `v` and `root`, so each
    result is remembered: a person linked from a hundred pages is rendered
    once per depth. Under a render that keeps pages (`run`), what the macro
    read counts for every page that asks for its result.
    """

    def __init__(self, module, run: kept_pages.Render | None = None):
        self._module = module
        self._run = run
        self._results: dict = {}

    def __getattr__(self, name: str):
        macro = getattr(self._module, name)
        if not callable(macro):
            return macro
        results, run = self._results, self._run

        def remembered(*args, **kwargs):
            key = (name, args, tuple(sorted(kwargs.items())))
            try:
                result, reads = results[key]
            except KeyError:
                if run is None:
                    result, reads = macro(*args, **kwargs), None
                else:
                    result, reads = run.remembered(lambda: macro(*args, **kwargs))
                results[key] = result, reads
                return result
            except TypeError:  # an unhashable argument
                return macro(*args, **kwargs)
            if reads:
                run.again(reads)
            return result

        setattr(self, name, remembered)
        return remembered


def nav(plan: Plan, pages: dict | None = None, language: i18n.Language | None = None) -> list:
    """The `nav` of mkdocs.yml for this plan, in NAV order.

    Playbooks and trees are listed by path only: MkDocs then takes their
    titles from the pages' headings, escaped, rather than raw plan text.
    With `pages`, entries for pages that were not rendered are left out.
    """
    view = PlanView(plan)
    triage = view.triage
    out: list = []
    for title, path in nav_entries(plan.registry):
        if path == TRIAGE:
            if triage:
                out.append({title: view.path("tree", triage)})
        elif path == "playbooks/index.md":
            out.append({title: [path] + [view.path("playbook", p["id"]) for p in view.playbook_list]})
        elif path == "trees/index.md":
            out.append({title: [path] + [view.path("tree", t["id"]) for t in view.tree_list
                                         if t["id"] != triage]})
        elif pages is None and path == "changes.md":
            continue
        elif path == "index.md" and not view.roles:
            out.append({N_("Home"): path})  # no crisis team: the public handbook, which has no "Start here"
        else:
            out.append({title: path})
    if pages is not None:
        out = [item for item in out if _nav_paths(item) & pages.keys()]
    language = language or i18n.for_plan(plan)
    return [{language.gettext(title): value for title, value in item.items()} for item in out]


def _nav_paths(item: dict) -> set:
    (value,) = item.values()
    return set(value) if isinstance(value, list) else {value}


def environment(folders: tuple[str, ...], language: i18n.Language | None = None) -> jinja2.Environment:
    """One Jinja environment per search path and language (English by default),
    kept for the life of the process."""
    return _environment(folders, language or i18n.language(i18n.DEFAULT_LANGUAGE))


@lru_cache(maxsize=8)
def _environment(folders: tuple[str, ...], language: i18n.Language) -> jinja2.Environment:
    """(See environment.)

    It keeps each template compiled in memory and compiles it again when its
    file changes, so `mkdocs serve` rebuilds reuse what the first build
    compiled.  Nothing compiled is written to disk."""
    env = _PlanEnvironment(
        loader=jinja2.FileSystemLoader(list(folders)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown: plan text goes through `md` explicitly
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # `{#id}` sets a heading's anchor in Markdown (attr_list), so Jinja
        # comments are written {## ... ##} in these templates.
        comment_start_string="{##",
        comment_end_string="##}",
        extensions=["jinja2.ext.i18n"],
    )
    # The handbook's own words: {% trans %}, _(), ngettext() and pgettext() in
    # the templates, translated by the language's catalogues. `trimmed` joins
    # the lines of a {% trans %} block, as `pybabel extract` does (babel.cfg).
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(language.translations, newstyle=True)
    env.globals["_"] = _short_gettext(language.translations)
    env.globals["lang"] = language
    env.filters.update(md=md, md_block=md_block, mermaid=mermaid_label, fence=fence, tel=tel_href,
                       mailto=mailto_href, url=url_href, minutes=language.minutes, date=language.date,
                       plural=plural, choice=language.choice, unit=language.unit)
    return env


class _PlanEnvironment(jinja2.Environment):
    """Jinja's environment, reading `person.name` from plan data (plain dicts) by key at once.

    Jinja tries a dict's attribute first and its key after, through an AttributeError a time:
    the same answer, but a contact list asks it a hundred thousand times. A name that is a
    dict's own method (`person.get`, `items`) is still the method, as in Jinja."""

    def getattr(self, obj, attribute):
        kind = type(obj)
        if kind is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        elif kind is kept_pages.Noted:  # the view or the plan, noting what a page reads (kept_pages.py)
            try:
                return obj.__getattr__(attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))


def _short_gettext(translations) -> Callable[..., str]:
    """`_()` as Jinja's newstyle gettext has it (the message translated, then its %(name)s
    filled in), called directly: a contact list calls it ten times a person, and Jinja's
    own goes through the template context twice a call."""
    translated = lru_cache(maxsize=4096)(translations.gettext)

    def gettext(message: str, **values) -> str:
        return translated(message) % values

    return gettext


def locale_dirs(templates_dir) -> list[Path]:
    """The catalogue folders for these template folders, last wins: the
    packaged theme's locale/, then `locale/` beside each template folder
    (an organisation's theme folder has pages/ and locale/ side by side)."""
    folders = [Path(folder).resolve().parent / i18n.LOCALE_FOLDER for folder in _folders(templates_dir)]
    ordered = [i18n.packaged_locale_dir().resolve(), *reversed(folders)]
    return [folder for folder in dict.fromkeys(ordered) if folder.is_dir()]


def _folders(templates_dir) -> tuple[str, ...]:
    """The template folders as absolute paths, the key of their environment."""
    items = templates_dir if isinstance(templates_dir, (list, tuple)) else [templates_dir]
    return tuple(str(Path(item).resolve()) for item in items)


def _describe(exc: jinja2.TemplateError, name: str) -> str:
    """'contacts.md.j2:12: message', with the line in the template where it failed."""
    where = name
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.lineno:
        where = f"{exc.filename or exc.name or name}:{exc.lineno}"
    else:
        tb: TracebackType | None = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(TEMPLATE_SUFFIX):
                where = f"{filename}:{tb.tb_lineno}"
            tb = tb.tb_next
    return f"{where}: {exc.message or exc.__class__.__name__}"


_FENCE = re.compile(r"\s*(`{3,}|~{3,})")


def tidy(text: str) -> str:
    """At most one blank line in a row outside code blocks, no trailing spaces, one final newline."""
    out: list[str] = []
    fence = None
    for line in text.split("\n"):
        if fence:
            out.append(line)
            if line.strip() == fence:
                fence = None
            continue
        line = line.rstrip()
        opening = _FENCE.match(line) if ("```" in line or "~~~" in line) else None
        if opening:
            fence = opening.group(1)
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


# --- filters: plan text into Markdown, safely ----------------------------------------------

_INLINE = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;",
    **{c: "\\" + c for c in "\\`*_[]{}|#"},
})
# Characters that start a block (list, heading rule, definition, admonition,
# fence...) when they open a line; escaped wherever a value starts.
_BLOCK_START = re.compile(r"^(?:[-+][ \t]|[-=]+$|[:][ \t]|[!?~]{3})")
_LEADING = {"-": "\\-", "+": "\\+", "!": "\\!", "=": "&#61;", ":": "&#58;", "?": "&#63;", "~": "&#126;"}
_ORDERED = re.compile(r"^(\d+)([.)])(?=[ \t]|$)")


def md(value) -> str:
    """Plan text as one line of inline Markdown that shows exactly as written.

    HTML and entities become text; Markdown syntax (emphasis, links, images,
    code, attribute lists, table cells, block starters) is escaped.
    """
    if value is None:
        return ""
    text = " ".join((value if isinstance(value, str) else date_text(value)).split()).translate(_INLINE)
    first = text[:1]
    if first in _LEADING and _BLOCK_START.match(text):
        text = _LEADING[first] + text[1:]
    elif first.isdigit():
        text = _ORDERED.sub(r"\1\\\2", text, count=1)
    return text


def md_block(value) -> str:
    """Plan text as paragraphs (blank lines in the text separate them)."""
    if value is None:
        return ""
    paragraphs = re.split(r"\n[ \t]*\n", str(value).strip())
    return "\n\n".join(md(p) for p in paragraphs if p.strip())


_MERMAID_SAFE = frozenset(" .,?!'-()/:+")


def mermaid_label(value) -> str:
    """Text for a quoted Mermaid label: anything but letters, digits and plain
    punctuation becomes an entity code (#34;), so no quote, bracket, markup or
    directive in the plan can change the diagram."""
    text = " ".join(str(value).split())
    return "".join(ch if ch.isalnum() or ch in _MERMAID_SAFE else f"#{ord(ch)};" for ch in text)


def fence(value, lang: str = "text") -> str:
    """A fenced code block holding the text as written (Material adds a copy button)."""
    text = "\n".join(line.rstrip() for line in str(value).strip("\n").split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text}\n{ticks}"


def tel_href(number) -> str:
    """tel: link target: the number in E.164, with any extension as ;ext= (the plan's
    country is not known here: templates call `v.tel_uri`, which knows it)."""
    return phones.tel_uri(number)


def mailto_href(address) -> str:
    return "mailto:" + urllib.parse.quote(str(address), safe="@.+-_")


def url_href(url) -> str:
    """An http(s) link target that cannot break out of a Markdown link."""
    url = str(url).strip()
    if not re.match(r"^https?://", url):
        return "#"
    return urllib.parse.quote(url, safe=":/?#@!$&'*+,;=%-._~")


def minutes(value) -> str:
    """5 -> '5 min', 90 -> '1 h 30 min', 1440 -> '1 day'."""
    value = int(value)
    if value < 60:
        return f"{value} min"
    if value % 1440 == 0:
        return plural(value // 1440, "day")
    hours, rest = divmod(value, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def date_text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


# --- the plan, looked up both ways ------------------------------------------------------------

class PlanView:
    """The plan as the templates need it: entries by id and every reverse lookup, built once."""

    def __init__(self, plan: Plan, language: i18n.Language | None = None):
        self.plan = plan
        self.lang = language or i18n.for_plan(plan)
        self.today = plan.today
        self.titles = {path: title for title, path in nav_entries(plan.registry)}
        about = plan["about"]
        self.organisation = about.get("organisation") or {}
        self.document = about.get("plan") or {}
        # The plan's country: its numbers are shown as dialled there, others internationally.
        self.region: str | None = phones.plan_region(about)
        contacts, roles = plan["contacts"], plan["roles"]

        # Entries by id, in plan order, as the checks indexed them.
        self.people: dict[str, dict] = plan.index.get("contact", {})
        # Internal staff first, then external contacts, each in plan order.
        self.people_by_kind = sorted(self.people.values(), key=lambda p: p.get("kind") != "internal")
        self.roles: dict[str, dict] = plan.index.get("role", {})
        self.lead_role: str | None = roles.get("lead_role")
        self.severities: dict[str, dict] = plan.index.get("severity", {})
        self.levels: list[dict] = sorted(self.severities.values(), key=lambda lvl: lvl.get("rank", 0))
        self.level_index = {lvl["id"]: i for i, lvl in enumerate(self.levels)}
        self.channels: dict[str, dict] = plan.index.get("channel", {})
        self.actions: dict[str, dict] = plan.index.get("action", {})
        self.ambassadors: dict[str, dict] = plan.index.get("ambassador", {})

        self.playbooks = plan.playbooks
        self.playbook_list = sorted(plan.playbooks.values(), key=lambda p: (str(p.get("title", "")).casefold(), p["id"]))
        self.trees = plan.trees
        self.triage = triage_tree(plan)
        self.tree_list = sorted(plan.trees.values(),
                                key=lambda t: (t["id"] != self.triage, str(t.get("title", "")).casefold(), t["id"]))

        # person -> [(role, "primary" | "backup")], person -> people they back up
        self.roles_of: dict[str, list[tuple[dict, str]]] = {}
        for role in self.roles.values():
            for duty in ("primary", "backup"):
                self.roles_of.setdefault(role.get(duty), []).append((role, duty))
        self.backup_for: dict[str, list[dict]] = {}
        for person in self.people.values():
            if person.get("backup"):
                self.backup_for.setdefault(person["backup"], []).append(person)
        self.speaks_on: dict[str, list[dict]] = {}
        self.alternate_for: dict[str, list[dict]] = {}
        for spokesperson in contacts.get("spokespeople") or []:
            self.speaks_on.setdefault(spokesperson["contact"], []).append(spokesperson)
            for alternate in spokesperson.get("alternates") or []:
                self.alternate_for.setdefault(alternate, []).append(spokesperson)
        self.ambassadors_of: dict[str, list[dict]] = {}
        for ambassador in self.ambassadors.values():
            self.ambassadors_of.setdefault(ambassador.get("relationship_owner"), []).append(ambassador)

        # Who the contacts page lists, and for a large plan the pages of the others (CONTACTS_PER_PAGE).
        self.contacts_listed: list[dict] = self.people_by_kind
        self.contact_parts: list[dict] = []
        self.contact_page_of: dict[str, str] = {}
        if len(self.people) > CONTACTS_PER_PAGE:
            team = set(self.roles_of) | set(self.speaks_on) | set(self.alternate_for) | set(self.ambassadors_of)
            self.contacts_listed = [p for p in self.people_by_kind if p["id"] in team]
            others = sorted((p for p in self.people_by_kind if p["id"] not in team),
                            key=lambda p: (str(p.get("name", "")).casefold(), p["id"]))
            for start in range(0, len(others), CONTACTS_PER_PAGE):
                chunk = others[start:start + CONTACTS_PER_PAGE]
                path = CONTACT_PARTS.format(len(self.contact_parts) + 1)
                self.contact_parts.append({"path": path, "people": chunk,
                                           "first": chunk[0].get("name", ""), "last": chunk[-1].get("name", "")})
                self.contact_page_of.update((p["id"], path) for p in chunk)

        # role -> [(level, notify entry)], role -> [levels where it approves statements]
        self.notified_at: dict[str, list[tuple[dict, dict]]] = {}
        self.approves_at: dict[str, list[dict]] = {}
        for level in self.levels:
            for entry in level.get("notify") or []:
                self.notified_at.setdefault(entry["role"], []).append((level, entry))
            for role_id in level.get("statement_approval") or []:
                self.approves_at.setdefault(role_id, []).append(level)

        # playbook <-> role, tree, severity; tree outcome -> playbook
        self.playbooks_of_role: dict[str, list[dict]] = {}
        self.playbooks_of_tree: dict[str, list[dict]] = {}
        self.playbooks_at: dict[str, list[dict]] = {}
        for playbook in self.playbook_list:
            for role_id in _unique(playbook.get("roles") or []):
                self.playbooks_of_role.setdefault(role_id, []).append(playbook)
            for tree_id in _unique(playbook.get("trees") or []):
                self.playbooks_of_tree.setdefault(tree_id, []).append(playbook)
            self.playbooks_at.setdefault(playbook.get("default_severity"), []).append(playbook)
        self.outcomes_for: dict[str, list[tuple[dict, str, dict]]] = {}
        for tree in self.tree_list:
            for node_id, node in (tree.get("nodes") or {}).items():
                if isinstance(node, dict) and node.get("playbook"):
                    self.outcomes_for.setdefault(node["playbook"], []).append((tree, node_id, node))
        special = {
            plan["community-guidelines"].get("moderation_tree"): ("community-guidelines.md",
                                                                   self.lang.gettext("Community guidelines")),
            plan["channels"].get("channel_tree"): ("channels.md", self.lang.gettext("Channels")),
        }
        self.tree_used_on = {k: v for k, v in special.items() if k}

        self.role_mentions = self._role_mentions(plan)
        self.review = {row["file"]: row for row in plan.review_states()}
        self.last_drilled: dict[str, object] = {}
        for drill in plan["drills"].get("drills") or []:
            last = drill.get("last_run")
            if last and (drill["playbook"] not in self.last_drilled or last > self.last_drilled[drill["playbook"]]):
                self.last_drilled[drill["playbook"]] = last

    def _role_mentions(self, plan: Plan) -> dict[str, list[tuple[str, str]]]:
        """role -> [(what the plan asks of it outside roles.yaml, page)]: its other duties, linked."""
        mentions: dict[str, list[tuple[str, str]]] = {}
        _ = self.lang.gettext

        def add(role_id, text, page):
            if role_id:
                mentions.setdefault(role_id, []).append((text, page))

        add((plan["about"].get("stand_down") or {}).get("decided_by"), _("Declares the crisis over"),
            "about.md#stand-down")
        for channel in self.channels.values():
            add((channel.get("closing") or {}).get("authorised_by"),
                _("Authorises closing %(handle)s") % {"handle": channel.get("handle")},
                self.path("channel", channel["id"]))
        add(plan["employee-policy"].get("report_to"), _("Receives staff reports of worrying posts"),
            "employee-policy.md#during-a-crisis")
        for alert in plan["monitoring"].get("alerts") or []:
            add(alert.get("notify"), _("Alerted by monitoring: %(signal)s") % {"signal": alert.get("signal")},
                "monitoring.md#alerts")
        add((plan["metrics"].get("reporting") or {}).get("owner"), _("Compiles the crisis metrics"),
            "metrics.md#reporting")
        review = plan["post-crisis-review"]
        add(review.get("chair"), _("Chairs the post-crisis review"), "post-crisis-review.md")
        for role_id in _unique(review.get("participants") or []):
            if role_id != review.get("chair"):
                add(role_id, _("Takes part in the post-crisis review"), "post-crisis-review.md#participants")
        add(plan["drills"].get("coordinator"), _("Runs the drills programme"), "drills.md")
        return mentions

    def title_of(self, page: str) -> str:
        """The title of a page, for links to it from tables (plan titles for playbooks and trees)."""
        folder, _, name = page.rpartition("/")
        if folder in ("playbooks", "trees") and name != "index.md":
            entries = self.playbooks if folder == "playbooks" else self.trees
            entry_id = name[: -len(".md")].removesuffix("_")
            return str((entries.get(entry_id) or {}).get("title", entry_id))
        return self.lang.gettext(self.titles.get(page, page))

    @staticmethod
    def group_name(name) -> str:
        """A group's name as a heading: as written, except that a lower-case
        name such as "brand_names" reads "Brand names"."""
        name = str(name)
        if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
            return name.replace("_", " ").replace("-", " ").capitalize()
        return name

    def phone_text(self, number) -> str:
        """A phone number as shown: national format in the plan's country, international elsewhere."""
        return phones.display(number, self.region)

    def tel_uri(self, number) -> str:
        """A phone number as a link dials it: tel: with E.164 and any ;ext=."""
        return phones.tel_uri(number, self.region)

    def platform(self, channel: dict) -> str:
        """The channel's platform by name: a brand name as it is, the others translated."""
        platform = channel.get("platform")
        return self.lang.choice(platform, "platform", platforms.name(platform))

    # Where things are shown --------------------------------------------------------------

    def path(self, kind: str, entry_id: str) -> str:
        """The page (and anchor) showing an entry, relative to the docs root."""
        if kind == "contact" and entry_id in self.contact_page_of:
            return f"{self.contact_page_of[entry_id]}#{entry_id}"
        if kind in ("playbook", "tree"):
            folder = "playbooks" if kind == "playbook" else "trees"
            # `index` would be the folder's index page; ids never contain "_".
            return f"{folder}/{entry_id}_.md" if entry_id == "index" else f"{folder}/{entry_id}.md"
        return self.plan.registry.anchors[kind].format(entry_id)

    def section_page(self, file: str) -> str:
        """The page of a plan file ('contacts.yaml', 'playbooks/x.yaml')."""
        stem = file[: -len(".yaml")]
        folder, _, entry_id = stem.rpartition("/")
        if folder == "playbooks":
            return self.path("playbook", entry_id)
        if folder == "trees":
            return self.path("tree", entry_id)
        return f"{stem}.md"

    # Derived data ---------------------------------------------------------------------------

    def tone(self, severity_id: str | None) -> str:
        """'danger' for the most severe level, 'info' for the least, 'warning' between."""
        index = self.level_index.get(severity_id)
        if index is None:
            return "info"
        if index == 0:
            return "danger"
        return "info" if index == len(self.levels) - 1 else "warning"

    def post_limit(self, channel: dict) -> int | None:
        limit = channel.get("max_post_length") or PLATFORM_LIMITS.get(channel.get("platform"))
        return limit if isinstance(limit, int) else None

    def post_unit(self, channel: dict) -> str:
        """What the channel's post limit counts: "characters", or "bytes" (Google Maps review replies)."""
        return self.lang.unit(platforms.unit(channel.get("platform")))

    def statements(self, playbook: dict) -> list[dict]:
        """Each holding statement with its channel, length as the platform counts it, and limit."""
        out = []
        for statement in playbook.get("statements") or []:
            channel = self.channels.get(statement.get("channel")) or {}
            text = str(statement.get("text", "")).strip()
            out.append({
                "statement": statement,
                "channel": channel,
                "text": text,
                "length": post_length(text, channel.get("platform")),
                "unit": self.lang.unit(platforms.unit(channel.get("platform"))),
                "limit": self.post_limit(channel),
            })
        return out

    def involved(self, playbook: dict) -> list[dict]:
        """The roles of a playbook (its own list, then checklist owners), with their people."""
        role_ids = list(playbook.get("roles") or []) + [s.get("owner") for s in playbook.get("checklist") or []]
        return [self.roles[r] for r in _unique(role_ids) if r in self.roles]

    def steps(self, tree: dict) -> list[dict]:
        """The steps of a tree in reading order, each with a short diagram key (s1, s2, ...)."""
        nodes = tree.get("nodes") or {}
        order = reachable_from(nodes, tree["start"]) if tree.get("start") in nodes else []
        order += [node_id for node_id in nodes if node_id not in order]
        keys = {node_id: f"s{i}" for i, node_id in enumerate(order, 1)}
        steps = []
        for node_id in order:
            node = nodes[node_id]
            answers = [{"answer": a.get("answer"), "next": a.get("next"), "key": keys.get(a.get("next"))}
                       for a in node.get("answers") or [] if isinstance(a, dict)]
            steps.append({"id": node_id, "key": keys[node_id], "node": node,
                          "outcome": is_outcome(node), "answers": answers})
        return steps

    def drill_gaps(self) -> list[tuple[dict, object]]:
        """Playbooks not drilled within a year: (playbook, last run or None)."""
        gaps = []
        for playbook in self.playbook_list:
            last = self.last_drilled.get(playbook["id"])
            if last is None or (self.today - last).days > DRILL_GAP_DAYS:
                gaps.append((playbook, last))
        return gaps

    def overdue(self, day) -> bool:
        return day is not None and day < self.today


def triage_tree(plan: Plan) -> str | None:
    """The id of the tree that tells whether something is a crisis: the one
    about.yaml names (crisis.triage_tree), else the tree is-this-a-crisis,
    else none (never just the first tree: its button would ask another question)."""
    crisis = plan["about"].get("crisis")
    declared = crisis.get("triage_tree") if isinstance(crisis, dict) else None
    if isinstance(declared, str) and declared in plan.trees:
        return declared
    return TRIAGE_TREE if TRIAGE_TREE in plan.trees else None


def _unique(items) -> list:
    return list(dict.fromkeys(i for i in items if i is not None))


# --- the plan format reference -------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    path: str
    type: str
    required: bool
    meaning: str
    details: list[str]
    audience: str = ""  # the widest audience that may read it, in words (see audience.py)


def reference_files(plan: Plan | None = None, language: i18n.Language | None = None) -> list[dict]:
    """[{name, file, fields}] for every plan file, in the registry's order, from
    the schemas' `meta` (the plan repository's own sections included).

    The `review` block every section shares comes first, as its own entry
    (name "review"), and is left out of the files.
    """
    schemas = load_schemas(extra=local_schema_dir(plan.root)) if plan is not None else load_schemas()
    by_name = schemas.by_name
    lang = language or i18n.language()
    out = []
    review = None
    for section in schemas.sections.sections:
        if section.name not in by_name:
            continue
        schema = dict(by_name[section.name])
        if isinstance(schema.get("review"), dict):
            review = review or schema["review"]
            del schema["review"]
        file = f"{section.name}/<id>.yaml" if section.folder else section.file
        out.append({"name": section.name, "file": file,
                    "fields": audience.annotate(_fields(schema, "", lang), schema, schemas, section.name, lang)})
    if review:
        out.insert(0, {"name": "review", "file": "review", "fields": audience.annotate(
            _fields({"review": review}, "", lang), {"review": review}, schemas, None, lang)})
    return out


def _types(lang: i18n.Language) -> dict[str, str]:
    """Schema types in words; `list` and `list of …` by what the list holds."""
    return {"string": lang.pgettext("field type", "text"), "integer": lang.pgettext("field type", "whole number"),
            "boolean": lang.pgettext("field type", "yes or no"), "date": lang.pgettext("field type", "date"),
            "dict": lang.pgettext("field type", "block"), "list": lang.pgettext("field type", "list"),
            "number": lang.pgettext("field type", "number")}


def _list_of(lang: i18n.Language, inner: str | None) -> str:
    return {"dict": lang.pgettext("field type", "list of blocks"), "string": lang.pgettext("field type", "list of text"),
            "integer": lang.pgettext("field type", "list of whole numbers"), "date": lang.pgettext("field type", "list of dates"),
            "number": lang.pgettext("field type", "list of numbers"),
            "boolean": lang.pgettext("field type", "list of yes or no")}.get(inner, lang.pgettext("field type", "list of values"))


def _fields(schema: dict, prefix: str, lang: i18n.Language):
    for name, rules in schema.items():
        if not isinstance(rules, dict):
            continue
        path = f"{prefix}{name}"
        yield _field(path, rules, lang)
        yield from _inner(path, rules, lang)


def _inner(path: str, rules: dict, lang: i18n.Language):
    inner = rules.get("schema")
    if rules.get("type") == "dict" and isinstance(inner, dict):
        yield from _fields(inner, path + ".", lang)
    elif rules.get("type") == "list" and isinstance(inner, dict) and isinstance(inner.get("schema"), dict) \
            and inner.get("type") == "dict":
        yield from _fields(inner["schema"], path + "[].", lang)
    values = rules.get("valuesrules")
    if isinstance(values, dict):
        key = "<step id>" if path.endswith("nodes") else "<group>"
        item = f"{path}.{key}"
        if isinstance(values.get("schema"), dict) and values.get("type") == "dict":
            yield from _fields(values["schema"], item + ".", lang)
        else:
            yield _field(item, values, lang)


def _field(path: str, rules: dict, lang: i18n.Language) -> Field:
    _ = lang.gettext
    kind = _types(lang).get(rules.get("type"), str(rules.get("type", "")))
    inner = rules.get("schema")
    if rules.get("type") == "list" and isinstance(inner, dict):
        kind = _list_of(lang, inner.get("type"))
    details = []
    ref = rules.get("ref") or (inner.get("ref") if isinstance(inner, dict) else None)
    if ref:
        details.append(_("the id of %(thing)s") % {"thing": say(kind_noun(ref), lang)})
    if rules.get("allowed"):
        details.append(_("one of %(values)s") % {"values": ", ".join(f"`{a}`" for a in rules["allowed"])})
    if "min" in rules or "max" in rules:
        if "min" in rules and "max" in rules:
            details.append(_("from %(min)s to %(max)s") % {"min": rules["min"], "max": rules["max"]})
        elif "min" in rules:
            details.append(_("at least %(min)s") % {"min": rules["min"]})
        else:
            details.append(_("at most %(max)s") % {"max": rules["max"]})
    if rules.get("minlength"):
        details.append(lang.ngettext("at least %(num)s item", "at least %(num)s items", rules["minlength"])
                       % {"num": rules["minlength"]})
    if rules.get("defines"):
        details.append(_("must be unique"))
    # A field's meaning is its `meta`, translated by the catalogues (i18n.extract_schema_meta);
    # one from an organisation's own schema that no catalogue has is shown as written.
    meta = rules.get("meta")
    meaning = _(meta) if isinstance(meta, str) and meta.strip() else str(rules.get("meta", ""))
    return Field(path, kind, bool(rules.get("required")), meaning, details)


# --- the crisis team as vCards -------------------------------------------------------------

_TEL_TYPES = {"mobile": "CELL,VOICE", "office": "WORK,VOICE", "home": "HOME,VOICE", "on-call": "WORK,VOICE",
              "switchboard": "WORK,VOICE"}


def vcard(plan: Plan, view: PlanView | None = None) -> str:
    """Everyone in contacts.yaml as vCard 3.0 (RFC 2426), with their crisis roles in NOTE."""
    view = view or PlanView(plan)
    lang = view.lang
    organisation = view.organisation.get("name", "")
    lines: list[str] = []
    for person in view.people.values():
        name = " ".join(str(person.get("name", "")).split())
        given, _, family = name.rpartition(" ")
        internal = person.get("kind") == "internal"
        lines += ["BEGIN:VCARD", "VERSION:3.0",
                  f"N:{_vtext(family)};{_vtext(given)};;;",
                  f"FN:{_vtext(name)}"]
        org = organisation if internal else person.get("organisation")
        if org:
            lines.append(f"ORG:{_vtext(org)}")
        if person.get("title"):
            lines.append(f"TITLE:{_vtext(person['title'])}")
        for i, phone in enumerate(person.get("phones") or []):
            types = _TEL_TYPES.get(phone.get("label"), "VOICE") + (",PREF" if i == 0 else "")
            lines.append(f"TEL;TYPE={types}:{phones.dial_string(phone.get('number', ''), view.region)}")
        if person.get("email"):
            lines.append(f"EMAIL;TYPE=INTERNET,PREF:{_vtext(person['email'])}")
        categories = ([lang.gettext("Crisis team")] if internal else
                      [lang.gettext("External"), lang.choice(str(person.get("category") or "other"), "vcard-category")])
        lines.append("CATEGORIES:" + ",".join(_vtext(c) for c in categories))
        lines.append(f"NOTE:{_vtext(_vcard_note(view, person))}")
        lines.append(f"UID:{_vtext('crisisplan-' + str(person['id']))}")
        lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _vcard_note(view: PlanView, person: dict) -> str:
    _ = view.lang.gettext
    parts = []
    roles = [_("%(role)s (%(duty)s)") % {"role": role.get("name"), "duty": view.lang.choice(duty, "duty")}
             for role, duty in view.roles_of.get(person["id"], [])]
    if roles:
        parts.append(_("Crisis roles: %(roles)s.") % {"roles": _(", ").join(roles)})
    backup = view.people.get(person.get("backup"))
    if backup:
        phone = view.phone_text((backup.get("phones") or [{}])[0].get("number", ""))
        parts.append(_("Backup: %(name)s.") % {"name": f"{backup.get('name')} {phone}".rstrip()})
    if person.get("availability"):
        parts.append(_("Availability: %(availability)s") % {"availability": person["availability"]})
    if person.get("time_zone"):
        parts.append(_("Time zone: %(zone)s.") % {"zone": person["time_zone"]})
    parts.append(_("Crisis plan version %(version)s.") % {"version": view.plan.version})
    return " ".join(" ".join(str(p).split()) for p in parts)


def _vtext(value) -> str:
    """A vCard text value: backslash, comma, semicolon and newlines escaped."""
    text = str(value).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    if "\n" in text or "\r" in text:
        text = _NEWLINES.sub(r"\\n", text)
    return text


_NEWLINES = re.compile(r"\r\n|\r|\n")


def _fold(line: str, width: int = 75) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    if line.isascii():
        if len(line) <= width:
            return line
        return "\r\n ".join([line[:width]] + [line[i:i + width - 1] for i in range(width, len(line), width - 1)])
    if len(line.encode("utf-8")) <= width:
        return line
    parts, current, size = [], [], 0
    limit = width
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, width - 1  # continuation lines start with a space
        current.append(ch)
        size += n
    parts.append("".join(current))
    return "\r\n ".join(parts)

