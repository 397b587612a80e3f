"""A redline: the newer of two rendered .docx with the changes from the older one tracked.

The result is the new document's XML with Word's revision marks (`w:ins`, `w:del`,
`w:moveFrom`/`w:moveTo`, a deleted or inserted paragraph mark, an inserted or deleted table
row), each with an author and a date, so Word's, WPS's and LibreOffice's 审阅 pane list
them and accept or reject them one by one. Accepting all gives the new text exactly,
rejecting all the old one.

Blocks (paragraphs and tables) are matched first: unchanged ones in order, changed ones
paired with the most alike block of their kind nearby, and a paragraph found unchanged
elsewhere is a move, not a deletion plus an insertion. Within a paired paragraph the texts
are compared by tokens sensible for Chinese: each 汉字 and punctuation mark alone, a
figure such as 761.25 or 59.81% whole; an unchanged stretch of one character between two
changes is folded into them, so a replaced figure reads as one deletion and one insertion.
Tables are compared row by row and, in paired rows, cell by cell, in the same way.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from jixiao.frozen import frozen

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY = "word/document.xml"
ALIKE = 0.5
"""Two changed blocks this similar (difflib ratio) are one block edited, not two."""
FOLD = 1
"""Unchanged stretches this short between two changes are folded into the change."""
_TOKEN = re.compile(r"[0-9A-Za-z]+(?:[.,:/][0-9A-Za-z]+)*%?|\s+|.", re.DOTALL)
_FIRST_ID = 10000
"""Revision ids start here, clear of the bookmark ids a template may carry."""


def w(name: str) -> str:
    """The qualified name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{name}"


@dataclass
class Marks:
    """Who made the changes and when (ISO 8601, e.g. 2024-03-01T09:30:00Z), and the next
    revision id."""

    author: str
    date: str
    next_id: int = _FIRST_ID
    moves: int = 0

    def mark(self, tag: str, **extra: str) -> etree._Element:
        """A new revision element `tag` (ins, del, moveFrom …) with id, author and date."""
        element = etree.Element(w(tag))
        element.set(w("id"), str(self.next_id))
        element.set(w("author"), self.author)
        element.set(w("date"), self.date)
        for key, value in extra.items():
            element.set(w(key), value)
        self.next_id += 1
        return element


def redline(old: bytes | None, new: bytes, author: str, date: str) -> bytes:
    """The .docx `new` with the changes from `old` tracked, by `author` at `date`; with no
    `old` (a document new in this version) all of `new` is marked inserted."""
    old_blocks = []
    if old is not None:
        old_blocks = _blocks(_body(etree.fromstring(zipfile.ZipFile(io.BytesIO(old)).read(BODY))))
    source = zipfile.ZipFile(io.BytesIO(new))
    document = etree.fromstring(source.read(BODY))
    body = _body(document)
    marks = Marks(author, date)
    _merge_container(old_blocks, body, marks)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == BODY:
                data = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
            target.writestr(info, data)
    return out.getvalue()


def _body(document: etree._Element) -> etree._Element:
    body = document.find(w("body"))
    assert body is not None
    return body


def _blocks(container: etree._Element) -> list[etree._Element]:
    """The paragraphs and tables directly in `container` (a body or a table cell)."""
    return [child for child in container if child.tag in (w("p"), w("tbl"))]


def text(element: etree._Element) -> str:
    """The text a reader sees in a paragraph, a row or a table (cells joined by tabs)."""
    if element.tag == w("p"):
        return "".join(t.text or "" for t in element.iter(w("t")))
    if element.tag == w("tr"):
        return "\t".join(text(cell) for cell in element.iter(w("tc")))
    return "\n".join(text(p) for p in element.iter(w("p")))


def _key(block: etree._Element) -> str:
    """What makes two blocks the same block: a paragraph's text; a table's first row."""
    if block.tag == w("tbl"):
        first = block.find(w("tr"))
        return "T" + (text(first) if first is not None else "")
    return "P" + text(block)


# Matching ----------------------------------------------------------------------------------


