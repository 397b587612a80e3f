"""Loading content YAML: the data, each field's line, and problems as findings.

Content is read through libyaml's C parser (ruamel.yaml.clib, a dependency) and, where that
is missing, through ruamel's pure-Python parser. Every case here runs with both, and both
must read every shipped file alike; the lines expected are counted in the text of the case.
"""

from __future__ import annotations

import contextlib
import gc
import platform
from decimal import Decimal
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.docinfo import DocInfo

from jixiao import loading
from jixiao.errors import ContentError
from jixiao.loading import Source, load

REPO = Path(__file__).resolve().parent.parent
PARSERS = ("libyaml", "pure")


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which parser `load` uses in this test."""
    if request.param == "pure":
        monkeypatch.setattr(loading, "_yaml", lambda: YAML(typ="safe", pure=True))
    return request.param


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "2023.yaml"
    file.write_text(text, encoding="utf-8")
    return file


def line_of(text: str, words: str) -> int:
    """The 1-based line of the one line of `text` containing `words`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if words in line]
    assert len(hits) == 1, (words, hits)
    return hits[0]


def failure(file: Path):
    with pytest.raises(ContentError) as caught:
        load(file)
    (finding,) = caught.value.findings
    return finding


def test_libyaml_is_used_on_cpython() -> None:
    """The C parser is a dependency on CPython: a change in how ruamel finds it shows here."""
    if platform.python_implementation() != "CPython":
        pytest.skip("ruamel.yaml.clib is for CPython only")
    assert loading._yaml().Parser.__name__ == "CParser"


@pytest.mark.parametrize("text", ["a: 1\nb: [2, 3]\n", "a: [1, 2\nb: 3\n"], ids=["good", "bad"])
def test_loading_keeps_nothing_of_each_file(tmp_path: Path, text: str) -> None:
    """A batch worker loads two files a unit with one shared reader: it keeps no record of
    each (ruamel's compose appends one a call; 1,000 units grew a worker by 2,000)."""
    file = write(tmp_path, text)

    def loaded_then_kept() -> int:
        with contextlib.suppress(ContentError):
            load(file)
        gc.collect()
        return sum(isinstance(o, DocInfo) for o in gc.get_objects())

    first = loaded_then_kept()
    assert [loaded_then_kept() for _ in range(20)] == [first] * 20


@pytest.mark.parametrize(
    "file",
    sorted((REPO / "content").rglob("*.yaml")) + sorted((REPO / "templates").rglob("*.yaml")),
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_both_parsers_read_every_shipped_file_alike(
    file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = load(file)
    monkeypatch.setattr(loading, "_yaml", lambda: YAML(typ="safe", pure=True))
    pure = load(file)
    assert (fast.data, fast.lines, fast.blocks) == (pure.data, pure.lines, pure.blocks)
    assert len(fast.lines) > 5


TEXT = """\
year: 2023   # a comment
income:
  total: 1,234.50
  general_budget: 761.25
  rates: [1.10, 0.5]
numbering:
  hunan-overall: {3: "（{n}）"}
answers: [yes, no, true, ~]
sections:
  overview:
    text: |
      第一段。
      第二段。
  items:
    - 第一项
    - >
      折叠的
      文字
"""


def test_data_lines_and_blocks(tmp_path: Path, parser: str) -> None:
    source = load(write(tmp_path, TEXT))
    assert source.data["year"] == 2023
    assert source.data["income"]["total"] == "1,234.50"  # commas: the model reads amounts
    assert source.data["income"]["general_budget"] == Decimal("761.25")
    rates = source.data["income"]["rates"]
    assert rates == [Decimal("1.10"), Decimal("0.5")] and str(rates[0]) == "1.10"
    assert source.data["numbering"] == {"hunan-overall": {"3": "（{n}）"}}
    assert source.data["answers"] == ["yes", "no", True, None]  # YAML 1.2: yes is text
    assert source.data["sections"]["overview"]["text"] == "第一段。\n第二段。\n"
    assert source.data["sections"]["items"] == ["第一项", "折叠的 文字\n"]
    assert source.line_of(("income", "general_budget")) == line_of(TEXT, "general_budget")
    assert source.line_of(("income", "rates", 1)) == line_of(TEXT, "rates")
    assert source.line_of(("sections", "items", 1)) == line_of(TEXT, "- >")
    assert source.line_of(("sections", "overview", "nothing")) == line_of(TEXT, "overview")
    assert source.text_line(("sections", "overview", "text"), 1) == line_of(TEXT, "第二段")
    assert source.text_line(("sections", "items", 1)) == line_of(TEXT, "折叠的")


def test_merge_keys(tmp_path: Path, parser: str) -> None:
    """`<<` merges: keys written in the mapping win, then the first merged mapping."""
    text = "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  <<: [*a, *b]\n  x: 9\n"
    source = load(write(tmp_path, text))
    assert source.data["c"] == {"x": 9, "y": 2, "z": 4}
    assert source.line_of(("c", "x")) == line_of(text, "x: 9")


def test_duplicate_key_names_both_lines(tmp_path: Path, parser: str) -> None:
    text = "year: 2023\nincome:\n  total: 1\n  other: 2\n  total: 3\n"
    found = failure(write(tmp_path, text))
    assert (found.line, found.field) == (5, "total")
    assert "total" in found.message and "第 3 行" in found.hint


def test_keys_equal_only_as_python_values_are_not_duplicates(tmp_path: Path, parser: str) -> None:
    """1 and true are different YAML keys, though 1 == True in Python."""
    source = load(write(tmp_path, "1: a\ntrue: b\n"))
    assert source.data == {"1": "a", "True": "b"}


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a: &x [1, *x]\n", "a:", "别名"),
        ("? [1, 2]\n: v\n", "?", "字段名须是文字"),
        ("a: {x: 1}\nb:\n  <<: 3\n", "<<", "合并"),
        ("a: !custom 3\n", "a:", "!custom"),
        ("a:\n  b: [1, 2\n", None, "YAML 语法错误"),
        ("a: 1\n---\nb: 2\n", "---", "YAML 语法错误"),
        ("year: 2023\ndate: 2023-13-45\n", "date:", "无法读取的日期“2023-13-45”"),
        ("year: 2023\ncount: !!int abc\n", "count:", "无法读取的数字“abc”"),
        ("2023-02-30: x\n", "2023-02-30", "无法读取的日期"),
    ],
    ids=[
        *("alias-loop", "complex-key", "merge-scalar", "unknown-tag", "unclosed"),
        *("two-documents", "impossible-date", "not-an-int", "impossible-date-key"),
    ],
)
def test_yaml_problems_are_findings_at_their_line(
    tmp_path: Path, parser: str, text: str, where: str | None, words: str
) -> None:
    found = failure(write(tmp_path, text))
    assert words in found.message
    if where is not None:
        assert found.line == line_of(text, where)
    else:
        assert found.line is not None


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_empty_file_is_an_empty_mapping(tmp_path: Path, parser: str, text: str) -> None:
    source = load(write(tmp_path, text))
    assert (source.data, source.lines) == ({}, {(): 1})


