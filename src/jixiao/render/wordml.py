"""The one place that writes WordprocessingML (w:) by hand, in small named functions.

python-docx has no API for East Asian fonts, page-number fields, odd/even footers or a
document grid; these helpers add exactly that, keeping the schema's element order.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import struct
import zipfile
from typing import Any

from docx.enum.section import WD_ORIENT, WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import Unmarshaller
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.part import PartFactory, XmlPart
from docx.opc.pkgreader import PackageReader, _ContentTypeMap
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.package import Package
from docx.shared import Emu, Length, Mm, Pt
from lxml import etree

from jixiao.frozen import frozen

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""Core-property time used when content gives none, so renders do not depend on the clock."""


def set_fonts(element: Any, east_asia: str, latin: str = "Times New Roman") -> None:
    """Set the East Asian and Latin fonts on a style or run element (its w:rPr/w:rFonts).

    Theme attributes are removed, since they would override the names given here.
    """
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        key = qn(attr)
        if key in fonts.attrib:
            del fonts.attrib[key]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def set_language(element: Any, east_asia: str = "zh-CN") -> None:
    """Mark a style or run as Chinese text, so shared punctuation takes the Chinese font."""
    rpr = element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), east_asia)


def clear_default_theme_fonts(document: Any) -> None:
    """Drop theme font attributes from w:docDefaults, so styles' own fonts apply."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            key = qn(attr)
            if key in fonts.attrib:
                del fonts.attrib[key]


def set_first_line_indent_chars(paragraph_format_element: Any, chars: int = 2) -> None:
    """Indent a style's or paragraph's first line by `chars` characters (w:firstLineChars)."""
    ind = paragraph_format_element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(chars * 320))


def setup_gbt9704_page(section: Any, landscape: bool = False) -> None:
    """A4 with GB/T 9704-2012 margins: 天头 37 mm, 订口 28 mm, text area 156 × 225 mm.

    The footer sits so that the page number's line starts 7 mm below the text area (§7.5).
    """
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(35 - 7 - 5)  # a 4号 line is about 5 mm high
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
        section.footer_distance = Mm(26 - 7 - 5)


def is_landscape(sectPr: Any) -> bool:
    """Whether a w:sectPr describes a landscape page (wider than high, or so marked)."""
    width, height = sectPr.page_width, sectPr.page_height
    if width is not None and height is not None:
        return width > height
    return sectPr.orientation == WD_ORIENT.LANDSCAPE


def orient_section(sectPr: Any, landscape: bool) -> None:
    """Turn a w:sectPr's page to `landscape` or portrait, as setup_gbt9704_page does.

    The page is transposed: width and height swap, top/bottom margins take the left/right
    ones and vice versa; header and footer keep their distance from the text area.
    """
    if is_landscape(sectPr) == landscape:
        sectPr.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        return
    top, bottom = sectPr.top_margin or 0, sectPr.bottom_margin or 0
    left, right = sectPr.left_margin or 0, sectPr.right_margin or 0
    header, footer = sectPr.header, sectPr.footer
    sectPr.page_width, sectPr.page_height = sectPr.page_height, sectPr.page_width
    sectPr.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    sectPr.top_margin, sectPr.bottom_margin = left, right
    sectPr.left_margin, sectPr.right_margin = top, bottom
    if header is not None:
        sectPr.header = Emu(max(0, left - (top - header)))
    if footer is not None:
        sectPr.footer = Emu(max(0, right - (bottom - footer)))


def text_width(sectPr: Any) -> Length:
    """The width between a w:sectPr's margins (page width less left, right and gutter)."""
    used = (sectPr.left_margin or 0) + (sectPr.right_margin or 0) + (sectPr.gutter or 0)
    return Emu((sectPr.page_width or Mm(210)) - used)


def continue_page_numbers(sectPr: Any) -> None:
    """Drop a restart of page numbering (w:pgNumType/@w:start): pages run on from before."""
    for numbering in sectPr.findall(qn("w:pgNumType")):
        numbering.attrib.pop(qn("w:start"), None)


def start_on_next_page(sectPr: Any) -> None:
    """Make a section begin on a new page (w:type w:val="nextPage", written out)."""
    sectPr.get_or_add_type().set(qn("w:val"), WD_SECTION_START.NEW_PAGE.xml_value)


