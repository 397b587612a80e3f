"""Every user-facing message, in Chinese and English, looked up by a short code.

One table so that wording lives in one place; `say(code, **fields)` formats it in the
current language (Chinese unless `--lang en` or an English locale chose otherwise).
"""

from __future__ import annotations

import locale
import os
from collections.abc import Iterable

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
    "score_item_shape": (
        "评分表的三级指标须写名称（name）和分值（points），或写共用一个评分标准的各行（parts，"
        "各行都写 points，或在上一级写一个共用的 points）；parts 不能与 measure 同用",
        "A score item needs a name and points, or parts (each with points, or one shared "
        "points above them); parts cannot have a measure",
    ),
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
    # check: tie-outs, indicators, staleness, templates
    "declared_differs": (
        "填写的{what} {declared} 与由明细计算的 {computed} 不一致。",
        "The declared {what} {declared} differs from the computed {computed}.",
    ),
    "declared_differs_hint": (
        "核对财务系统数与明细；一致后可删去该填写值，由程序计算。",
        "Check the figure against its parts; once they agree, drop it and let jixiao compute.",
    ),
    "income_differs": (
        "按收入性质分合计 {income} 与年初预算数 {initial} 不一致。",
        "Income by source totals {income} but the initial budget is {initial}.",
    ),
    "income_differs_hint": ("核对 income 各项与年初预算。", "Check income against the budget."),
    "group_points_differ": (
        "一级指标“{name}”写明 {declared} 分，其下各指标分值合计 {computed} 分。",
        "Indicator group '{name}' declares {declared} points, its indicators sum to {computed}.",
    ),
    "group_points_differ_hint": (
        "调整各三级指标的分值，或改正一级指标的分值。",
        "Adjust the indicators' points or the group's declared points.",
    ),
    "total_points_not_100": (
        "总分值为 {total} 分（预算执行率 {budget} 分加各指标），应为 100 分。",
        "Points total {total} (budget execution {budget} plus indicators), not 100.",
    ),
    "total_points_not_100_hint": ("调整各指标分值，使合计为 100。", "Make the points add to 100."),
    "score_above_points": (
        "指标“{name}”得分 {score} 高于分值 {points}。",
        "Indicator '{name}' scores {score}, above its {points} points.",
    ),
    "score_above_points_hint": ("得分不能超过分值。", "A score cannot exceed the points."),
    "score_without_reason": (
        "指标“{name}”得分 {score} 低于分值 {points}，但没有填写偏差原因。",
        "Indicator '{name}' scores {score} of {points} but gives no reason.",
    ),
    "score_without_reason_hint": (
        "在 reason 中写明偏差原因分析及改进措施。",
        "Explain the shortfall and the remedy in `reason`.",
    ),
    "score_out_of_band": (
        "定性指标“{name}”评为“{grade}”，得分 {score} 不在该等级的 {low}–{high} 分之间。",
        "Qualitative indicator '{name}' graded {grade} scores {score}, outside {low}–{high}.",
    ),
    "score_out_of_band_hint": (
        "达成 80–100%、部分达成 60–80%、未达成 0–60% 分值。",
        "Met 80–100 %, partly 60–80 %, not met 0–60 % of the points.",
    ),
    "score_undecidable": (
        "指标“{name}”无法按规则计分（{why}）。",
        "Indicator '{name}' cannot be scored by rule ({why}).",
    ),
    "score_undecidable_hint": (
        "填写得分 score（或定性等级 grade），低于分值时写明偏差原因。",
        "Give a `score` (or a `grade`), with a reason if below the points.",
    ),
    "why_no_actual": ("未填写实际完成值", "no outcome given"),
    "why_units": ("指标值与完成值单位不同", "target and outcome units differ"),
    "why_qualitative": ("定性指标的完成值与指标值不同", "qualitative outcome differs from target"),
    "named_twice": ("“{name}”在{where}中出现了两次。", "'{name}' appears twice in {where}."),
    "named_twice_hint": (
        "删去重复项，或改为不同的名称（首次出现在第 {first} 行）。",
        "Remove the duplicate or rename it (first on line {first}).",
    ),
    "stale_year": (
        "文字中的“{found}”既不是报告年度 {year} 年，也不是用 {{{{ prior_year }}}} 写的上年。",
        "'{found}' is neither the report year {year} nor the prior year written as "
        "{{{{ prior_year }}}}.",
    ),
    "stale_year_hint": (
        "若指本年度请写 {{{{ year }}}}，若指上年请写 {{{{ prior_year }}}}；确属历史年份可忽略。",
        "Write {{{{ year }}}} or {{{{ prior_year }}}}; ignore if it is truly a past year.",
    ),
    "literal_prior_year": (
        "文字中直接写了上年“{found}”。",
        "The prior year '{found}' is typed literally.",
    ),
    "literal_prior_year_hint": (
        "写成 {{{{ prior_year }}}}，明年自动更新。",
        "Write {{{{ prior_year }}}} so it follows next year.",
    ),
    "placeholder": ("文字中有占位内容“{found}”。", "The text contains the placeholder '{found}'."),
    "placeholder_hint": ("填写实际内容后再生成。", "Replace it with the real content."),
    "same_as_last_year": (
        "这段文字与 {prior} 年的内容完全相同，可能未经更新。",
        "This text is identical to {prior}'s; it may not have been reviewed.",
    ),
    "same_as_last_year_hint": (
        "审阅并按本年度情况改写。",
        "Review it and update it for this year.",
    ),
    "literal_figure": (
        "文字中的“{found}”与计算结果 {expression} 相同，却是手工录入的。",
        "'{found}' equals the computed {expression} but is typed by hand.",
    ),
    "literal_figure_hint": (
        "改写为 {{{{ {expression} }}}}，数字变动时正文随之更新。",
        "Write {{{{ {expression} }}}} so the text follows the figures.",
    ),
    "template_undeclared": (
        "模板引用了不存在的名字：{names}。",
        "The template refers to unknown names: {names}.",
    ),
    "template_undeclared_hint": (
        "检查模板中的标签拼写，或恢复该报告类型的原始模板。",
        "Check the tags' spelling, or restore the kind's original template.",
    ),
    "template_split_tag": (
        "模板中有被拆开或输错的标签：“{found}”。",
        "The template has a broken tag: '{found}'.",
    ),
    "template_split_tag_hint": (
        "在 Word 中把整个标签删掉重新输入（用半角 {{ }}，不要换行）。",
        "Retype the whole tag in Word with ASCII braces, on one line.",
    ),
    "check_summary": (
        "{units} 个单位：{errors} 个错误，{warnings} 个警告。",
        "{units} unit(s): {errors} error(s), {warnings} warning(s).",
    ),
    "check_clean": ("{units} 个单位，未发现问题。", "{units} unit(s), no findings."),
    "unit_heading": ("== {unit}（{year} 年）==", "== {unit} ({year}) =="),
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
        "共 {count} 个错误；有错误的单位未生成报告。",
        "Aborted with {count} error(s); units with errors were not written.",
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
    # to fill (to_fill.py), new (rollover.py), diff (compare.py)
    "to_fill": ("待填：{what}尚未填写。", "To fill: {what} is not filled in yet."),
    "to_fill_hint": (
        "把“待填”换成 {year} 年的数据或文字（金额以万元为单位）；本年没有此项时删去该行。",
        "Replace 待填 with {year}'s figure or text (amounts in 万元); "
        "delete the line if it does not apply this year.",
    ),
    "to_fill_item": ("（第 {number} 项）", " (item {number})"),
    "new_exists": ("{path} 已存在，未改动。", "{path} already exists; left untouched."),
    "new_exists_hint": (
        "确认要按 {source} 年重新生成时加 --force：上年数重新结转，已填写和改过的内容保留。",
        "Add --force to redo it from {source}: prior-year figures are rolled again, "
        "what you filled in or edited is kept.",
    ),
    "new_bad_from": (
        "--from {source} 不早于 {year}，无法结转。",
        "--from {source} is not before {year}; nothing to roll over.",
    ),
    "new_bad_from_hint": (
        "用上一年的内容生成下一年，例如 jixiao new {year} --from {prior}。",
        "Start next year from an earlier one, e.g. jixiao new {year} --from {prior}.",
    ),
    "new_aborted": (
        "共 {count} 个问题，未生成任何文件。",
        "{count} problem(s); no file written.",
    ),
    "new_wrote": ("已生成 {path}（由 {source} 结转）", "Wrote {path} (rolled over from {source})"),
    "new_counts": (
        "  沿用 {carried} 项；结转 {rolled} 项（{source} 年执行数 → {year} 年的上年数）；"
        "清空待填 {cleared} 项。",
        "  carried {carried}; rolled {rolled} ({source} actuals → {year}'s prior-year figures); "
        "cleared to fill {cleared}.",
    ),
    "new_kept": (
        "  保留原 {year}.yaml 中已填写或改过的 {count} 项。",
        "  kept {count} value(s) already filled in or edited in the old {year}.yaml.",
    ),
    "new_review": (
        "  请复核沿用上年的正文 {count} 段：",
        "  review {count} text block(s) carried over unchanged:",
    ),
    "new_review_item": ("    第 {line} 行  {field}", "    line {line}  {field}"),
    "new_old_years": ("（写有年份 {years}）", " (writes the year {years})"),
    "new_next": (
        "下一步：把各“待填”换成 {year} 年的内容，运行 jixiao check {year} 查看还缺什么。",
        "Next: replace each 待填 with {year}'s content; jixiao check {year} lists what is left.",
    ),
    "diff_missing": ("单位“{unit}”没有 {year} 年内容。", "Unit '{unit}' has no {year} content."),
    "diff_missing_hint": (
        "先运行 jixiao new {year} 生成该年文件。",
        "Run jixiao new {year} first.",
    ),
    "diff_head": ("{name}（{unit}）：{a} 年与 {b} 年", "{name} ({unit}): {a} and {b}"),
    "diff_item": ("项目", "item"),
    "diff_year": ("{year}年", "{year}"),
    "diff_change": ("增减", "change"),
    "diff_rate": ("同比", "year on year"),
    "diff_up": ("增长{rate}", "up {rate}"),
    "diff_down": ("下降{rate}", "down {rate}"),
    "diff_flat": ("持平", "unchanged"),
    "diff_points": ("{value}个百分点", "{value} pp"),
    "diff_initial": ("年初预算数", "initial budget"),
    "diff_budget": ("全年预算数", "full-year budget"),
    "diff_actual": ("执行数", "actual"),
    "diff_authorized": ("编制数", "authorized posts"),
    "diff_in_service": ("在职人数", "staff in service"),
    "diff_retired_cadres": ("离休人数", "retired cadres (离休)"),
    "diff_retired": ("退休人数", "retired (退休)"),
    "diff_staff_control": ("财政供养人员控制率", "staff control rate"),
    "diff_overall": ("支出合计", "total expenditure"),
    "diff_execution": ("预算执行率", "budget execution rate"),
    "diff_basic": ("基本支出", "basic expenditure"),
    "diff_personnel": ("人员经费", "personnel"),
    "diff_public": ("公用经费", "public expenses"),
    "diff_share": ("{name}占基本支出比例", "{name} share of basic"),
    "diff_projects": ("项目支出", "project expenditure"),
    "diff_income_of": ("{name} · 收入", "{name} · income"),
    "diff_income_general_budget": ("收入 · 一般公共预算", "income · general budget"),
    "diff_income_government_fund": ("收入 · 政府性基金拨款", "income · government funds"),
    "diff_income_non_tax": ("收入 · 非税收入拨款", "income · non-tax"),
    "diff_income_other": ("收入 · 其他资金", "income · other"),
    "diff_income_total": ("收入合计", "income total"),
    "diff_three_vehicle_purchase": ("公务用车购置", "official vehicle purchase"),
    "diff_three_vehicle_operation": ("公务用车运行维护", "official vehicle operation"),
    "diff_three_overseas": ("因公出国（境）费", "official travel abroad"),
    "diff_three_reception": ("公务接待费", "official reception"),
    "diff_three_total": ("三公经费", "three public expenses (三公经费)"),
    "diff_three_control": ("三公经费控制率", "三公经费 control rate"),
    "diff_procurement": ("政府采购", "government procurement"),
    "diff_building_actual": ("楼堂馆所实际投资", "buildings: actual investment"),
    "diff_score": ("整体支出自评总分", "overall self-evaluation score"),
    "diff_key_project": ("重点项目 {name}", "key project {name}"),
    "diff_key_score": ("重点项目 {name} · 自评总分", "key project {name} · score"),
    # render --pdf and the batch summary (batch.py)
    "no_soffice": (
        "未找到 LibreOffice（soffice），无法生成 PDF。",
        "LibreOffice (soffice) is not installed; cannot write PDF.",
    ),
    "no_soffice_hint": (
        "安装 LibreOffice 和中文字体（Debian/Ubuntu：apt-get install libreoffice-writer-nogui "
        "fonts-noto-cjk），或去掉 --pdf 只生成 .docx。",
        "Install LibreOffice and CJK fonts (Debian/Ubuntu: apt-get install "
        "libreoffice-writer-nogui fonts-noto-cjk), or leave out --pdf.",
    ),
    "pdf_failed": (
        "LibreOffice 未能把 {name} 转换为 PDF：{detail}",
        "LibreOffice could not convert {name} to PDF: {detail}",
    ),
    "pdf_failed_hint": (
        "用 LibreOffice 打开该 .docx 看能否显示；若是超时，关闭其他 LibreOffice 后重试。",
        "Open the .docx in LibreOffice to see whether it shows; after a timeout, retry.",
    ),
    "unit_aborted": (
        "{unit}：共 {count} 个错误，未生成该单位的报告。",
        "{unit}: {count} error(s); nothing written for this unit.",
    ),
    "units_failed": (
        "{failed} 个单位有错误，未生成其报告：{units}。",
        "{failed} unit(s) had errors and were not written: {units}.",
    ),
    "progress": ("生成 {year} 年度报告", "Rendering {year}"),
    "summary_unit": ("单位", "unit"),
    "summary_documents": ("文档", "documents"),
    "summary_score": ("总分", "total score"),
    "summary_findings": ("问题", "findings"),
    "summary_time": ("用时", "time"),
    "summary_seconds": ("{seconds:.2f} 秒", "{seconds:.2f} s"),
    "summary_failed": ("未生成", "not written"),
    "summary_total": (
        "共 {units} 个单位、{documents} 份文档，用时 {seconds:.1f} 秒",
        "{units} unit(s), {documents} document(s) in {seconds:.1f} s",
    ),
    # text, schema, init
    "not_docx": ("不是 Word 文档（.docx）：{detail}", "Not a Word document (.docx): {detail}"),
    "not_docx_hint": (
        "jixiao text 只读 .docx；.doc 文件请先在 Word/WPS 中另存为 .docx。",
        "jixiao text reads .docx only; save a .doc file as .docx first.",
    ),
    "bad_unit_name": (
        "“{unit}”不能用作单位名（content/ 下的目录名）。",
        "'{unit}' cannot be a unit name (a folder under content/).",
    ),
    "bad_unit_name_hint": (
        '用字母、数字和连字符，如 lukou-zzb；不能以点开头，不能含空格和 / \\ : * ? " < > |。',
        "Use letters, digits and hyphens, e.g. lukou-zzb; no leading dot, spaces or / \\ : * ?.",
    ),
    "init_exists": ("{path} 已存在，未覆盖。", "{path} already exists; not overwritten."),
    "init_exists_hint": (
        "换一个单位名，或先把已有文件改名、移走。",
        "Choose another unit name, or move the existing file away first.",
    ),
    "init_next": (
        "下一步：填写 {files} 中标有“{marker}”的字段，"
        "然后运行 jixiao render {year} --unit {unit}。",
        "Next: fill in the fields marked '{marker}' in {files}, "
        "then run jixiao render {year} --unit {unit}.",
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


def listing(items: Iterable[str]) -> str:
    """`items` joined as a list in the current language (、 or a comma), or — if none."""
    return say("list_separator").join(items) or "—"


def say(code: str, **fields: object) -> str:
    """The message `code` in the current language, with `fields` filled in."""
    zh, en = MESSAGES[code]
    return (en if _current == "en" else zh).format(**fields)
