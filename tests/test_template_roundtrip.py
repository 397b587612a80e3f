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

ODD_TYPE = (
    "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)
"""The type Debian's LibreOffice 7.4 (writer alone) relates docProps/core.xml under."""
STANDARD_TYPE = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)


def with_odd_type(docx: Path, relations: str) -> None:
    """Rewrite `docx` so its core properties are related under ODD_TYPE, as LibreOffice 7.4
    writes them when only its writer is installed (with calc beside it, the standard type)."""
    assert STANDARD_TYPE in relations
    entries = [(i, zipfile.ZipFile(docx).read(i)) for i in zipfile.ZipFile(docx).infolist()]
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info, data in entries:
            if info.filename == "_rels/.rels":
                data = relations.replace(STANDARD_TYPE, ODD_TYPE).encode()
            rewritten.writestr(info, data)


@pytest.mark.office
def test_a_template_saved_by_libreoffice_renders_the_same_text(tmp_path: Path) -> None:
    office = soffice()
    if office is None:
        skip_or_fail("missing soffice")
    root = copy_samples(tmp_path / "project", "templates", "content/lukou-zzb")
    template = root / "templates" / "hunan-overall" / "report.docx"
    relations = saved_by_libreoffice(office, template, tmp_path)
    if ODD_TYPE not in relations:  # some installs write the standard type: make the odd case
        with_odd_type(template, relations)

    document = render(Project(root), "lukou-zzb", 2023)

    names = zipfile.ZipFile(io.BytesIO(document.data)).namelist()
    assert [n for n, count in collections.Counter(names).items() if count > 1] == []
    properties = WordDocument(io.BytesIO(document.data)).core_properties
    assert properties.title == document.filename.removesuffix(".docx")
    assert properties.author == "中共株洲市渌口区委组织部"
    golden = (REPO / "tests" / "golden" / "lukou-zzb-2023.txt").read_text(encoding="utf-8")
    assert "\n".join(text_lines(document.data)) + "\n" == golden
