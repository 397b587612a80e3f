"""The template cache on disk (diskcache) changes nothing a render gives, whatever is in it.

Each render runs as `python -m jixiao` in a fresh process (in one process the template is
opened once, so only a new process reads the cache), with its own cache folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from jixiao import diskcache
from tests.conftest import REPO, cli_env

UNIT, YEAR = "lukou-zzb", 2023


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content" / UNIT, root / "content" / UNIT)
    return root


def render(root: Path, cache: Path | str) -> tuple[int, str, dict[str, bytes]]:
    """Render the unit with the cache folder `cache` ('' turns it off): the exit code, the
    standard error (its seconds left out) and every file written (name → bytes)."""
    out = root / "out"
    shutil.rmtree(out, ignore_errors=True)
    command = ["--root", str(root), "render", str(YEAR), "--unit", UNIT, "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "jixiao", *command],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli_env(**{diskcache.ENV_FOLDER: str(cache)}),
        cwd=root,
        timeout=600,
        check=False,
    )
    written = {p.name: p.read_bytes() for p in sorted(out.rglob("*.docx"))}
    return done.returncode, re.sub(r"[0-9.]+ 秒", "", done.stderr), written


def test_a_kept_result_gives_the_same_report(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    without = render(project, "")
    first = render(project, cache)
    kept = sorted(p.name.split("-")[0] for p in cache.iterdir())
    second = render(project, cache)
    assert without[0] == 0, without[1]
    assert without[2], "nothing rendered"
    assert first == without
    assert second == without
    assert "package" in kept
    assert "code" in kept
    assert "sources" in kept
    assert "names" in kept
    assert "patched" in kept
    assert "styles" in kept


def test_damaged_or_foreign_files_are_worked_out_again(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = render(project, cache)
    files = sorted(cache.iterdir())
    codes = [p for p in files if p.name.startswith("code-")]
    assert len(codes) >= 2
    contents = {p: p.read_bytes() for p in files}
    codes[0].write_bytes(contents[codes[1]])  # another key's file
    codes[1].write_bytes(contents[codes[1]][: len(contents[codes[1]]) // 2])  # truncated
    for path in files[2:]:
        data = bytearray(contents[path])
        data[-1] ^= 0xFF  # one payload byte damaged
        path.write_bytes(bytes(data))
    (cache / f"package-{diskcache.digest(b'x')}").write_bytes(b"garbage")
    assert render(project, cache) == expected
    for path in files:  # each written anew, as it was
        assert path.read_bytes() == contents[path], path.name
    assert render(project, cache) == expected


def test_another_version_of_jixiao_reads_nothing(project: Path, tmp_path: Path) -> None:
    """A file sealed by another program (here: another cache format) is not read."""
    cache = tmp_path / "cache"
    expected = render(project, cache)
    for path in cache.iterdir():  # the same payload, sealed as a different writer would
        data = path.read_bytes()
        payload = data[len(diskcache.FORMAT) + 32 :]
        path.write_bytes(diskcache.FORMAT + bytes(32) + payload)
    assert render(project, cache) == expected


def test_a_template_changed_since_is_checked_again(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert render(project, cache)[0] == 0
    template = project / "templates" / "hunan-overall" / "report.docx"
    with zipfile.ZipFile(template) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:  # styles.xml no longer well-formed
            archive.writestr(info, data + b"<" if info.filename == "word/styles.xml" else data)
    with_cache = render(project, cache)
    without = render(project, "")
    assert with_cache[0] == 1
    assert with_cache == without


def test_a_folder_others_may_write_is_not_used(project: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    expected = render(project, "")
    assert render(project, shared) == expected
    assert list(shared.iterdir()) == []
    assert render(project, a_file) == expected


def test_files_unused_for_long_are_removed_once_a_day(project: Path, tmp_path: Path) -> None:
    """Files read back stay (marked used); those of a template long gone, and staged files a
    stopped process left, go at the first write of a day, and only then."""
    cache = tmp_path / "cache"
    expected = render(project, cache)
    kept = sorted(p for p in cache.iterdir() if not p.name.startswith("."))
    day = 24 * 3600
    long_ago = time.time() - (diskcache.UNUSED_DAYS + 1) * day
    gone = cache / f"code-{diskcache.digest(b'a template since deleted')}"
    gone.write_bytes(kept[0].read_bytes())
    stale_staged, fresh_staged = cache / ".staged-old", cache / ".staged-new"
    stale_staged.write_bytes(b"")
    fresh_staged.write_bytes(b"")
    for path in [*kept, gone, cache / ".pruned"]:
        os.utime(path, (long_ago, long_ago))
    os.utime(stale_staged, (time.time() - 2 * day,) * 2)
    kept[-1].unlink()  # written again: the write that prunes
    assert render(project, cache) == expected
    assert not gone.exists()
    assert not stale_staged.exists()
    assert fresh_staged.exists()
    for path in kept:  # read back (or written again), so used now
        assert time.time() - path.stat().st_mtime < day, path.name
    again = cache / f"code-{diskcache.digest(b'another one')}"
    again.write_bytes(b"")
    os.utime(again, (long_ago, long_ago))
    kept[-1].unlink()
    assert render(project, cache) == expected
    assert again.exists()  # pruned already today
