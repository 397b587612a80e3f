"""`jixiao new --force` merges into the existing target: the writer's work stays, or nothing is
written and the values in the way are listed.

Each test runs the command on a copy of the samples, edits the new file as a writer would,
runs `new --force` and reads the file back.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.model.common import TO_FILL
from tests.conftest import copy_samples, exact_yaml, run_jixiao

UNIT = "lukou-zzb"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the samples with content/lukou-zzb/2024.yaml made by `jixiao new 2024`."""
    root = copy_samples(tmp_path)
    run = run_jixiao(root, "new", "2024", "--unit", UNIT)
    assert run.returncode == 0, run.stderr
    return root


def source(root: Path) -> Path:
    return root / "content" / UNIT / "2023.yaml"


def target(root: Path) -> Path:
    return root / "content" / UNIT / "2024.yaml"


def edit(path: Path, *changes: tuple[str, str]) -> None:
    """Replace each `old` (which must occur once) by `new` in `path`."""
    text = path.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def force(root: Path, *extra: str) -> tuple[int, str, str]:
    run = run_jixiao(root, *extra, "new", "2024", "--unit", UNIT, "--force")
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr
    return run.returncode, run.stdout, run.stderr


WRITER = (
    # a whole-line comment the writer added
    ("\nstaffing:\n", "\n# 人数已与人事科核对（2024-03-01）\nstaffing:\n"),
    # a value filled in, with an end-of-line comment of its own
    ("  in_service: 待填      # 在职人员", "  in_service: 35        # 在职人员（含借调 2 人）"),
    # a carried value changed: the section's title
    ("    title: 预算单位基本情况", "    title: 单位基本情况"),
    # a key added: this year's 年初预算 of 人员经费
    (
        "      prior: 761.25\n      actual: 待填\n",
        "      prior: 761.25\n      initial: 780\n      actual: 待填\n",
    ),
    # an item added to a list, with a comment
    (
        "          - {name: 人才慰问经费, prior: 8.5, actual: 待填}\n",
        "          - {name: 人才慰问经费, prior: 8.5, actual: 待填}\n"
        "          - {name: 新引进博士安家费, actual: 30}  # 2024 年新增\n",
    ),
)


def test_force_keeps_what_the_writer_added_or_changed(root: Path) -> None:
    edit(target(root), *WRITER)
    code, out, err = force(root)
    assert code == 0, err
    text = target(root).read_text(encoding="utf-8")
    for _old, new in WRITER:
        assert new.strip("\n") in text, new  # each edit, comments included, as the writer wrote it
    data = exact_yaml(text)
    projects = data["budget"]["projects"]["groups"][0]["projects"]
    assert {"name": "新引进博士安家费", "actual": Decimal("30")} in projects
    assert data["staffing"]["in_service"] == 35
    assert data["staffing"]["authorized"] == TO_FILL  # untouched by the writer: still to fill
    personnel = data["budget"]["basic"]["personnel"]
    assert (personnel["prior"], personnel["initial"], personnel["actual"]) == (
        Decimal("761.25"),
        780,
        TO_FILL,
    )
    assert "保留原 2024.yaml 中已填写或改过的 4 项" in out, out


def test_force_on_an_untouched_file_changes_nothing(root: Path) -> None:
    before = target(root).read_bytes()
    code, _out, err = force(root)
    assert code == 0, err
    assert target(root).read_bytes() == before


def test_force_clears_a_copied_value_that_comes_through_a_merge_key(root: Path) -> None:
    # last year's file with a `<<:` merge: 人才慰问经费 takes its columns from the item above
    edit(
        source(root),
        (
            "          - {name: 省市下达人才项目经费, actual: 116}\n",
            "          - &talent {name: 省市下达人才项目经费, budget: 120, actual: 116}\n",
        ),
        (
            "          - {name: 人才慰问经费, actual: 8.5}\n",
            "          - <<: *talent\n            name: 人才慰问经费\n",
        ),
    )
    assert run_jixiao(root, "check", "2023", "--unit", UNIT).returncode == 0
    # the writer copied last year's file by hand and filled one figure of the merged item
    copied = source(root).read_text(encoding="utf-8").replace("year: 2023", "year: 2024")
    copied = copied.replace(
        "            name: 人才慰问经费\n",
        "            name: 人才慰问经费\n            budget: 9\n",
    )
    target(root).write_text(copied, encoding="utf-8")
    code, _out, err = force(root)
    assert code == 0, err
    text = target(root).read_text(encoding="utf-8")
    assert "<<: *talent" in text and "&talent" in text
    projects = exact_yaml(text)["budget"]["projects"]["groups"][0]["projects"]
    first, merged = projects[0], projects[3]
    assert merged["name"] == "人才慰问经费"
    # the copied 2023 figures are cleared also where they come through `<<:`; the one the
    # writer filled stays; prior rolls from the actual it merged
    assert (first["budget"], first["actual"], first["prior"]) == (TO_FILL, TO_FILL, 116)
    assert (merged["budget"], merged["actual"], merged["prior"]) == (9, TO_FILL, 116)


def test_force_refuses_to_overwrite_a_prior_the_writer_wrote(root: Path) -> None:
    # 2023's 人员经费 is corrected after 2024.yaml was made and its prior-year figure edited
    edit(source(root), ("      actual: 761.25\n", "      actual: 761.35\n"))
    edit(target(root), ("      prior: 761.25\n", "      prior: 760.00\n"), *WRITER[:2])
    before = target(root).read_bytes()
    code, out, err = force(root)
    assert code == 1
    line = target(root).read_text(encoding="utf-8").splitlines().index("      prior: 760.00") + 1
    assert f"content/{UNIT}/2024.yaml:{line}: 错误 [budget.basic.personnel.prior]" in err, err
    assert "上年数 760.00 与 2023.yaml 的执行数 761.35 不同" in err
    assert "改为“待填”或删去这一行" in err
    assert "未生成任何文件" in err and "已生成" not in out
    assert target(root).read_bytes() == before
    english = run_jixiao(root, "--lang", "en", "new", "2024", "--unit", UNIT, "--force")
    assert english.returncode == 1 and "differs from 2023.yaml's actual 761.35" in english.stderr

    # the writer follows the hint: 2023.yaml is right
    edit(target(root), ("      prior: 760.00\n", f"      prior: {TO_FILL}\n"))
    code, _out, err = force(root)
    assert code == 0, err
    data = exact_yaml(target(root).read_text(encoding="utf-8"))
    assert data["budget"]["basic"]["personnel"]["prior"] == Decimal("761.35")
    assert data["staffing"]["in_service"] == 35


def test_force_rolls_a_prior_left_as_generated_or_copied(root: Path) -> None:
    # a prior that is still what `new` wrote follows a corrected 2023 actual only via the
    # refusal above; one still last year's own prior (a hand copy) rolls without asking
    copied = source(root).read_text(encoding="utf-8").replace("year: 2023", "year: 2024")
    target(root).write_text(copied, encoding="utf-8")
    code, _out, err = force(root)
    assert code == 0, err
    generated = run_jixiao(root, "new", "2025", "--from", "2023", "--unit", UNIT)
    assert generated.returncode == 0, generated.stderr
    rolled = exact_yaml(target(root).read_text(encoding="utf-8"))
    fresh = exact_yaml((root / "content" / UNIT / "2025.yaml").read_text(encoding="utf-8"))
    fresh["year"] = 2024
    assert rolled == fresh