def end_section_at(p: Any, sectPr: Any) -> None:
    """Make paragraph `p` the last of a section with properties `sectPr`; drop its content.

    Only its w:pPr stays, holding the w:sectPr (a section break paragraph).
    """
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    p.set_sectPr(sectPr)


def paragraph_after(element: Any) -> Any:
    """Insert an empty w:p right after `element`, e.g. to keep two tables from joining."""
    p = OxmlElement("w:p")
    element.addnext(p)
    return p


# Tables written as XML text: one parse for a whole table instead of an element per call.
# Each function gives the markup python-docx would build (elements in schema order), so a
# table written here serialises the same as one built cell by cell with python-docx.

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RUN_BREAKS = re.compile(r"(\t|\r|\n)")
_TBL_BORDERS = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)
_TBL_LOOK = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0"'
    ' w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
)


def _text(value: str) -> str:
    """`value` escaped for XML; ValueError (as lxml raises) for characters XML cannot hold."""
    if _NOT_XML.search(value):
        raise ValueError("All strings must be XML compatible: no NULL bytes or control characters")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def run_xml(text: str, bold: bool = False, half_points: int | None = None) -> str:
    """A w:r holding `text`: tabs as w:tab, line breaks as w:br, as python-docx's run.text."""
    props = ("<w:b/>" if bold else "") + (
        f'<w:sz w:val="{half_points}"/>' if half_points is not None else ""
    )
    out = ["<w:r>", f"<w:rPr>{props}</w:rPr>" if props else ""]
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{_text(piece)}</w:t>")
    out.append("</w:r>")
    return "".join(out)


def paragraph_xml(
    style_id: str, keep_next: bool = False, align: str | None = None, runs: str = ""
) -> str:
    """A w:p with paragraph style `style_id`, optionally kept with the next, aligned (w:jc)."""
    keep = "<w:keepNext/>" if keep_next else ""
    jc = f'<w:jc w:val="{_attr(align)}"/>' if align is not None else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{_attr(style_id)}"/>{keep}{jc}</w:pPr>{runs}</w:p>'


def cell_xml(twips: int, span: int, merge: str | None, paragraphs: list[str]) -> str:
    """A w:tc `twips` wide spanning `span` grid columns, vertically centred.

    `merge` is "restart" for the first row of a vertical merge, "continue" for the rows
    below it (w:vMerge), or None.
    """
    grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    v_merge = {None: "", "restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/>{grid_span}{v_merge[merge]}'
        f'<w:vAlign w:val="center"/></w:tcPr>{"".join(paragraphs)}</w:tc>'
    )


def row_xml(cells: list[str], cant_split: bool = False, header: bool = False) -> str:
    """A w:tr: kept on one page (w:cantSplit), repeated on each page (w:tblHeader)."""
    props = ("<w:cantSplit/>" if cant_split else "") + ("<w:tblHeader/>" if header else "")
    return f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}{''.join(cells)}</w:tr>"


