"""A report kind's files that are broken — kind.yaml patterns, the Word template — are findings.

Each case is built in a copy of the samples and run through the real command: `check` and
`render` both exit 1 within seconds, name the file (and kind.yaml's line), say what is wrong
in Chinese, never "内部错误", and render writes no .docx.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from jixiao.numbering import Numberer
from jixiao.patterns import PatternError

from .conftest import cli_env, copy_samples

KIND = Path("templates") / "hunan-overall"
TEMPLATE = KIND / "report.docx"
SECONDS = 15
"""Longest a refused command may take (the command itself starts in about a second)."""
NUMBERING_HINT = "只能用占位符 {n}、{cn}、{circled}"


def jixiao(root: Path, *args: str) -> tuple[int, str, float]:
    """Run `jixiao ARGS` on the project at `root`: exit code, stdout+stderr, seconds taken."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "jixiao", "--root", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli_env(),
        cwd=root,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def refused(root: Path, *needles: str) -> str:
    """Run check and render on `root`; both must fail fast with every one of `needles`."""
    out = root / "out"
    outputs = []
    for args in (("check", "2023"), ("render", "2023", "--out", str(out))):
        code, output, seconds = jixiao(root, *args)
        assert code == 1, output
        assert seconds < SECONDS, (args, seconds)
        assert "内部错误" not in output and "Traceback" not in output, output
        for needle in needles:
            assert needle in output, (needle, output)
        outputs.append(output)
    assert not out.exists() or not list(out.rglob("*.docx"))
    return outputs[0]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the samples' content and templates."""
    return copy_samples(tmp_path)


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of `needle` in `path` (it must occur once)."""
    hits = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


# kind.yaml and unit.yaml patterns ------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "bad", "allowed"),
    [
        ('  3: "{n}."', '  3: "{n.__class__.__mro__}"', NUMBERING_HINT),
        ('  3: "{n}."', '  3: "{n:>999999999}"', NUMBERING_HINT),
        ('  2: "（{cn}）"', '  2: "（{chinese}）"', NUMBERING_HINT),
        ('  4: "（{n}）"', '  4: "（{n!r}）"', NUMBERING_HINT),
        ('  4: "（{n}）"', '  4: "（{n[0]}）"', NUMBERING_HINT),
        ('  4: "（{n}）"', '  4: "（{n）"', NUMBERING_HINT),
        ('attachment_label: "附件{n}"', 'attachment_label: "附件{cn}"', "只能用占位符 {n}："),
        ('attachment_label: "附件{n}"', 'attachment_label: "附件{n:099}"', "只能用占位符 {n}："),
    ],
)
def test_kind_pattern_with_other_placeholders(
    root: Path, setting: str, bad: str, allowed: str
) -> None:
    kind_file = root / KIND / "kind.yaml"
    text = kind_file.read_text("utf-8")
    assert text.count(setting + "\n") == 1
    kind_file.write_text(text.replace(setting + "\n", bad + "\n"), "utf-8")
    line = line_of(kind_file, bad.strip())
    refused(root, f"templates/hunan-overall/kind.yaml:{line}: 错误", "写得不对", allowed)


def test_target_style_with_an_attribute(root: Path) -> None:
    """target_styles ({value}或以上) take {value} only: `{value.real}` is refused at its line."""
    kind_file = root / KIND / "kind.yaml"
    kind_file.write_text(
        kind_file.read_text("utf-8") + 'target_styles:\n  "≥": "{value.__class__}或以上"\n', "utf-8"
    )
    line = line_of(kind_file, "{value.__class__}")
    refused(root, f"kind.yaml:{line}: 错误", "{value.__class__} 不是可用的占位符", "{value}")


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("/etc/passwd", "路径分隔符"),
        ("../key-project/report.docx", "路径分隔符"),
        (".x.docx", "以点开头"),
    ],
)
def test_a_kind_template_is_a_file_of_its_own_folder(
    root: Path, template: str, problem: str
) -> None:
    """kind.yaml's `template` names a file beside it, never a path to one elsewhere."""
    kind_file = root / KIND / "kind.yaml"
    text = kind_file.read_text("utf-8")
    assert text.count("template: report.docx\n") == 1
    kind_file.write_text(text.replace("template: report.docx", f'template: "{template}"'), "utf-8")
    line = line_of(kind_file, "template:")
    refused(
        root, f"templates/hunan-overall/kind.yaml:{line}: 错误", f"模板“{template}”不能用", problem
    )


