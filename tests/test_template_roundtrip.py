"""A template saved again by LibreOffice still renders, as a writer editing it there would.

The hunan-overall template goes through `soffice --convert-to docx` (what "save as .docx"
does), and lukou's report rendered from it has the reviewed golden text, its core
properties, and each zip entry once (LibreOffice relates docProps/core.xml under a type
python-docx does not look for, which used to add a second copy of the entry).
"""

from __future__ import annotations

import collections
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument

from jixiao.pdf import soffice
from jixiao.project import Project
from tests.conftest import REPO, copy_samples, render, saved_by_libreoffice, skip_or_fail
from tests.docx_text import text_lines


@pytest.mark.office
def test_a_template_saved_by_libreoffice_renders_the_same_text(tmp_path: Path) -> None:
    office = soffice()
    if office is None:
        skip_or_fail("missing soffice")
    root = copy_samples(tmp_path / "project", "templates", "content/lukou-zzb")
    template = root / "templates" / "hunan-overall" / "report.docx"
    relations = saved_by_libreoffice(office, template, tmp_path)
    assert "officedocument/2006/relationships/metadata/core-properties" in relations, (
        "LibreOffice no longer writes the odd relationship type: the case this tests is gone"
    )

    document = render(Project(root), "lukou-zzb", 2023)

    names = zipfile.ZipFile(io.BytesIO(document.data)).namelist()
    assert [n for n, count in collections.Counter(names).items() if count > 1] == []
    properties = WordDocument(io.BytesIO(document.data)).core_properties
    assert properties.title == document.filename.removesuffix(".docx")
    assert properties.author == "中共株洲市渌口区委组织部"
    golden = (REPO / "tests" / "golden" / "lukou-zzb-2023.txt").read_text(encoding="utf-8")
    assert "\n".join(text_lines(document.data)) + "\n" == golden
