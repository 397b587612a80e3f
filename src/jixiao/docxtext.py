"""A .docx read back as text: paragraphs and table cells in document order, for `jixiao text`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml.etree import XMLSyntaxError

from jixiao.errors import ContentError, error, os_reason
from jixiao.messages import say


def text_lines(data: bytes) -> list[str]:
    """Paragraph and table-cell texts in document order (a vertically merged cell once)."""
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for cell in block.iter(qn("w:tc")):
                merge = cell.find(qn("w:tcPr") + "/" + qn("w:vMerge"))
                if merge is not None and merge.get(qn("w:val")) in (None, "continue"):
                    continue
                lines.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    return lines


def text(data: bytes) -> str:
    """The document's text, one paragraph or cell per line, ending with a newline."""
    return "".join(line + "\n" for line in text_lines(data))


def read_text(path: Path) -> str:
    """The text of the .docx at `path`; ContentError naming the file when it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError([error(path, None, "", say("file_missing"))]) from None
    except IsADirectoryError:  # was "不是 Word 文档（.docx）：Is a directory"
        raise ContentError([error(path, None, "", say("file_is_folder"))]) from None
    except PermissionError:
        message, hint = say("file_no_permission"), say("file_no_permission_hint")
        raise ContentError([error(path, None, "", message, hint)]) from None
    except OSError as exc:
        message = say("file_unreadable", detail=os_reason(exc))
        raise ContentError([error(path, None, "", message, say("file_unreadable_hint"))]) from None
    try:
        return text(data)
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as exc:
        detail = str(exc) or type(exc).__name__
        hint = say("not_docx_hint")
        raise ContentError([error(path, None, "", say("not_docx", detail=detail), hint)]) from None
