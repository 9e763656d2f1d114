"""Reading plans typed in Chinese: folded texts without stray spaces, and the
slips of a Chinese input mode reported at their own line."""
from __future__ import annotations

import pytest

from crisisplan.load import load_file


def load(text: str):
    return load_file(text.encode("utf-8"), "plan/x.yaml")


def value(text: str):
    loaded = load(text)
    assert loaded.problems == [], [p.text() for p in loaded.problems]
    return loaded.data


def test_a_folded_text_joins_chinese_lines_without_a_space():
    data = value("text: >-\n  我們已經注意到有關食品安全的\n  資料。\n  晨曦不會隱瞞任何事。\n")
    assert data["text"] == "我們已經注意到有關食品安全的資料。晨曦不會隱瞞任何事。"


def test_latin_words_keep_their_space_and_so_does_a_join_of_chinese_and_latin():
    data = value("text: >-\n  我們會在\n  LINE 官方帳號\n  公布進度。We will post\n  updates here.\n")
    assert data["text"] == "我們會在 LINE 官方帳號公布進度。We will post updates here."


def test_paragraphs_more_indented_lines_and_chomping_are_kept():
    data = value("a:\n  - text: >\n      第一行\n      第二行\n\n      第三行\n        縮排\n      結尾\n    b: 1\n")
    assert data["a"][0]["text"] == "第一行第二行\n第三行\n  縮排\n結尾\n"


def test_korean_words_are_separated_by_spaces():
    assert value("text: >-\n  우리는\n  확인했습니다\n")["text"] == "우리는 확인했습니다"


def test_a_plain_text_over_several_lines_is_joined_the_same_way():
    assert value("a: 第一行\n  第二行\n  and more\n")["a"] == "第一行第二行 and more"


def test_literal_and_quoted_texts_are_left_as_written():
    data = value('a: |\n  第一行\n  第二行\nb: "第一行\n  第二行"\n')
    assert data["a"] == "第一行\n第二行\n"
    assert data["b"] == "第一行 第二行"  # a quoted text is not refolded


def test_full_width_characters_inside_texts_are_text():
    data = value("a: 注意：這是\nb: |\n  　　各位顧客您好：\n  c： d\n")
    assert data == {"a": "注意：這是", "b": "\u3000\u3000各位顧客您好：\nc： d\n"}


@pytest.mark.parametrize("text, line, col, code", [
    ("people:\n  - id: lin\n    name： 林美玲\n    title: 經理\n", 3, 9, "full-width-colon"),
    ("people:\n  - id: lin\n    name：林美玲\n", 3, 9, "full-width-colon"),
    ("organisation:\n  name： 晨曦\nplan:\n  x: 1\n", 2, 7, "full-width-colon"),
    ("name： 晨曦\n", 1, 5, "full-width-colon"),
    ("people:\n  - id: lin\n　　name: 林美玲\n", 3, 1, "full-width-space"),
    ("people:\n  - id: lin\n  　name: 林美玲\n", 3, 3, "full-width-space"),
    ("x: {answer: 否,大多是中性, next: y}\n", 1, 14, "comma-in-braces"),
    ("x: {answer: 否, 大多是中性,但有人轉貼, next: y}\n", 1, 14, "comma-in-braces"),
    ("handle: @chenxi.tea\n", 1, 9, "needs-quotes"),
    ("terms: [晨曦, @chenxi.tea]\n", 1, 13, "needs-quotes"),
    ("x: `code`\n", 1, 4, "needs-quotes"),
])
def test_slips_of_a_chinese_input_mode_are_reported_where_they_are(text, line, col, code):
    problems = load(text).problems
    assert [(p.line, p.col, p.code) for p in problems] == [(line, col, code)]


def test_the_comma_message_gives_both_fixes():
    (problem,) = load("x: {answer: 否,大多是中性,但有人轉貼, next: y}\n").problems
    assert "'，' (否，大多是中性，但有人轉貼)" in problem.message
    assert 'answer: "否,大多是中性,但有人轉貼"' in problem.message


def test_a_key_without_a_value_in_braces_is_not_a_comma_slip_when_the_comma_is_spaced_from_the_start():
    # `{a, b: 1}`: the first entry has no value of its own before a comma.
    assert [p.code for p in load("x: {a, b: 1}\n").problems] == []


def test_a_full_width_colon_in_chinese_prose_is_text():
    data = value("do:\n  - 說明要短：一句原本的用意、一句道歉。\n  - 第一則說明就清楚表達立場：我們不認同。\n")
    assert data["do"][0] == "說明要短：一句原本的用意、一句道歉。"
    # and it is not blamed for a syntax error further down
    problems = load("do:\n  - 說明要短：一句原本的用意。\nx: [unclosed\n").problems
    assert [p.code for p in problems] == ["yaml-syntax"]


def test_a_chinese_key_with_a_full_width_colon_is_reported_where_yaml_stumbles():
    problems = load("tracked_terms:\n  品牌： [晨曦]\n  競品: [別家]\n").problems
    assert [(p.line, p.col, p.code) for p in problems] == [(2, 5, "full-width-colon")]


@pytest.mark.parametrize("text, expected", [
    ("a: 第一行\n  第二行", "第一行第二行"),
    ("a: >-\n  第一行\n  第二行", "第一行第二行"),
    ("a: >\n  第一行\n  第二行\n\n\n", "第一行第二行\n"),
    ("a: >+\n  第一行\n  第二行\n\n", "第一行第二行\n\n"),
    ("a: >-\r\n  第一行\r\n  第二行\r\n", "第一行第二行"),
])
def test_folding_at_the_end_of_a_file_and_with_other_line_breaks(text, expected):
    assert value(text)["a"] == expected


@pytest.mark.parametrize("text, line, col", [
    ("x:\n  - {answer： 否, next: y}\n", 2, 12),
    ("x:\n  - {answer: 否, next：y}\n", 2, 21),
])
def test_a_full_width_colon_after_a_key_in_braces(text, line, col):
    problems = load(text).problems
    assert [(p.line, p.col, p.code) for p in problems] == [(line, col, "full-width-colon")]
