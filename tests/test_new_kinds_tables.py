"""The 财预〔2020〕10号 项目支出绩效自评表 declaration (templates/_forms/): built for each key
project of a sample unit, read back, its 执行率 and 总分 recomputed from the cells."""

from __future__ import annotations

from decimal import Decimal

from jixiao.forms import declared
from jixiao.project import Project, load_unit_year, prepare
from tests.conftest import REPO, half_up, render
from tests.docx_text import text_lines


def test_project_self_evaluation_rate_and_total_recomputed(repo_project: Project) -> None:
    unit_year = load_unit_year(repo_project, "kaifu-zzb", 2022)
    kind = next(k for k in unit_year.kinds if k.name == "hunan-overall")
    scope = prepare(unit_year, kind).builder._scope
    grids = declared(REPO / "templates", kind.name, "project_self_evaluation", scope)
    projects = unit_year.figures.key_projects
    assert projects and len(grids) == 2 * len(projects)
    for project, funds, indicators in zip(projects, grids[::2], grids[1::2], strict=True):
        assert funds.rows[0][1].text == project.name
        header, total = funds.rows[2], funds.rows[3]
        assert [c.text for c in header][2:] == [
            "年初预算数",
            "全年预算数（A）",
            "全年执行数（B）",
            "分值",
            "执行率（B/A）",
            "得分",
        ]
        budget, actual = Decimal(total[2].text), Decimal(total[3].text)
        assert total[5].text == f"{half_up(actual / budget * 100)}%"
        scores = [Decimal(row[-2].text) for row in indicators.rows[1:-1]]
        last = indicators.rows[-1]
        assert last[0].text == "总分"
        assert Decimal(last[-2].text) == Decimal(total[6].text) + sum(scores)
        funds.placed()
        indicators.placed()


def test_a_kind_attaching_it_prints_the_declarations_note(project_copy: Project) -> None:
    settings = project_copy.root / "templates/key-project/kind.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + "attachments:\n  - form: project_self_evaluation\n    title: 项目支出绩效自评表\n",
        encoding="utf-8",
    )
    document = render(project_copy, "kaifu-zzb", 2022, kind="key-project")
    text = "\n".join(text_lines(document.data))
    assert "注：1.一级指标分值统一设置为：产出指标50分" in text
    assert text.count("全年预算数（A）") == len(
        load_unit_year(project_copy, "kaifu-zzb", 2022).figures.key_projects
    )
