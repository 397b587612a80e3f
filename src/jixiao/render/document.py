"""Render a kind's Word template with a context into .docx bytes (docxtpl, sandboxed)."""

from __future__ import annotations

import functools
import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError, meta, nodes

from jixiao import diskcache
from jixiao.errors import ContentError, Finding, error
from jixiao.formatting import MissingFigure
from jixiao.messages import say
from jixiao.render import tables, wordml
from jixiao.render.placeholders import Placeholders
from jixiao.sandbox import Sandbox, failure_detail, plain_names, sandbox


@functools.cache
def _template_env() -> Sandbox:
    """The environment for Word templates, one a process: a template is compiled once, its
    parts' code kept on disk for the next process (diskcache)."""
    return sandbox(autoescape=True, cache=32, persist=True)


TEMPLATE_FAILURES = (
    *(TemplateError, MissingFigure, LookupError, TypeError, ValueError, ArithmeticError),
)
"""What a template's expression can raise on content: Jinja's and the sandbox's errors, a filter
given the wrong kind of value or a missing figure, num() of a level with no style. Anything
else is a fault of jixiao's, reported as one (cli.main), not blamed on the template."""


def render_docx(
    template: Path,
    context: dict[str, Any],
    title: str,
    author: str,
    placeholders: Placeholders,
) -> bytes:
    """The rendered document as deterministic .docx bytes, or ContentError naming the template.

    Autoescape is on (docxtpl would otherwise drop text such as '&' or '<' silently) and
    the environment is the sandbox with strict undefined, as for writer text: the template
    sees the context as plain data only. Marker paragraphs are then replaced by the tables
    and sections of `placeholders`.
    """
    opened = open_template(template)
    document = open_docx(opened.stream(), opened.entries)
    try:
        document.render(plain_names(context), jinja_env=_template_env(), autoescape=True)
    except TEMPLATE_FAILURES as exc:  # an expression of the template failed on this content
        raise ContentError([_render_failure(template, exc)]) from None
    placeholders.apply(document.docx, opened.table_styles)
    wordml.pin_core_properties(document.docx, title=title, author=author)
    return wordml.docx_bytes(document.docx, reuse=opened.entries)


def _render_failure(template: Path, exc: Exception) -> Finding:
    """What went wrong evaluating the template, in the user's words, naming the template."""
    if isinstance(exc, UndefinedError):
        quoted = re.findall(r"'([^']+)'", str(exc.message or exc))
        detail = say("template_render_undefined", name=quoted[-1] if quoted else "")
    elif isinstance(exc, TemplateError):
        detail = str(getattr(exc, "message", None) or exc)
    else:  # a filter given the wrong kind of value, num() of a level with no style …
        detail = failure_detail(exc)
    return error(
        template,
        getattr(exc, "lineno", None),
        "",
        say("template_error", template=template.name, detail=detail),
        say("template_error_hint"),
    )


# Opening a template: everything that fails whatever the context, found once --------------------

BROKEN_TAG = re.compile(r"[｛｝]{1,2}|{｛|｛{|}｝|｝}")
"""Tag braces typed full-width by an IME, or half one and half the other."""
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
"""The core properties docxtpl renders as templates."""
_UNCLOSED = re.compile(r"innermost block that needs to be closed is '(\w+)'")
_OPENERS = {"for", "if", "macro", "call", "filter", "set", "with", "block", "autoescape", "trans"}
_JINJA_MESSAGES = (
    (re.compile(r"Encountered unknown tag '(\w+)'"), "template_unknown_tag"),
    (re.compile(r"No filter named '([^']+)'"), "template_unknown_filter"),
    (re.compile(r"No test named '([^']+)'"), "template_unknown_test"),
)
"""Jinja's syntax errors that have a message of jixiao's own."""
_SHOWN = 60
"""Characters of a paragraph quoted in a message."""