def test_a_section_key_used_twice_in_a_kind_is_an_error(root: Path) -> None:
    kind_file = root / KIND / "kind.yaml"
    text = kind_file.read_text("utf-8")
    keys = re.findall(r"^  - key: (\w+)$", text, re.M)
    assert len(keys) >= 2
    kind_file.write_text(text.replace(f"  - key: {keys[-1]}\n", f"  - key: {keys[0]}\n"), "utf-8")
    written = kind_file.read_text("utf-8").splitlines()
    lines = [n for n, line in enumerate(written, 1) if line == f"  - key: {keys[0]}"]
    refused(
        root,
        f"templates/hunan-overall/kind.yaml:{lines[1]}: 错误",
        f"章节键“{keys[0]}”已在第 {lines[0]} 行用过",
    )


def test_unit_numbering_override_is_checked(root: Path) -> None:
    unit_file = root / "content" / "lukou-zzb" / "unit.yaml"
    text = unit_file.read_text("utf-8") + 'numbering:\n  hunan-overall:\n    3: "{n:>999999999}"\n'
    unit_file.write_text(text, "utf-8")
    line = line_of(unit_file, "{n:>999999999}")
    refused(root, f"content/lukou-zzb/unit.yaml:{line}: 错误", "numbering.hunan-overall.3")


def test_numberer_never_formats() -> None:
    """Styles are filled by substitution: what check refuses cannot run even if it got through."""
    assert Numberer({1: "第{cn}部分{{{n}}}"})(1) == "第一部分{1}"
    for style in ("{n.__class__.__mro__}", "{n:>999999999}", "{chinese}"):
        with pytest.raises(PatternError):
            Numberer({1: style})(1)


# Broken Word templates -------------------------------------------------------------------------


