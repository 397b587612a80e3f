"""Build the Word templates of the report kinds under templates/ from code.

    python scripts/make_templates.py

The .docx files are committed; a unit adapts its copy in Word or WPS (the Jinja tags are
visible text, the styles are Word's own 标题 1 … 标题 4, 标题 and 正文). Run this only to
regenerate the shipped templates on purpose.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from jixiao.render import wordml
from jixiao.render.gongwen import new_document

ROOT = Path(__file__).resolve().parent.parent


class Writer:
    """Appends template paragraphs: tags, headings, body text and run-in headings."""

    def __init__(self, landscape: bool = False) -> None:
        self.document = new_document()
        if landscape:
            wordml.setup_gbt9704_page(self.document.sections[0], landscape=True)

    def tag(self, text: str) -> None:
        """A paragraph holding only a {%p … %} tag; docxtpl removes it when rendering."""
        self.document.add_paragraph(text, style="Normal")

    def para(self, text: str, style: str = "Normal") -> None:
        """A paragraph of `text` in `style`."""
        self.document.add_paragraph(text, style=style)

    def run_in(self, head: str, text: str, head_style: str) -> None:
        """A body paragraph that starts with a run-in heading (`head` in `head_style`)."""
        paragraph = self.document.add_paragraph(style="Normal")
        paragraph.add_run(head, style=head_style)
        paragraph.add_run(text)

    def narrative_blocks(self, blocks: str, projects: bool = False) -> None:
        """The paragraphs of a narrative section's blocks (see render/context.py Block).

        With `projects`, a block of kind 'project' is a key project's analysis (广州).
        """
        self.tag(f"{{%p for b in {blocks} %}}")
        if projects:
            self.tag("{%p if b.kind == 'project' %}")
            self.project_analysis()
            self.tag("{%p elif b.kind == 'heading' and b.level == 2 %}")
        else:
            self.tag("{%p if b.kind == 'heading' and b.level == 2 %}")
        self.para("{{ num(2) }}{{ b.title }}", "Heading 2")
        self.tag("{%p elif b.kind == 'heading' %}")
        self.para("{{ num(b.level) }}{{ b.title }}", "Heading 3")
        self.tag("{%p elif b.kind == 'runin' and b.level == 2 %}")
        self.run_in("{{ num(2) }}{{ b.title }}", "{{ b.text }}", "Heading 2 Char")
        self.tag("{%p elif b.kind == 'runin' %}")
        self.run_in("{{ num(b.level) }}{{ b.title }}", "{{ b.text }}", "Heading 3 Char")
        self.tag("{%p elif b.kind == 'item' %}")
        self.para("{{ num(b.level) }}{{ b.text }}")
        self.tag("{%p else %}")
        self.para("{{ b.text }}")
        self.tag("{%p endif %}")
        self.tag("{%p endfor %}")

    def project_analysis(self) -> None:
        """A key project block `b`: name, 项目概况, 绩效目标 and each indicator, 问题, 措施."""
        self.para("{{ num(b.level) }}{{ b.project.name }}", "Heading 3")
        self.tag("{%p if b.project.overview %}")
        self.para("{{ num(b.level + 1) }}项目概况", "Heading 4")
        self.paras("b.project.overview")
        self.tag("{%p endif %}")
        self.tag("{%p if b.project.goals or b.project.targets %}")
        self.para("{{ num(b.level + 1) }}项目绩效情况", "Heading 4")
        self.tag("{%p if b.project.goals %}")
        self.run_in(
            "{{ num(b.level + 2) }}项目绩效目标。", "{{ b.project.goals[0] }}", "Heading 3 Char"
        )
        self.paras("b.project.goals[1:]")
        self.tag("{%p endif %}")
        self.tag("{%p if b.project.targets %}")
        self.para("{{ num(b.level + 2) }}项目绩效目标完成情况", "Heading 4")
        self.tag("{%p for t in b.project.targets %}")
        self.para(
            "{{ loop.index | cn }}是{{ t.name }}{% if t.formula %}，{{ t.formula }}{% endif %}"
            "{% if t.note %}。{{ t.note }}{% endif %}，年初指标值为{{ t.target }}，"
            "实际完成指标值为{{ t.actual }}{{ '。' if loop.last else '；' }}"
        )
        self.tag("{%p endfor %}")
        self.tag("{%p endif %}")
        self.tag("{%p endif %}")
        self.tag("{%p if b.project.problems %}")
        self.para("{{ num(b.level + 1) }}主要存在问题", "Heading 4")
        self.paras("b.project.problems")
        self.tag("{%p endif %}")
        self.tag("{%p if b.project.measures %}")
        self.run_in(
            "{{ num(b.level + 1) }}下一步改进措施：",
            "{{ b.project.measures[0] }}",
            "Heading 3 Char",
        )
        self.paras("b.project.measures[1:]")
        self.tag("{%p endif %}")

    def paras(self, texts: str, style: str = "Normal", item: str = "p") -> None:
        """One paragraph in `style` per item of `texts` (named `item` in the loop)."""
        self.tag(f"{{%p for {item} in {texts} %}}")
        self.para(f"{{{{ {item} }}}}", style)
        self.tag("{%p endfor %}")

    def save(self, path: Path) -> None:
        """Write the template to `path`, titled after its kind's folder."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.document.core_properties.title = path.parent.name
        self.document.core_properties.author = "jixiao"
        self.document.save(path)


