"""A rendered report is the same package whether or not the template's bytes are reused.

Rendering copies every part a render leaves unchanged as the template's own compressed
bytes; these tests render the sample units both that way and the old way (python-docx
saving and deflating every part, then `deterministic_zip`) and compare every zip entry.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn

from jixiao.project import Project, build, load_unit_year
from jixiao.render import document, wordml

SAMPLES = [
    ("lukou-zzb", 2023),
    ("kaifu-zzb", 2022),
    ("conghua-zzb", 2022),
    ("maoming-fgj", 2021),
    ("yunxi-zzb", 2022),
]


def _old_way(docx: Any, reuse: wordml.RawEntries | None = None) -> bytes:
    """The package as python-docx saves it, every part deflated again, times pinned."""
    buffer = io.BytesIO()
    docx.save(buffer)
    return wordml.deterministic_zip(buffer.getvalue())


def _entries(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


@pytest.mark.parametrize(("unit", "year"), SAMPLES)
def test_reusing_template_bytes_keeps_every_entry(
    repo_project: Project, monkeypatch: pytest.MonkeyPatch, unit: str, year: int
) -> None:
    unit_year = load_unit_year(repo_project, unit, year)
    new = build(unit_year)
    monkeypatch.setattr(wordml, "docx_bytes", _old_way)
    old = build(unit_year)
    assert [d.filename for d in new] == [d.filename for d in old]
    for fresh, before in zip(new, old, strict=True):
        assert _entries(fresh.data) == _entries(before.data), fresh.filename


def test_unchanged_parts_are_the_templates_compressed_bytes(repo_project: Project) -> None:
    unit_year = load_unit_year(repo_project, "lukou-zzb", 2023)
    kind = unit_year.kinds[0]
    report = build(unit_year)[0]
    template = wordml.raw_entries(Path(kind.template).read_bytes())
    with zipfile.ZipFile(io.BytesIO(report.data)) as archive:
        copied = [
            info.filename
            for info in archive.infolist()
            if info.filename in template
            and archive.read(info) == template[info.filename].data
            and info.compress_size == len(template[info.filename].raw)
        ]
        changed = {info.filename for info in archive.infolist()} - set(copied)
    assert "word/styles.xml" in copied
    assert changed == {"word/document.xml", "docProps/core.xml"}
    assert document.open_template(Path(kind.template)).entries.keys() == template.keys()


def test_placing_tables_reads_the_templates_styles_once(
    repo_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """yunxi's forms are tables in the template's 'Table Text' style; the styles part (a third
    of a megabyte) is parsed for the first render of the template only."""
    unit_year = load_unit_year(repo_project, "yunxi-zzb", 2022)
    build(unit_year)
    parsed: list[str] = []
    parse = wordml.parse_xml

    def recording(xml: Any) -> Any:
        element = parse(xml)
        parsed.append(element.tag)
        return element

    monkeypatch.setattr(wordml, "parse_xml", recording)
    again = build(unit_year)
    assert parsed.count(qn("w:tbl")) >= 8  # the spy sees the tables being written
    assert qn("w:styles") not in parsed
    with zipfile.ZipFile(io.BytesIO(again[0].data)) as archive:
        assert b"Table Text" in archive.read("word/styles.xml")