def rewrite(path: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """Rewrite the .docx at `path`, each part through `change` (None drops the part)."""
    with zipfile.ZipFile(path) as source:
        parts = [(info.filename, source.read(info)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts:
            changed = change(name, data)
            if changed is not None:
                target.writestr(name, changed)
    path.write_bytes(out.getvalue())


def edit_body(root: Path, old: str, new: str) -> None:
    """Replace `old` (once) by `new` in the text of the template's word/document.xml."""

    def change(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        text = data.decode("utf-8")
        assert old in text, old
        return text.replace(old, new, 1).encode("utf-8")

    rewrite(root / TEMPLATE, change)


def handmade_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, raw deflate data, crc, declared size) entries, sizes as declared."""
    body, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in entries:
        offset = body.tell()
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        body.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + encoded + data)
        central.write(
            struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset)
            + encoded
        )
    directory = central.getvalue()
    end = struct.pack(
        "<4sHHHHIIH",
        b"PK\x05\x06",
        0,
        0,
        len(entries),
        len(entries),
        len(directory),
        body.tell(),
        0,
    )
    return body.getvalue() + directory + end


def deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def bomb(root: Path, declared: int, inflated_mb: int) -> None:
    """Make the template's word/document.xml inflate to `inflated_mb` MB of spaces, its
    header saying it holds `declared` bytes; the other parts as they were."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    megabyte = b" " * 2**20
    block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * inflated_mb + compressor.flush()  # each block restarts: the same bytes
    entries = []
    with zipfile.ZipFile(root / TEMPLATE) as source:
        for info in source.infolist():
            if info.filename == "word/document.xml":
                entries.append((info.filename, stream, 0, declared))
            else:
                data = source.read(info)
                entries.append((info.filename, deflated(data), zlib.crc32(data), len(data)))
    (root / TEMPLATE).write_bytes(handmade_zip(entries))


def test_zip_bomb_with_its_size_declared(root: Path) -> None:
    bomb(root, declared=3 * 2**30, inflated_mb=3 * 1024)
    assert (root / TEMPLATE).stat().st_size < 8 * 2**20
    refused(root, "templates/hunan-overall/report.docx: 错误", "word/document.xml 解压后过大")


def test_zip_bomb_that_lies_about_its_size(root: Path) -> None:
    """A header saying 6 kB over data inflating to 1 GB: read no further than declared."""
    bomb(root, declared=6615, inflated_mb=1024)
    refused(root, "report.docx: 错误", "模板 report.docx 已损坏：word/document.xml 无法解压")


def test_many_parts_that_together_inflate_too_far(root: Path) -> None:
    filler = b"x" * (30 * 2**20)
    rewrite(root / TEMPLATE, lambda _name, data: data)
    with zipfile.ZipFile(root / TEMPLATE, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/a.bin", filler)
        archive.writestr("word/media/b.bin", filler)
    refused(root, "report.docx: 错误", "模板 report.docx 太大")


@pytest.mark.parametrize(
    ("damage", "needle"),
    [
        ("bad_xml", "模板 report.docx 已损坏：word/document.xml 第 2 行不是有效的 XML"),
        ("no_styles", "模板 report.docx 缺少 word/styles.xml"),
        ("no_body", "模板 report.docx 缺少 word/document.xml"),
        ("not_zip", "模板 report.docx 不存在或不是 Word 文档（.docx）"),
        ("encrypted", "模板 report.docx 已加密"),
        ("bad_rels", "模板 report.docx 已损坏：word/_rels/document.xml.rels"),
    ],
)
def test_broken_package(root: Path, damage: str, needle: str) -> None:
    path = root / TEMPLATE
    if damage == "bad_xml":
        edit_body(root, "</w:body>", "</w:bodyx>")
    elif damage == "no_styles":
        rewrite(path, lambda name, data: None if name == "word/styles.xml" else data)
    elif damage == "no_body":
        rewrite(path, lambda name, data: None if name == "word/document.xml" else data)
    elif damage == "not_zip":
        path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    elif damage == "bad_rels":
        rewrite(path, lambda name, data: data[:-5] if name.endswith("document.xml.rels") else data)
    else:  # the encryption flag on every entry, in its local header and the central directory
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                data[info.header_offset + 6] |= 1
        at = 0
        while (at := data.find(b"PK\x01\x02", at)) != -1:
            data[at + 8] |= 1
            at += 4
        path.write_bytes(bytes(data))
    refused(root, "templates/hunan-overall/report.docx: 错误", needle)


@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [
        (
            "{%p endfor %}",
            "",
            ["“{% for line in title_lines %}”处，{% for %} 没有对应的 {% endfor %}"],
        ),
        (
            "{%p endfor %}",
            "{%p endfro %}",
            ["“{% endfro %}”处标签写错了：不认识的标签 {% endfro %}（拼错了，或多出了一个）"],
        ),
        (
            "{%p endif %}",
            "",
            [
                "{% endfor %} 对不上：前面“{% if s.layout == 'general_budget' %}"
                "{% for l in s.lead %}”处的 {% if %} 还没有 {% endif %}"
            ],
        ),
        (
            "{{ loop.index | cn }}",
            "{{ loop.index | cnn }}",
            ["“{{ loop.index | cnn }}是{{ g.lead }}”处标签写错了：没有名为 cnn 的过滤器"],
        ),
        (
            "{{ p }}",
            "{% endif %}{{ p }}",
            [
                "“{% endif %}{{ p }}”处，{% endif %} 对不上：前面"
                "“{% for p in budget.basic_text %}”处的 {% for %} 还没有 {% endfor %}"
            ],
        ),
    ],
)
def test_jinja_syntax_error_names_its_paragraph(
    root: Path, old: str, new: str, needles: list[str]
) -> None:
    edit_body(root, old, new)
    refused(root, "report.docx: 错误: 模板 report.docx 的", *needles)


@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [
        (
            "{{ s.title }}",
            "{{ s.nosuch }}",
            ["“{{ num(1) }}{{ s.nosuch }}”中，s 没有 nosuch 这一项", "s 可用的有：blocks、key"],
        ),
        (
            "{{ s.title }}",
            "{{ s.titel }}",
            ["“{{ num(1) }}{{ s.titel }}”中，s 没有 titel 这一项", "是不是 s.title？"],
        ),
        (
            "{{ line }}",
            "{{ unit.fullname }}",
            ["“{{ unit.fullname }}”中，unit 没有 fullname 这一项", "是不是 unit.full_name？"],
        ),
        (
            "{{ b.text }}",
            "{{ b.txt }}",
            ["b 没有 txt 这一项", "是不是 b.text？"],
        ),
        (
            "{{ g.lead }}",
            "{{ g.lead.nosuch }}",
            ["g.lead 没有 nosuch 这一项"],
        ),
    ],
)
def test_member_the_values_lack(root: Path, old: str, new: str, needles: list[str]) -> None:
    """`{{ s.nosuch }}` inside `{% for s in sections %}`, `{{ unit.fullname }}`: found by check."""
    edit_body(root, old, new)
    refused(root, "report.docx: 错误: 模板 report.docx 的", *needles)


def test_guarded_member_is_not_a_finding(root: Path) -> None:
    """`is defined` and `| default` ask whether a member is there: no finding, render works."""
    edit_body(
        root, "{{ s.title }}", "{{ s.title }}{% if s.nosuch is defined %}{{ s.x }}{% endif %}"
    )
    edit_body(root, "{{ line }}", "{{ line }}{{ unit.nosuch | default('') }}")
    code, output, _seconds = jixiao(root, "check", "2023")
    assert code == 0 and "未发现问题" in output, output