@dataclass
class Step:
    """One step of a merge: keep a new item, pair an old with a new one, insert a new one,
    delete an old one, or move an old one (from) to where a new one is (to)."""

    action: str
    old: etree._Element | None = None
    new: etree._Element | None = None
    move: str = ""


def _plan(
    old: list[etree._Element], new: list[etree._Element], key: Callable[[etree._Element], str]
) -> list[Step]:
    """The steps turning the items `old` into `new`, in the order of the new document;
    `key` gives what makes two items the same."""
    keys_old = [key(item) for item in old]
    keys_new = [key(item) for item in new]
    matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    steps: list[Step] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs = zip(old[i1:i2], new[j1:j2], strict=True)
            steps += [Step("pair", a, b) for a, b in pairs]
        else:
            steps += _pair_changed(old[i1:i2], new[j1:j2], keys_old[i1:i2], keys_new[j1:j2])
    return steps


def _pair_changed(
    old: list[etree._Element], new: list[etree._Element], keys_old: list[str], keys_new: list[str]
) -> list[Step]:
    """Steps for a stretch that changed: each old item paired, in order, with the next new
    item of its kind alike enough; the others deleted or inserted."""
    steps: list[Step] = []
    j = 0
    for i, item in enumerate(old):
        match = next(
            (
                k
                for k in range(j, len(new))
                if new[k].tag == item.tag and _alike(keys_old[i], keys_new[k])
            ),
            None,
        )
        if match is None:
            steps.append(Step("del", item))
            continue
        steps += [Step("ins", new=new[k]) for k in range(j, match)]
        steps.append(Step("pair", item, new[match]))
        j = match + 1
    steps += [Step("ins", new=new[k]) for k in range(j, len(new))]
    return steps


def _alike(a: str, b: str) -> bool:
    """Whether two texts are one text edited rather than two texts."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= ALIKE and matcher.ratio() >= ALIKE


def _find_moves(steps: list[Step], marks: Marks) -> None:
    """Turn a deleted paragraph whose text is inserted unchanged elsewhere into a move."""
    inserted: dict[str, list[Step]] = {}
    for step in steps:
        new = step.new
        if step.action == "ins" and new is not None and new.tag == w("p") and text(new).strip():
            inserted.setdefault(text(new), []).append(step)
    for step in steps:
        if step.action == "del" and step.old is not None and step.old.tag == w("p"):
            targets = inserted.get(text(step.old))
            if targets:
                marks.moves += 1
                name = f"move{marks.moves}"
                step.action, step.move = "moveFrom", name
                target = targets.pop(0)
                target.action, target.move = "moveTo", name


# Merging -----------------------------------------------------------------------------------


def _merge_container(old: list[etree._Element], container: etree._Element, marks: Marks) -> None:
    """Mark in `container` (the new body or cell) what changed from the blocks `old`: deleted
    blocks are put back, as deletions, where they stood."""
    new = _blocks(container)
    steps = _plan(old, new, _key)
    _find_moves(steps, marks)
    anchor = next((c for c in container if c.tag == w("sectPr")), None)
    for block in new:
        container.remove(block)
    for step in steps:
        element = _merged_block(step, marks)
        if anchor is not None:
            anchor.addprevious(element)
        else:
            container.append(element)


def _merged_block(step: Step, marks: Marks) -> etree._Element:
    """The block a step puts in the merged document."""
    if step.action == "pair":
        assert step.old is not None and step.new is not None
        if step.new.tag == w("p"):
            _merge_paragraph(step.old, step.new, marks)
        else:
            _merge_table(step.old, step.new, marks)
        return step.new
    if step.action in ("ins", "moveTo"):
        assert step.new is not None
        return _whole(step.new, "ins" if step.action == "ins" else "moveTo", marks, step.move)
    assert step.old is not None
    kind = "del" if step.action == "del" else "moveFrom"
    return _whole(copy.deepcopy(step.old), kind, marks, step.move)


def _whole(block: etree._Element, kind: str, marks: Marks, move: str = "") -> etree._Element:
    """`block` marked as wholly inserted, deleted or moved (`kind`)."""
    if block.tag == w("tbl"):
        for row in block.iter(w("tr")):
            _mark_row(row, "ins" if kind in ("ins", "moveTo") else "del", marks)
        return block
    for section in block.iter(w("sectPr")):  # a deleted paragraph ends no section
        if kind in ("del", "moveFrom"):
            parent = section.getparent()
            assert parent is not None
            parent.remove(section)
    pieces = list(_pieces(block))
    _rebuild(block, [(kind, pieces)], marks, move)
    _mark_paragraph_mark(block, kind, marks)
    return block


def _mark_row(row: etree._Element, kind: str, marks: Marks) -> None:
    """Mark a whole table row, and every paragraph in it, inserted or deleted."""
    properties = row.find(w("trPr"))
    if properties is None:
        properties = etree.Element(w("trPr"))
        exceptions = row.find(w("tblPrEx"))
        if exceptions is not None:
            exceptions.addnext(properties)
        else:
            row.insert(0, properties)
    properties.append(marks.mark(kind))
    for paragraph in row.iter(w("p")):
        _rebuild(paragraph, [(kind, list(_pieces(paragraph)))], marks)
        _mark_paragraph_mark(paragraph, kind, marks)


def _mark_paragraph_mark(paragraph: etree._Element, kind: str, marks: Marks) -> None:
    """Mark the paragraph's mark (its end) as inserted, deleted or moved."""
    properties = paragraph.find(w("pPr"))
    if properties is None:
        properties = etree.Element(w("pPr"))
        paragraph.insert(0, properties)
    run_properties = properties.find(w("rPr"))
    if run_properties is None:
        run_properties = etree.Element(w("rPr"))
        later = [c for c in properties if c.tag in (w("sectPr"), w("pPrChange"))]
        if later:
            later[0].addprevious(run_properties)
        else:
            properties.append(run_properties)
    run_properties.insert(0, marks.mark(kind))