@dataclass(frozen=True, eq=False)
class TemplatePart:
    """One part of a Word template as docxtpl renders it: its Jinja source, one line per
    paragraph (so a line number names a paragraph), and the parsed tree."""

    name: str
    lines: tuple[str, ...]
    tree: nodes.Template

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """The names the part reads from its context (Jinja's `find_undeclared_variables`
        of its tree), kept on disk for the next process (diskcache)."""
        key = diskcache.digest("\n".join(self.lines).encode("utf-8", "surrogatepass"))
        kept = _json_strings(diskcache.read("names", key))
        if kept is not None:
            return frozenset(kept)
        names = meta.find_undeclared_variables(self.tree)
        diskcache.write("names", key, json.dumps(sorted(names), ensure_ascii=False).encode())
        return frozenset(names)

    def paragraph(self, lineno: int | None, needle: str = "") -> str:
        """The text of the paragraph at `lineno` of the source (the one holding `needle`)."""
        if not lineno or not 1 <= lineno <= len(self.lines):
            return ""
        return paragraph_text(self.lines[lineno - 1], needle)


@dataclass(frozen=True, eq=False)
class TemplateFile:
    """A Word template that opened, parsed and compiled: its bytes and its templated parts."""

    path: Path
    data: bytes
    parts: tuple[TemplatePart, ...]
    key: str
    """The digest of `data`, under which its results are kept on disk (diskcache)."""

    @functools.cached_property
    def entries(self) -> wordml.RawEntries:
        """The template's zip entries with their compressed bytes, to copy unchanged parts."""
        return wordml.raw_entries(self.data)

    @functools.cached_property
    def table_styles(self) -> tables.TableStyles | None:
        """The styles its tables take (tables.table_styles), read once so that a render need
        not parse the styles part; None when a render must add a style to its own copy.
        Kept on disk for the next process (diskcache): parsing the part is a good part of
        a cold render."""
        kept = _json_list(diskcache.read("styles", self.key))
        if kept is not None and len(kept) == 1:
            styles = None if kept[0] is None else tables.TableStyles.from_plain(kept[0])
            if styles is not None or kept[0] is None:
                return styles
        document = open_docx(self.stream(), self.entries).docx
        styles = tables.table_styles(document) if tables.has_table_styles(document) else None
        plain = None if styles is None else styles.plain()
        diskcache.write("styles", self.key, json.dumps([plain]).encode())
        return styles

    def stream(self) -> io.BytesIO:
        """The template's bytes as a file for DocxTemplate: what was checked is what renders."""
        return io.BytesIO(self.data)


def open_template(path: Path) -> TemplateFile:
    """The Word template at `path`, read and checked once a process for each version of it.

    ContentError naming the file for everything that fails before the context matters: not
    a file, not a zip, encrypted, too large once inflated, a part missing or not well-formed
    XML, a tag broken by Word or an IME, a Jinja syntax error (naming its paragraph).
    """
    try:
        stat = path.stat()
    except OSError:
        stat = None
    if stat is None or not path.is_file():
        raise ContentError([_template_finding(path, "template_unreadable")])
    found = _open_template(path, stat.st_mtime_ns, stat.st_size)
    if isinstance(found, TemplateFile):
        return found
    raise ContentError(list(found))


@functools.lru_cache(maxsize=32)
def _open_template(path: Path, _mtime: int, size: int) -> TemplateFile | tuple[Finding, ...]:
    """`open_template` for one version of the file: the template, or the findings."""
    if size > wordml.MAX_PACKAGE:
        return (_template_finding(path, "template_too_large", size=f"{size / 2**20:.1f}"),)
    try:
        data = path.read_bytes()
        _check_package(data)
    except OSError:
        return (_template_finding(path, "template_unreadable"),)
    except wordml.PackageProblem as problem:
        return (_template_finding(path, problem.code, **problem.fields),)
    key = diskcache.digest(data)
    sources = _kept_sources(key)
    if sources is None:
        try:  # python-docx on a package that is well-formed but not what it expects
            document = open_docx(io.BytesIO(data))
            sources = _sources(document)
            paragraphs = _paragraph_texts(document)
        except Exception as exc:  # KeyError, ValueError …: the package is not a Word document
            detail = f"{type(exc).__name__}: {exc}"[:200]
            return (_template_finding(path, "template_not_word", detail=detail),)
        broken = [p for p in paragraphs if _tag_broken(p)]
        if broken:
            return tuple(
                _template_finding(path, "template_split_tag", found=p[:40]) for p in broken
            )
        _keep_sources(key, sources)
    parts, findings = [], []
    for name, source in sources:
        try:
            parts.append(_parse(name, source))
        except TemplateSyntaxError as exc:
            findings.append(_syntax_finding(path, source, exc))
    if findings:
        return tuple(findings)
    return TemplateFile(path, data, tuple(parts), key)