def report_body(w: Writer, projects: bool = False) -> None:
    """Title lines, then every top-level section by its layout (shared by the report kinds).

    A section's tables (form layouts) follow its heading; `projects` as in narrative_blocks.
    """
    w.paras("title_lines", "Title", "line")
    w.para("")
    w.paras("opening", item="o")
    w.tag("{%p for s in sections %}")
    w.para("{{ num(1) }}{{ s.title }}", "Heading 1")
    w.tag("{%p if s.layout == 'general_budget' %}")
    w.paras("s.lead", item="l")
    w.para("{{ num(2) }}基本支出情况", "Heading 2")
    w.paras("budget.basic_text")
    w.para("{{ num(2) }}项目支出情况", "Heading 2")
    w.paras("budget.projects_text")
    w.tag("{%p for g in budget.groups %}")
    w.para("{{ loop.index | cn }}是{{ g.lead }}")
    w.paras("g.rest")
    w.tag("{%p for pr in g.listed %}")
    w.para("{{ num(3) }}{{ pr.name }}{% if pr.purpose %}，主要用于{{ pr.purpose }}{% endif %}。")
    w.tag("{%p endfor %}")
    w.tag("{%p endfor %}")
    w.tag("{%p elif s.layout == 'key_overview' %}")
    w.para("{{ num(2) }}项目支出资金概况", "Heading 2")
    w.paras("s.lead")
    w.para("金额单位：万元", "Unit Note")
    w.para("{{ s.table }}", "Table Text")
    w.tag("{%p endif %}")
    w.paras("s.tables", "Table Text", "t")
    w.narrative_blocks("s.blocks", projects)
    w.tag("{%p endfor %}")
    w.tag("{%p if closing %}")
    w.para("")
    w.paras("closing", "Closing", "c")
    w.tag("{%p endif %}")


def attachments(w: Writer) -> None:
    """The attached forms: each starts a new section (landscape if set) with its label."""
    w.tag("{%p for a in attachments %}")
    w.para("{{ a.section }}")
    w.tag("{%p if a.label %}")
    w.para("{{ a.label }}", "Attachment Label")
    w.tag("{%p endif %}")
    w.para("{{ a.title }}", "Form Title")
    w.tag("{%p if a.subtitle %}")
    w.para("{{ a.subtitle }}", "Form Subtitle")
    w.tag("{%p endif %}")
    w.paras("a.tables", "Table Text", "t")
    w.paras("a.notes", "Form Note", "n")
    w.tag("{%p endfor %}")


def report(projects: bool = False) -> Writer:
    """A report kind's template: title, sections by layout, then the attached forms.

    The kinds differ only in their kind.yaml and content, so they share one template
    body; `projects` as in narrative_blocks.
    """
    w = Writer()
    report_body(w, projects)
    attachments(w)
    return w


def form_document() -> Writer:
    """A kind that is one form on landscape pages (项目支出绩效自评表, 重庆 整体自评表): the
    title lines as the form's title and subtitle, then each attached form's title (if it has
    one), tables and notes, without labels or section breaks."""
    w = Writer(landscape=True)
    w.tag("{%p for line in title_lines %}")
    w.tag("{%p if loop.first %}")
    w.para("{{ line }}", "Form Title")
    w.tag("{%p else %}")
    w.para("{{ line }}", "Form Subtitle")
    w.tag("{%p endif %}")
    w.tag("{%p endfor %}")
    w.tag("{%p for a in attachments %}")
    w.tag("{%p if a.title %}")
    w.para("{{ a.title }}", "Form Title")
    w.tag("{%p endif %}")
    w.paras("a.tables", "Table Text", "t")
    w.paras("a.notes", "Form Note", "n")
    w.tag("{%p endfor %}")
    return w


KINDS = {
    "hunan-overall": False,  # 湖南 部门整体支出绩效自评报告 and its attached forms (seeds 000, 004)
    "key-project": False,  # 重点项目绩效自评结果情况说明 (seed 003)
    "yueyang-form": False,  # 岳阳 评价表: tables by section, the 综述, the 评分表 (seed 001)
    "guangzhou-overall": True,  # 广州 自评报告, a key-project analysis in the text (seed 002)
    "guangdong-overall": False,  # 广东 自评报告: opening paragraph, 1、 third level, 落款 (05)
}
"""Each kind under templates/, and whether its text holds key-project analyses."""

FORM_KINDS = {
    "project-self-evaluation": form_document,  # 财预〔2020〕10号 项目支出绩效自评表 (formats 10)
    "chongqing-overall-form": form_document,  # 重庆 部门整体绩效自评表, one table (format 06)
}
"""Each kind under templates/ that is a form alone, and the function making its template."""

if __name__ == "__main__":
    writers = {name: partial(report, projects) for name, projects in KINDS.items()}
    for name, make in {**writers, **FORM_KINDS}.items():
        target = ROOT / "templates" / name / "report.docx"
        make().save(target)
        print(f"wrote {target.relative_to(ROOT)}")