def _merge_table(old: etree._Element, new: etree._Element, marks: Marks) -> None:
    """Mark in the table `new` the rows inserted or deleted and the cells changed from `old`."""
    old_rows = old.findall(w("tr"))
    new_rows = new.findall(w("tr"))
    steps = _plan(old_rows, new_rows, text)
    for row in new_rows:
        new.remove(row)
    for step in steps:
        if step.action == "pair":
            assert step.old is not None and step.new is not None
            if not _merge_row(step.old, step.new, marks):
                new.append(_deleted_row(step.old, marks))
                _mark_row(step.new, "ins", marks)
            new.append(step.new)
        elif step.new is not None:
            _mark_row(step.new, "ins", marks)
            new.append(step.new)
        else:
            assert step.old is not None
            new.append(_deleted_row(step.old, marks))


def _deleted_row(row: etree._Element, marks: Marks) -> etree._Element:
    marked = copy.deepcopy(row)
    _mark_row(marked, "del", marks)
    return marked


def _merge_row(old: etree._Element, new: etree._Element, marks: Marks) -> bool:
    """Mark each changed cell of `new` against the cell of `old` in its place; False (nothing
    marked) when the rows do not have the same cells."""
    old_cells, new_cells = old.findall(w("tc")), new.findall(w("tc"))
    if len(old_cells) != len(new_cells):
        return False
    for old_cell, new_cell in zip(old_cells, new_cells, strict=True):
        if text(old_cell) != text(new_cell):
            _merge_container(_blocks(old_cell), new_cell, marks)
    return True


# Paragraphs --------------------------------------------------------------------------------


@frozen
class Piece:
    """One part of a run: its run properties and either a text or another element (a tab,
    a break, a drawing) that takes no characters."""

    properties: etree._Element | None
    text: str = ""
    other: etree._Element | None = field(default=None, compare=False)