def _kept_sources(key: str) -> list[tuple[str, str]] | None:
    """The parts' sources of the template whose bytes have the digest `key`, as an earlier
    process found them (diskcache; kept only for a Word document with no broken tag)."""
    kept = _json_strings(diskcache.read("sources", key))
    if kept is None or len(kept) % 2:
        return None
    return list(zip(kept[::2], kept[1::2], strict=True))


def _keep_sources(key: str, sources: list[tuple[str, str]]) -> None:
    flat = [text for pair in sources for text in pair]
    diskcache.write("sources", key, json.dumps(flat, ensure_ascii=False).encode())


def _json_list(payload: bytes | None) -> list[Any] | None:
    """The list in the JSON `payload` (diskcache), or None if it is not one."""
    if payload is None:
        return None
    try:
        value = json.loads(payload)
    except ValueError:  # also not UTF-8
        return None
    return value if isinstance(value, list) else None


def _json_strings(payload: bytes | None) -> list[str] | None:
    """The list of strings in the JSON `payload` (diskcache), or None if it is not one."""
    value = _json_list(payload)
    if value is None or not all(isinstance(v, str) for v in value):
        return None
    return value


def _check_package(data: bytes) -> None:
    """`wordml.read_package`'s checks of the template `data`, unless these bytes passed them
    before (diskcache: the check parses every XML part, the largest styles too)."""
    key = diskcache.digest(data)
    if diskcache.read("package", key) == b"":
        return
    wordml.read_package(data)
    diskcache.write("package", key, b"")


def open_docx(stream: io.BytesIO, entries: wordml.RawEntries | None = None) -> DocxTemplate:
    """A docxtpl template over `stream`, its package opened (core properties as Word names
    them, also when LibreOffice saved it); from `entries`, the package's own already read,
    with parts parsed only when used."""
    document = _Template(stream)
    if entries is not None:
        document.docx = wordml.open_document(entries)
    document.init_docx()
    wordml.adopt_core_properties(document.docx)
    return document


class _Template(DocxTemplate):
    """docxtpl's template, its cleaning of a part's XML for Jinja done once for each XML."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's: a tab, line or page break, or `\\a` in a text as Word's own elements.
        Without any of them its regular expressions give `xml` back as it is (~0.3 ms a
        report), so it is not run."""
        if any(c in xml for c in _LISTING):
            return super().resolve_listing(xml)
        return xml


_LISTING = "\t\a\n\f"
"""The characters docxtpl's `resolve_listing` replaces (nothing else changes what it gives)."""


@functools.lru_cache(maxsize=32)
def _patched(xml: str) -> str:
    """docxtpl's `patch_xml` of `xml` (regular expressions only, no state of the template),
    kept on disk for the next process (diskcache: a template's parts give the same XML)."""
    key = diskcache.digest(xml.encode("utf-8", "surrogatepass"))
    kept = diskcache.read("patched", key)
    if kept is not None:
        try:
            return kept.decode("utf-8")
        except UnicodeDecodeError:
            pass
    patched = DocxTemplate.patch_xml(_PATCHER, xml)
    diskcache.write("patched", key, patched.encode("utf-8", "surrogatepass"))
    return patched


_PATCHER = DocxTemplate(io.BytesIO())
"""A template that opens nothing, for calling docxtpl's own patch_xml."""


def _sources(document: DocxTemplate) -> list[tuple[str, str]]:
    """(part name, Jinja source) of every part docxtpl renders, prepared as it prepares them."""
    body = document.patch_xml(document.get_xml())
    sources = [("word/document.xml", _one_paragraph_a_line(body))]
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        for _key, part in document.get_headers_footers(uri):
            xml = document.patch_xml(document.xml_to_string(parse_xml(part.blob)))
            sources.append((str(part.partname), _one_paragraph_a_line(xml)))
    for part in document.docx.part.package.parts:
        if part.content_type == _FOOTNOTES:
            xml = document.patch_xml(part.blob.decode("utf-8"))
            sources.append((str(part.partname), _one_paragraph_a_line(xml)))
    properties = document.docx.core_properties
    for name in _PROPERTIES:
        sources.append((f"docProps/core.xml:{name}", getattr(properties, name) or ""))
    return sources


