"""Every user-facing message, in Chinese and English, looked up by a short code.

One table so that wording lives in one place; `say(code, **fields)` formats it in the
current language (Chinese unless `--lang en` or an English locale chose otherwise).
"""

from __future__ import annotations

import locale
import os

LANGS = ("zh", "en")
_current = "zh"

MESSAGES: dict[str, tuple[str, str]] = {
    # loading
    "yaml_syntax": (
        "YAML 语法错误：{problem}",
        "YAML syntax error: {problem}",
    ),
    "yaml_column": ("（第 {column} 列）", " (column {column})"),
    "yaml_syntax_hint": (
        "检查该行的缩进、冒号和引号；含冒号或 # 的文字请用引号括起来。",
        "Check indentation, colons and quotes on that line; quote text containing ':' or '#'.",
    ),
    "duplicate_key": ("字段“{key}”重复出现。", "Key '{key}' appears twice."),
    "duplicate_key_hint": (
        "删除或合并其中一处（首次出现在第 {first} 行）。",
        "Remove or merge one of them (first seen on line {first}).",
    ),
    "tab_indent": ("缩进里有制表符（Tab）。", "Indentation contains a tab character."),
    "tab_indent_hint": (
        "YAML 只能用空格缩进，请把 Tab 换成空格。",
        "YAML indents with spaces only.",
    ),
    "not_utf8": (
        "文件不是 UTF-8 编码（看起来是 {guess}）。",
        "File is not UTF-8 (looks like {guess}).",
    ),
    "not_utf8_hint": (
        "请用 UTF-8 另存：记事本“另存为”选 UTF-8，或运行 iconv -f GBK -t UTF-8。",
        "Resave as UTF-8, e.g. `iconv -f GBK -t UTF-8`.",
    ),
    "not_mapping": ("文件顶层应是“字段: 值”的映射。", "The top level must be a mapping."),
    "not_mapping_hint": ("参照 content/ 下的示例文件填写。", "Follow the samples under content/."),
    "file_missing": ("找不到文件。", "File not found."),
    "file_missing_hint": ("请先创建该文件（可参照其他单位的同名文件）。", "Create it first."),
    # validation
    "field_unknown": ("未知字段“{name}”。", "Unknown field '{name}'."),
    "field_unknown_hint": ("可能想写“{close}”。", "Did you mean '{close}'?"),
    "field_unknown_hint_none": (
        "删除该字段，或查看文档中该处允许的字段。",
        "Remove it, or see the documentation for the fields allowed here.",
    ),
    "field_missing": ("缺少必填字段“{name}”。", "Required field '{name}' is missing."),
    "field_missing_hint": ("请补上该字段。", "Add the field."),
    "not_amount": ("“{value}”不是金额。", "'{value}' is not an amount."),
    "not_amount_hint": (
        "金额请写阿拉伯数字，以万元为单位，例如 761.25。",
        "Write amounts as digits in 万元, e.g. 761.25.",
    ),
    "negative_amount": ("金额不能为负数：{value}。", "Amount cannot be negative: {value}."),
    "negative_amount_hint": ("检查正负号。", "Check the sign."),
    "not_integer": ("“{value}”不是整数。", "'{value}' is not a whole number."),
    "not_integer_hint": ("人数、个数请写整数，例如 40。", "Counts are whole numbers, e.g. 40."),
    "bad_value": ("取值不对：{detail}", "Invalid value: {detail}"),
    "bad_value_hint": ("请参照示例文件改正。", "Correct it following the samples."),
    "year_mismatch": (
        "文件里写的年度是 {written}，但文件名是 {expected} 年。",
        "The file says year {written} but is named for {expected}.",
    ),
    "year_mismatch_hint": (
        "把 year 改为 {expected}，或把文件改名为 <年度>.yaml。",
        "Set year to {expected}, or rename the file.",
    ),
    "unknown_kind": ("没有名为“{kind}”的报告类型。", "There is no report kind '{kind}'."),
    "unknown_kind_hint": ("可用的类型：{kinds}。", "Available kinds: {kinds}."),
    "unknown_section": (
        "报告类型“{kind}”没有章节“{name}”。",
        "Kind '{kind}' has no section '{name}'.",
    ),
    # narrative
    "jinja_undefined": (
        "文字里引用了不存在的名字：{detail}",
        "Text refers to an unknown name: {detail}",
    ),
    "jinja_undefined_hint_close": ("可能想写“{close}”。", "Did you mean '{close}'?"),
    "jinja_undefined_hint": (
        "可用的名字见 docs/content.md；或去掉该 {{{{ … }}}} 表达式。",
        "See docs/content.md for the names available, or remove the expression.",
    ),
    "jinja_syntax": (
        "文字里的 {{{{ … }}}} 表达式有语法错误：{detail}",
        "Template syntax error: {detail}",
    ),
    "jinja_syntax_hint": (
        "检查括号是否成对、过滤器名是否正确。",
        "Check brackets and filter names.",
    ),
    "jinja_security": (
        "文字里的表达式做了不允许的操作：{detail}",
        "Expression not allowed: {detail}",
    ),
    "jinja_security_hint": (
        "表达式只能读取数据和使用过滤器。",
        "Expressions may only read data and apply filters.",
    ),
    "jinja_error": (
        "计算文字里的表达式时出错：{detail}",
        "Error evaluating an expression: {detail}",
    ),
    "jinja_error_hint": (
        "检查表达式中的名字和过滤器。",
        "Check names and filters in the expression.",
    ),
    "template_error": ("模板 {template} 出错：{detail}", "Template {template} failed: {detail}"),
    "template_error_hint": (
        "检查模板中的 {{{{ … }}}} 标签；若在 Word 中改过模板，确认标签未被拆开。",
        "Check the template's tags; if edited in Word, make sure no tag was split.",
    ),
    # cli
    "no_units": (
        "content/ 下没有单位有 {year} 年的内容文件。",
        "No unit under content/ has {year}.",
    ),
    "no_units_hint": (
        "新建 content/<单位>/{year}.yaml（可复制上一年的文件后修改）。",
        "Create content/<unit>/{year}.yaml (copy last year's file and edit it).",
    ),
    "unit_missing": ("没有单位“{unit}”的 {year} 年内容。", "Unit '{unit}' has no {year} content."),
    "unit_missing_hint": ("可选的单位：{units}。", "Units available: {units}."),
    "aborted": (
        "共 {count} 个错误，未生成报告。",
        "Aborted with {count} error(s); nothing written.",
    ),
    "wrote": ("已生成 {path}", "Wrote {path}"),
    "error_label": ("错误", "error"),
    "warning_label": ("警告", "warning"),
    "line_label": ("第 {line} 行", "line {line}"),
    "hint_label": ("处理办法：", "what to do: "),
    "list_separator": ("、", ", "),
    "bug": (
        "jixiao 内部错误（这不是您的内容的问题）：{detail}。加 --debug 查看详细信息并报告此问题。",
        "Internal error in jixiao (not a problem in your content): {detail}. "
        "Run with --debug and report it.",
    ),
    "write_failed": ("无法写入 {path}：{detail}", "Cannot write {path}: {detail}"),
    "write_failed_hint": (
        "确认目录可写、文件未在 Word/WPS 中打开。",
        "Check the folder is writable and the file is not open in Word/WPS.",
    ),
}


def set_language(lang: str | None) -> None:
    """Choose the message language: 'zh', 'en', or None for the environment's locale."""
    global _current
    if lang is None:
        env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
        env = env or (locale.getlocale()[0] or "")
        lang = "en" if env.lower().startswith("en") else "zh"
    if lang not in LANGS:
        raise ValueError(lang)
    _current = lang


def language() -> str:
    return _current


def say(code: str, **fields: object) -> str:
    """The message `code` in the current language, with `fields` filled in."""
    zh, en = MESSAGES[code]
    return (en if _current == "en" else zh).format(**fields)
