"""Phone numbers through libphonenumber: written as staff write them, shown in
the plan's country's format, dialled in E.164; time-zone offsets named."""
from __future__ import annotations

import shutil

import pytest

from crisisplan import check_plan, phones
from crisisplan.crosscheck import time_zone_message
from crisisplan.render import render_pages, vcard

from conftest import CASES, ROOT, TODAY

BASE_PLAN = CASES / "validate" / "base-plan"
TEMPLATES = ROOT / "theme" / "pages"


@pytest.mark.parametrize("language, region", [
    ("zh-TW", "TW"), ("en-GB", "GB"), ("zh-Hant-TW", "TW"), ("en", None), ("zh-Hant", None),
    ("es-419", None), ("en-x-tw", None), (None, None),
])
def test_the_plans_country_is_the_region_of_its_language(language, region):
    assert phones.plan_region({"plan": {"language": language}}) == region


def test_organisation_country_wins_over_the_language():
    assert phones.plan_region({"organisation": {"country": "TW"}, "plan": {"language": "en-GB"}}) == "TW"
    assert phones.plan_region({"organisation": {"country": "XZ"}, "plan": {"language": "en-GB"}}) == "GB"


@pytest.mark.parametrize("written", [
    "+886 2 2345 6102 ext. 201", "+886 2 2345 6102 分機 201", "(02) 2345-6102 分機201", "(02)2345-6102#201",
    "02-2345-6102 轉 201", "+886-2-2345-6102 x201",
])
def test_extensions_are_read_in_every_usual_way(written):
    assert phones.check(written, "TW").ok
    assert phones.tel_uri(written, "TW") == "tel:+886223456102;ext=201"
    assert phones.display(written, "TW") == "02 2345 6102#201"
    assert phones.dial_string(written, "TW") == "+886223456102,201"


def test_numbers_show_in_the_plans_format_and_others_internationally():
    assert phones.display("+886 912 345 101", "TW") == "0912 345 101"
    assert phones.display("0912-345-101", "TW") == "0912 345 101"
    assert phones.display("+852 5123 4111", "TW") == "+852 5123 4111"
    assert phones.display("+886 912 345 101", None) == "+886 912 345 101"
    assert phones.display("+44 (20) 7946-0001", None) == "+44 20 7946 0001"
    # What cannot be read is shown as written.
    assert phones.display("call reception", "TW") == "call reception"


def test_a_national_number_needs_the_plans_country():
    assert phones.check("0912-345-101", "TW").ok
    verdict = phones.check("0912-345-101", None)
    assert not verdict.ok and "start with + and the country code" in verdict.message


def test_impossible_and_unused_numbers():
    too_long = phones.check("+886 2 2345 61022222", "TW")
    assert not too_long.ok and not too_long.warning and "too long" in too_long.message
    unused = phones.check("+886 1 2345 6789", "TW")
    assert not unused.ok and unused.warning and "not a number in use in Taiwan" in unused.message
    letters = phones.check("+886 912 345 101 mobile", None)
    assert not letters.ok and "has letters" in letters.message
    # The ranges set aside for drama and examples are accepted.
    assert phones.check("+44 7700 900123", None).ok
    assert phones.check("+1 212 555 0101", None).ok


@pytest.mark.parametrize("offset", ["GMT+8", "UTC+8", "UTC+08:00", "utc +8", "GMT＋8", "+0800"])
def test_an_offset_points_to_the_zone_of_the_plans_country(offset):
    assert "did you mean 'Asia/Taipei'?" in time_zone_message(offset, "TW", TODAY)


def test_an_offset_without_a_country_names_several_zones():
    message = time_zone_message("UTC+8", None, TODAY)
    assert "is an offset from UTC, not a time zone" in message and "'Asia/Shanghai'" in message
    assert "did you mean 'Asia/Kolkata'" not in time_zone_message("UTC+5:30", "TW", TODAY)
    assert "'Asia/Kolkata'" in time_zone_message("UTC+5:30", "TW", TODAY)
    assert time_zone_message("Taipei", None, TODAY) == "'Taipei' is not a time zone: did you mean 'Asia/Taipei'?"


@pytest.fixture
def taiwan_plan(tmp_path):
    plan = shutil.copytree(BASE_PLAN, tmp_path / "plan")
    about = plan / "about.yaml"
    about.write_text(about.read_text(encoding="utf-8").replace("language: en", "language: zh-TW"), encoding="utf-8")
    contacts = plan / "contacts.yaml"
    text = contacts.read_text(encoding="utf-8")
    text = text.replace('"+44 7700 900001"', '"(02) 2345-6102 分機 201"').replace("Europe/London", "Asia/Taipei")
    contacts.write_text(text, encoding="utf-8")
    report = check_plan(plan, today=TODAY)
    assert report.ok, [p.text() for p in report.errors]
    return report.plan


def test_the_handbook_shows_taiwanese_numbers_as_written_there(taiwan_plan):
    pages = render_pages(taiwan_plan, TEMPLATES)
    assert "[02 2345 6102\\#201](tel:+886223456102;ext=201)" in pages["contacts.md"]  # "#" escaped for Markdown
    assert "[+44 7700 900002](tel:+447700900002)" in pages["contacts.md"]  # another country's
    card = vcard(taiwan_plan).replace("\r\n ", "")
    assert "TEL;TYPE=CELL,VOICE,PREF:+886223456102,201" in card


def test_an_offset_points_to_the_zone_of_the_persons_own_number_first():
    assert "did you mean 'Asia/Hong_Kong'?" in time_zone_message("UTC+8", "TW", TODAY, near=("HK",))
    assert phones.number_region("+852 5123 4111", "TW") == "HK"
    assert phones.number_region("0912-345-101", "TW") == "TW"
    assert phones.number_region("not a number", "TW") is None