def _one_paragraph_a_line(xml: str) -> str:
    """The source as docxtpl hands it to Jinja: each paragraph starts a line."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _paragraph_texts(document: DocxTemplate) -> list[str]:
    """The text of each paragraph of the template's body."""
    body = document.docx.element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def _tag_broken(paragraph: str) -> bool:
    """Whether a paragraph has a tag typed with full-width braces or left open."""
    opened = paragraph.count("{{") + paragraph.count("{%")
    closed = paragraph.count("}}") + paragraph.count("%}")
    return bool(BROKEN_TAG.search(paragraph)) or opened != closed


def _parse(name: str, source: str) -> TemplatePart:
    """The part parsed and compiled (unknown filters and tests fail here, not in render).

    Compiled as docxtpl will ask for it (`from_string` of the same source), so the
    environment keeps the compiled template and the first render does not compile it again.
    """
    env = _template_env()
    tree = env.parse(source)
    env.from_string(source)
    return TemplatePart(name, tuple(source.split("\n")), tree)


def _syntax_finding(path: Path, source: str, exc: TemplateSyntaxError) -> Finding:
    """A Jinja syntax error as a finding naming the paragraph of the tag at fault."""
    lines = source.split("\n")

    def at(lineno: int | None, needle: str) -> str:
        return paragraph_text(lines[lineno - 1], needle) if lineno and lineno <= len(lines) else ""

    message = exc.message or ""
    inner = _UNCLOSED.search(message)
    stray = re.match(r"Encountered unknown tag 'end(\w+)'", message)
    if inner and message.startswith("Unexpected end of template"):
        tag = inner.group(1)
        opened = at(_last_unclosed(source) or exc.lineno, "{% " + tag)
        return _template_finding(path, "template_unclosed", paragraph=opened, tag=tag)
    if inner and stray and stray.group(1) in _OPENERS:  # {% endfor %} while an if is open
        tag, end = inner.group(1), stray.group(1)
        return _template_finding(
            path,
            "template_stray_end",
            paragraph=at(exc.lineno, "end" + end),
            end=end,
            tag=tag,
            opened=at(_last_unclosed(source), "{% " + tag),
        )
    detail, needle = message[:200], ""
    for pattern, code in _JINJA_MESSAGES:
        if known := pattern.search(message):
            detail, needle = say(code, name=known.group(1)), known.group(1)
            break
    return _template_finding(
        path, "template_syntax", paragraph=at(exc.lineno, needle), detail=detail
    )


def _last_unclosed(source: str) -> int | None:
    """The line of the innermost block tag ({% for %}, {% if %} …) left open at the end of
    the source or at the first end tag that closes another block."""
    open_blocks: list[tuple[str, int]] = []
    tag: list[tuple[int, str, str]] = []
    try:
        for lineno, kind, value in _template_env().lex(source):
            if kind == "block_begin":
                tag = []
            elif kind == "block_end" and tag:
                name = tag[0][2]
                assigns = any(k == "operator" and v == "=" for _l, k, v in tag)
                if name in _OPENERS and not (name == "set" and assigns):
                    open_blocks.append((name, tag[0][0]))
                elif name.startswith("end") and open_blocks:
                    if open_blocks[-1][0] != name[3:]:
                        break
                    open_blocks.pop()
            elif kind != "whitespace":
                tag.append((lineno, kind, value))
    except TemplateSyntaxError:
        return None
    return open_blocks[-1][1] if open_blocks else None


def paragraph_text(line: str, needle: str = "") -> str:
    """The words of one source line (XML dropped, tags kept): the paragraph where a tag is.

    A line is a paragraph followed by the {%p … %} tags that stood alone after it: the
    piece holding `needle` is meant, else the one tagged piece, else all tagged pieces.
    """
    pieces = [
        html.unescape(re.sub(r"<[^>]+>", "", piece)).strip() for piece in line.split("</w:p>")
    ]
    tagged = [piece for piece in pieces if "{" in piece]
    chosen = [piece for piece in tagged if needle and needle in piece][:1] or tagged
    text = " … ".join(chosen or [piece for piece in pieces if piece][:1])
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _template_finding(path: Path, code: str, **fields: object) -> Finding:
    """An error naming the template file: message `code` and its hint."""
    message = say(code, template=path.name, **fields)
    return error(path, None, "", message, say(f"{code}_hint", **fields))