def test_a_list_at_the_top_is_not_content(tmp_path: Path, parser: str) -> None:
    assert failure(write(tmp_path, "- a\n- b\n")).line == 1


def test_source_is_plain_data(tmp_path: Path, parser: str) -> None:
    """Only dicts, lists and plain scalars reach the models (no parser classes)."""
    source: Source = load(write(tmp_path, TEXT))

    def kinds(value: object) -> set[type]:
        if isinstance(value, dict):
            return {dict}.union(*(kinds(v) for v in value.values()))
        if isinstance(value, list):
            return {list}.union(*(kinds(v) for v in value))
        return {type(value)}

    assert kinds(source.data) <= {dict, list, str, int, bool, Decimal, type(None)}


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a:\n  b: 33: 34\n", "b: 33", "这里不能再出现“名称: 值”"),
        ("a: {name: x\n  b: 1\n", "b: 1", "花括号 {…} 里缺少逗号"),
        ("a: [1, 2\nb: 3\n", "b: 3", "方括号 […] 里缺少逗号"),
        ("a:\n  - b\n  -\tc\n", "-\tc", "值不能以“Tab”开头"),
        ("a: @x\n", "a:", "值不能以“@”开头"),
        ("a: 1\ntitle： 报告\nb: 2\n", "title", "中文冒号"),
        ("title： 报告\n", "title", "中文冒号"),
        ('a: "abc\nb: 2\n', "a:", "引号没有闭合"),
        ("a:\n  b: 1\n c: 2\n", "c: 2", "缩进没有对齐"),
        ("a: *nope\n", "a:", "没有对应的锚点"),
        ("a: | x\n  y\n", "a:", "“|”或“>”后面只能换行"),
        ("a: ]\n", "a:", "这里多了一个“]”"),
        ("a: b\nc:\n  d: 1\n  \te: 2\n", "\te", "制表符"),
        ("a: {x: 1,008.5}\n", "a:", "“1,008.5”被读成了两项"),
        ("a: [1,008.5]\n", "a:", "“1,008.5”被读成了两项"),
        ('a: "x\\x0cy"\n', "a:", "控制字符 U+000C（换页符）"),
        ('"k\\x1b": 1\n', "k", "控制字符 U+001B（ESC）"),
        ("a: |\n  one\n  t\x08wo\n", "wo", "控制字符 U+0008（退格）"),
        ("a: !!int\n", "a:", "“!!int”后面缺少值"),
        ("a: !!float\n", "a:", "“!!float”后面缺少值"),
        ("a: " + "9" * 5000 + "\n", "a:", "无法读取的数字"),
        ("a: " + "[" * 101 + "]" * 101 + "\n", "a:", "嵌套超过 100 层"),
        ("a:\n" + "- " * 101 + "x\n", "- -", "嵌套超过 100 层"),
    ],
    ids=lambda value: None,
)
def test_problems_in_the_writers_words(
    tmp_path: Path, parser: str, text: str, where: str, words: str
) -> None:
    """Both parsers' English (which differs) becomes the same Chinese, at the slip's line."""
    found = failure(write(tmp_path, text))
    assert words in found.message
    assert found.line == line_of(text, where)
    assert not any(w in found.message for w in ("found", "expected", "allowed", "token"))


def test_an_alias_bomb_is_refused_at_the_line_that_multiplies(tmp_path: Path, parser: str) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(levels) + "\n"
    found = failure(write(tmp_path, text))
    assert "展开后的内容太多" in found.message
    # b and c add 9² + 9³ = 810 nodes, d's 9⁴ pass the 1,000 allowed for a small file
    assert found.line == line_of(text, "d: &d")
