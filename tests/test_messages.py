"""The message catalogs: both languages complete and alike, compiled files up to date."""

from __future__ import annotations

import ast
import gettext
import importlib.util
import re
import string

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from jixiao import messages
from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("catalog_tool", REPO / "scripts" / "messages.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


def entries(lang: str) -> dict[str, str]:
    with tool.catalogs()[lang].open("rb") as stream:
        return {m.id: m.string for m in read_po(stream) if m.id}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_messages_and_fields() -> None:
    zh, en = entries("zh_CN"), entries("en")
    assert set(zh) == set(en)
    for code in zh:
        assert zh[code] and en[code], code
        assert fields(zh[code]) == fields(en[code]), code


def test_english_messages_are_english() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    for code, text in entries("en").items():
        # 万元 (the amounts' unit), 待填 (the marker the writer types) and a term's
        # Chinese name in brackets after its English one are named as such
        plain = re.sub(r"\([^)]*\)", "", text).replace("万元", "").replace("待填", "")
        assert not han.search(plain), code


def test_every_code_used_in_the_code_is_in_each_catalog() -> None:
    used = tool.used_codes()
    assert len(used) > 50
    for lang in ("zh_CN", "en"):
        assert set(used) <= set(entries(lang)), set(used) - set(entries(lang))


def test_every_say_gives_the_fields_its_message_fills() -> None:
    """Each `say("code", field=…)` written in the code names every {field} of its message
    (a field left out is a KeyError on a path the tests may never take)."""
    zh = entries("zh_CN")
    calls = 0
    for module in (REPO / "src" / "jixiao").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say"):
                continue
            if not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            if any(keyword.arg is None for keyword in node.keywords):  # say(code, **fields)
                continue
            calls += 1
            given = {keyword.arg for keyword in node.keywords}
            code = node.args[0].value
            where = f"{module.relative_to(REPO)}:{node.lineno} say({code!r})"
            assert fields(zh[code]) <= given, f"{where} leaves out {fields(zh[code]) - given}"
    assert calls > 300


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_committed_mo_holds_the_messages_of_the_po(lang: str) -> None:
    """The committed .mo says what the .po says; its bytes may differ by Babel release."""
    po = tool.catalogs()[lang]
    with po.open("rb") as stream:
        source = read_po(stream)
    expected = {m.id: m.string for m in source if m.id and not m.fuzzy}
    with po.with_suffix(".mo").open("rb") as stream:
        compiled = read_mo(stream)
    assert {m.id: m.string for m in compiled if m.id} == expected, "run scripts/messages.py compile"
    assert compiled.plural_forms == source.plural_forms
    with po.with_suffix(".mo").open("rb") as stream:
        runtime = gettext.GNUTranslations(stream)  # what say() reads it with
    assert runtime.charset() == "utf-8"
    assert all(runtime.gettext(code) == text for code, text in expected.items())


def test_say_uses_the_chosen_language() -> None:
    try:
        messages.set_language("en")
        assert messages.say("not_amount", value="七百") == "'七百' is not an amount."
        messages.set_language("zh")
        assert messages.say("not_amount", value="七百") == "“七百”不是金额。"
        with pytest.raises(KeyError):
            messages.say("no_such_message")
    finally:
        messages.set_language("zh")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_no_message_code_is_defined_twice(lang: str) -> None:
    """Two branches adding the same code merge into a catalog where one text silently wins
    (its fields may not be the ones the code passes)."""
    text = tool.catalogs()[lang].read_text(encoding="utf-8")
    codes = re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE)
    assert len(codes) > 50
    assert [c for c in set(codes) if codes.count(c) > 1] == []
