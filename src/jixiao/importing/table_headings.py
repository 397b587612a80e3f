"""Level-1 headings a document writes as a row of a table (a report drawn as one big form).

Some reports are one table from top to bottom: 三、部门（单位）整体支出绩效自评情况 is a row of
its own, the next part's table under it. Such a row, its one text a level-1 heading with a typed
number, is taken out of the table as a paragraph, the table split around it, so the heading
opens its section like any other and each part's table is read on its own.
"""

from __future__ import annotations

from jixiao.importing.headings import Levels, looks_like_title
from jixiao.importing.outline import Block, Paragraph, Table


def _heading(row: list[str]) -> str | None:
    """The row's text when it is only a level-1 heading (一、…), else None."""
    texts = {cell.strip() for cell in row} - {""}
    if len(texts) != 1:
        return None
    (text,) = texts
    found = Levels().typed(text)
    return text if found is not None and found.level == 1 and looks_like_title(text) else None


def split_heading_rows(blocks: list[Block]) -> list[Block]:
    """`blocks` with each table's level-1 heading rows made paragraphs between its parts."""
    out: list[Block] = []
    for block in blocks:
        if not isinstance(block, Table):
            out.append(block)
            continue
        rows: list[list[str]] = []
        for row in block.rows:
            text = _heading(row)
            if text is None:
                rows.append(row)
                continue
            if rows:
                out.append(Table(rows))
            out.append(Paragraph(text))
            rows = []
        if rows:
            out.append(Table(rows))
    return out
