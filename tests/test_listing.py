"""docxtpl's resolve_listing is skipped only where it would change nothing."""

from __future__ import annotations

import io

import pytest
from docxtpl import DocxTemplate

from jixiao.render.document import _Template

RUN = '<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>{}</w:t></w:r></w:p>'


@pytest.mark.parametrize("text", ["一\t二", "一\n二", "一\a二", "一\f二", "一二", "", "a&amp;b"])
def test_listing_reads_as_docxtpl_resolves_it(text: str) -> None:
    xml = RUN.format(text)
    ours = _Template(io.BytesIO()).resolve_listing(xml)
    assert ours == DocxTemplate(io.BytesIO()).resolve_listing(xml)
    assert (ours == xml) == (text in ("一二", "", "a&amp;b"))