def new_table(
    column_twips: list[int], rows: list[str], style_id: str | None = None, borders: bool = False
) -> Any:
    """A w:tbl element with these grid columns and rows (from row_xml): centred, of fixed
    layout and as wide as its columns, in table style `style_id` or with `borders` (single
    lines round and between all cells, as 'Table Grid' has) — the markup python-docx's
    CT_Tbl.new_tbl, table.style, alignment, autofit and w:tblW give, elements in schema order."""
    style = f'<w:tblStyle w:val="{_attr(style_id)}"/>' if style_id is not None else ""
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in column_twips)
    return parse_xml(
        f"<w:tbl {nsdecls('w')}><w:tblPr>{style}"
        f'<w:tblW w:type="dxa" w:w="{sum(column_twips)}"/><w:jc w:val="center"/>'
        f'{_TBL_BORDERS if borders else ""}<w:tblLayout w:type="fixed"/>{_TBL_LOOK}</w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def add_page_field(paragraph: Any) -> None:
    """Append a PAGE field (the current page number) to `paragraph`, one run per part."""

    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    for part in ("begin", " PAGE ", "separate", "1", "end"):
        if part in ("begin", "separate", "end"):
            child = OxmlElement("w:fldChar")
            child.set(qn("w:fldCharType"), part)
        elif part.strip() == "PAGE":
            child = OxmlElement("w:instrText")
            child.set(qn("xml:space"), "preserve")
            child.text = part
        else:
            child = OxmlElement("w:t")
            child.text = part
        run_with(child)


def page_number_footer(section: Any, odd_even: bool = True, size_pt: float = 14) -> None:
    """Footers showing '— 1 —' (GB/T 9704 §7.5): odd pages right, even pages left.

    The dashes are U+2014; the number is 4号 (14 pt) 宋体. With `odd_even`, the caller must
    also turn on odd/even headers in the document settings (`enable_odd_even_pages`).
    """
    footers = [(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)]
    if odd_even:
        footers.append((section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))
    for footer, align in footers:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.left_indent = Pt(size_pt) if align == WD_ALIGN_PARAGRAPH.LEFT else None
        fmt.right_indent = Pt(size_pt) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
        fmt.first_line_indent = Pt(0)
        paragraph.add_run("— ")
        add_page_field(paragraph)
        paragraph.add_run(" —")
        for run in paragraph.runs:
            run.font.size = Pt(size_pt)
            set_fonts(run._r, "宋体", "宋体")


def enable_odd_even_pages(document: Any) -> None:
    """Let odd and even pages have different footers (w:evenAndOddHeaders)."""
    document.settings.odd_and_even_pages_header_footer = True


def pin_core_properties(
    document: Any, title: str, author: str, when: dt.datetime | None = None
) -> None:
    """Set title and author, and fix every time and revision, so renders are reproducible."""
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = props.modified = when or FIXED_TIME
    props.revision = 1
    props.comments = ""
    props.last_printed = when or FIXED_TIME


def adopt_core_properties(document: Any) -> None:
    """Point the package at core properties LibreOffice related under another name.

    LibreOffice writes the relationship as `…/officedocument/2006/relationships/metadata/
    core-properties`; python-docx looks for the package namespace's own type, finds none and
    adds a second docProps/core.xml, so the saved zip would hold the entry twice. Call it
    before anything reads `core_properties`.
    """
    package = document.part.package
    for key, rel in list(package.rels.items()):
        if (
            not rel.is_external
            and rel.reltype != RT.CORE_PROPERTIES
            and rel.reltype.endswith("/metadata/core-properties")
        ):
            del package.rels[key]
            package.relate_to(rel.target_part, RT.CORE_PROPERTIES)


def deterministic_zip(data: bytes) -> bytes:
    """The same .docx with fixed entry times and attributes, entries in their original order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(_fixed_entry(info.filename), source.read(info.filename))
    return out.getvalue()


def docx_bytes(document: Any, reuse: RawEntries | None = None) -> bytes:
    """A python-docx document saved as deterministic .docx bytes, compressed once.

    The entries of `deterministic_zip(<the document saved>)`: python-docx's package writer
    puts the parts in the same order, each entry written with the fixed time and attributes.
    A part whose bytes equal those of an entry of `reuse` (the template's) is written as
    that entry's own compressed bytes instead of being deflated again.
    """
    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    parts = package.parts
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # the writer stands in for python-docx's PhysPkgWriter
        writer: Any = _FixedEntryWriter(archive, reuse or {})
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
    return out.getvalue()


def _fixed_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry for `name` that does not depend on the clock or the machine."""
    entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16
    entry.create_system = 0
    return entry


class _FixedEntryWriter:
    """The physical writer python-docx's PackageWriter writes through, with fixed entries;
    a blob equal to a reused entry's is copied as that entry's compressed bytes."""

    def __init__(self, archive: zipfile.ZipFile, reuse: RawEntries) -> None:
        self.archive = archive
        self.reuse = reuse

    def write(self, pack_uri: Any, blob: bytes) -> None:
        name = pack_uri.membername
        known = self.reuse.get(name)
        if known is not None and known.data == blob:
            _write_raw(self.archive, name, known)
        else:
            self.archive.writestr(_fixed_entry(name), blob)


@frozen
class RawEntry:
    """One zip entry of a package as stored: inflated bytes, compressed bytes, how and CRC."""

    data: bytes
    raw: bytes
    compress_type: int
    crc: int


RawEntries = dict[str, RawEntry]
_COPYABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
"""Compression methods whose bytes are copied as they are (any reader inflates them)."""
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
"""A zip local file header (signature … name length, extra length), 30 bytes."""


def raw_entries(data: bytes) -> RawEntries:
    """Each entry of the zip `data` (already read within limits) with its compressed bytes."""
    entries: RawEntries = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir() or info.compress_type not in _COPYABLE:
                continue
            header = _LOCAL_HEADER.unpack_from(data, info.header_offset)
            start = info.header_offset + _LOCAL_HEADER.size + header[-2] + header[-1]
            raw = data[start : start + info.compress_size]
            entries[info.filename] = RawEntry(archive.read(info), raw, info.compress_type, info.CRC)
    return entries


def _write_raw(archive: zipfile.ZipFile, name: str, entry: RawEntry) -> None:
    """Append `entry` to `archive` under `name` with the fixed time, its bytes not recompressed."""
    info = _fixed_entry(name)
    info.compress_type = entry.compress_type
    info.CRC = entry.crc
    info.file_size = len(entry.data)
    info.compress_size = len(entry.raw)
    fp: Any = archive.fp
    info.header_offset = fp.tell()
    fp.write(info.FileHeader(zip64=False))
    fp.write(entry.raw)
    archive.filelist.append(info)
    archive.NameToInfo[name] = info
    archive.start_dir = fp.tell()
    archive._didModify = True  # zipfile has no API to store raw entries


# Opening a template's package again, from bytes already read -------------------------------

_UNPARSED = object()
"""What a lazy part is constructed with instead of its parsed element."""


class _LazyXml:
    """Mixed into an XmlPart class: the part's XML is parsed when first used; never used,
    its blob is the bytes it was read from (so it is saved as the template's own)."""

    _raw: bytes

    @property
    def _element(self) -> Any:
        element = self.__dict__.get("_parsed")
        if element is None:
            element = self.__dict__["_parsed"] = parse_xml(self._raw)
        return element

    @_element.setter
    def _element(self, element: Any) -> None:
        if element is not _UNPARSED:
            self.__dict__["_parsed"] = element

    @property
    def blob(self) -> bytes:
        if "_parsed" not in self.__dict__:
            return self._raw
        return super().blob  # type: ignore[misc]


@functools.cache
def _lazy_class(part_class: type) -> type:
    """`part_class` with its XML parsed on first use."""
    return type(f"Lazy{part_class.__name__}", (_LazyXml, part_class), {})


def _lazy_part(partname: Any, content_type: str, reltype: str, blob: bytes, package: Any) -> Any:
    """A part as python-docx's PartFactory makes it, an XML part left unparsed until used."""
    part_class = PartFactory._part_cls_for(content_type)
    selector = PartFactory.part_class_selector
    chosen = selector(content_type, reltype) if selector is not None else None
    if chosen is not None or getattr(part_class.load, "__func__", None) is not _XML_LOAD:
        return PartFactory(partname, content_type, reltype, blob, package)
    lazy = _lazy_class(part_class)
    part = lazy.__new__(lazy)
    part._raw = blob
    lazy.__init__(part, partname, content_type, _UNPARSED, package)
    return part


_XML_LOAD = XmlPart.load.__func__  # type: ignore[attr-defined]


class _EntriesReader:
    """python-docx's physical package reader over entries already inflated."""

    def __init__(self, entries: RawEntries) -> None:
        self.entries = entries

    def blob_for(self, pack_uri: Any) -> bytes:
        return self.entries[pack_uri.membername].data

    @property
    def content_types_xml(self) -> bytes:
        return self.blob_for(CONTENT_TYPES_URI)

    def rels_xml_for(self, source_uri: Any) -> bytes | None:
        entry = self.entries.get(source_uri.rels_uri.membername)
        return entry.data if entry is not None else None

    def close(self) -> None:
        """Nothing to release: the entries stay with the template."""


def open_document(entries: RawEntries) -> Any:
    """A python-docx Document over a package's entries, as `docx.Document` opens the file,
    each XML part parsed only when something uses it."""
    reader = _EntriesReader(entries)
    content_types = _ContentTypeMap.from_xml(reader.content_types_xml)
    package_rels = PackageReader._srels_for(reader, PACKAGE_URI)
    parts = PackageReader._load_serialized_parts(reader, package_rels, content_types)
    package = Package()
    Unmarshaller.unmarshal(PackageReader(content_types, package_rels, parts), package, _lazy_part)
    document_part = package.main_document_part
    if document_part.content_type != CT.WML_DOCUMENT_MAIN:
        raise ValueError(f"not a Word file, content type is '{document_part.content_type}'")
    return document_part.document


# Reading a .docx package within limits ---------------------------------------------------------

MAX_PART = 50 * 2**20
"""Bytes one part of a .docx may hold once inflated (a template is well under 1 MB)."""
MAX_PACKAGE = 50 * 2**20
"""Bytes all parts of a .docx may hold together once inflated, and the file itself."""
MAX_PARTS = 2000
"""Entries a .docx may have."""
REQUIRED_PARTS = ("[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml")
"""The parts every Word document has and that rendering needs."""
_CHUNK = 2**16


class PackageProblem(Exception):
    """Why a file cannot be read as a .docx: a message code and its fields."""

    def __init__(self, code: str, **fields: object) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


def read_package(data: bytes) -> dict[str, bytes]:
    """The parts of the .docx `data`, each XML part checked to be well-formed.

    Raises PackageProblem for a file that is no zip, is encrypted, inflates beyond
    MAX_PART / MAX_PACKAGE (declared or actual), lacks a REQUIRED_PARTS entry, or has a
    part that cannot be inflated or parsed. Nothing is read beyond the limits.
    """
    if len(data) > MAX_PACKAGE:
        raise PackageProblem("template_too_large", size=_megabytes(len(data)))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise PackageProblem("template_unreadable") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_PARTS:
            raise PackageProblem("template_too_many_parts", count=len(entries))
        if any(info.flag_bits & 0x1 for info in entries):
            raise PackageProblem("template_encrypted")
        _check_declared_sizes(entries)
        names = {info.filename for info in entries}
        missing = [name for name in REQUIRED_PARTS if name not in names]
        if missing:
            raise PackageProblem("template_missing_part", part=missing[0])
        parts: dict[str, bytes] = {}
        budget = MAX_PACKAGE
        for info in entries:
            if info.is_dir():
                continue
            blob = _read_capped(archive, info, min(MAX_PART, budget))
            budget -= len(blob)
            if info.filename.endswith((".xml", ".rels")):
                _check_xml(info.filename, blob)
            parts[info.filename] = blob
    return parts


def _check_declared_sizes(entries: list[zipfile.ZipInfo]) -> None:
    """PackageProblem if an entry, or all of them, say they inflate beyond the limits."""
    for info in entries:
        if info.file_size > MAX_PART:
            raise PackageProblem(
                "template_part_too_large", part=info.filename, size=_megabytes(info.file_size)
            )
    total = sum(info.file_size for info in entries)
    if total > MAX_PACKAGE:
        raise PackageProblem("template_too_large", size=_megabytes(total))


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """The inflated bytes of one entry; PackageProblem once more than `cap` come out."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while size <= cap and (chunk := stream.read(_CHUNK)):
                size += len(chunk)
                chunks.append(chunk)
    except Exception:  # BadZipFile (bad CRC), zlib.error, NotImplementedError (method) …
        raise PackageProblem("template_damaged", part=info.filename) from None
    if size > cap:
        raise PackageProblem(
            "template_part_too_large", part=info.filename, size=f">{_megabytes(cap)}"
        )
    return b"".join(chunks)


def _check_xml(name: str, blob: bytes) -> None:
    """PackageProblem if the XML part `name` is not well-formed (entities are never expanded)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        etree.fromstring(blob, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno is not None else "?"
        raise PackageProblem("template_bad_xml", part=name, line=line) from None


def _megabytes(size: int) -> str:
    """`size` bytes as megabytes for a message: 1 024.0."""
    return f"{size / 2**20:.1f}"