def _pieces(paragraph: etree._Element) -> Iterator[Piece]:
    """The paragraph's runs (directly in it or in a hyperlink) as pieces, in order."""
    for run in paragraph.iter(w("r")):
        properties = run.find(w("rPr"))
        for child in run:
            if child.tag == w("rPr"):
                continue
            if child.tag in (w("t"), w("delText")):
                yield Piece(properties, child.text or "")
            else:
                yield Piece(properties, other=child)


def _slice(pieces: list[Piece], start: int, end: int) -> list[Piece]:
    """The pieces covering the characters start…end of their text (cut to fit); a piece
    without text goes with the stretch it starts, or with the last one at the end."""
    total = sum(len(p.text) for p in pieces)
    out, position = [], 0
    for piece in pieces:
        size = len(piece.text)
        if piece.other is not None:
            if start <= position < end or (position == end == total):
                out.append(piece)
        else:
            low, high = max(start, position), min(end, position + size)
            if low < high:
                out.append(Piece(piece.properties, piece.text[low - position : high - position]))
        position += size
    return out


def changes(old: str, new: str) -> list[tuple[str, str]]:
    """`old` → `new` as (old part, new part) pairs in order; equal parts are unchanged text.

    Tokens are 汉字 and marks one by one, figures and words whole; an unchanged stretch of
    FOLD characters or fewer between two changes joins them."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts = [("".join(a[i1:i2]), "".join(b[j1:j2])) for _, i1, i2, j1, j2 in matcher.get_opcodes()]
    merged: list[tuple[str, str]] = []
    for index, (before, after) in enumerate(parts):
        same = before == after and not (0 < index < len(parts) - 1 and len(before) <= FOLD)
        if not same and merged and merged[-1][0] != merged[-1][1]:
            merged[-1] = (merged[-1][0] + before, merged[-1][1] + after)
        else:
            merged.append((before, after))
    return merged


def _merge_paragraph(old: etree._Element, new: etree._Element, marks: Marks) -> None:
    """Mark in the paragraph `new` the characters inserted and deleted from `old`."""
    old_text, new_text = text(old), text(new)
    if old_text == new_text:
        return
    old_pieces, new_pieces = list(_pieces(old)), list(_pieces(new))
    segments: list[tuple[str, list[Piece]]] = []
    o = n = 0
    for before, after in changes(old_text, new_text):
        if before == after:
            segments.append(("keep", _slice(new_pieces, n, n + len(after))))
        else:
            if before:
                segments.append(("del", _slice(old_pieces, o, o + len(before))))
            if after:
                segments.append(("ins", _slice(new_pieces, n, n + len(after))))
        o, n = o + len(before), n + len(after)
    _rebuild(new, segments, marks)


def _rebuild(
    paragraph: etree._Element,
    segments: list[tuple[str, list[Piece]]],
    marks: Marks,
    move: str = "",
) -> None:
    """Replace the paragraph's runs by `segments`: each kept as runs, or inside a revision
    element of its kind (ins, del, moveFrom, moveTo; the last two within a named range)."""
    for child in list(paragraph):
        if child.tag != w("pPr"):
            paragraph.remove(child)
    for kind, pieces in segments:
        runs = [_run(piece, deleted=kind in ("del", "moveFrom")) for piece in pieces]
        if kind == "keep":
            for run in runs:
                paragraph.append(run)
            continue
        wrapper = marks.mark(kind)
        for run in runs:
            wrapper.append(run)
        if kind in ("moveFrom", "moveTo"):
            start = marks.mark(f"{kind}RangeStart", name=move)
            paragraph.append(start)
            paragraph.append(wrapper)
            end = etree.SubElement(paragraph, w(f"{kind}RangeEnd"))
            end.set(w("id"), start.get(w("id")) or "")
        else:
            paragraph.append(wrapper)


def _run(piece: Piece, deleted: bool) -> etree._Element:
    """A run holding one piece; deleted text is written as w:delText."""
    run = etree.Element(w("r"))
    if piece.properties is not None:
        run.append(copy.deepcopy(piece.properties))
    if piece.other is not None:
        run.append(copy.deepcopy(piece.other))
        return run
    element = etree.SubElement(run, w("delText" if deleted else "t"))
    element.text = piece.text
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run
