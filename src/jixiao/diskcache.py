"""Work done once per version of a Word template, kept on disk for the next process.

A cold `render` spends a good part of its time on its template, though the template seldom
changes: checking that every XML part of the package is well-formed, compiling each part's
Jinja source to Python code, finding the names each part uses. Each result is stored here
under the SHA-256 of what it was worked out from (the template's bytes, a part's source),
so a process that meets the same bytes again reads the result instead.

Where: `$JIXIAO_CACHE_DIR` if set (empty: no cache), else `$XDG_CACHE_HOME/jixiao`, else
`~/.cache/jixiao` — the user's own cache, never the project. A project is content shared with
others through git or a copied folder, and compiled code runs when it is loaded: a cache file
that came with a project must never be read. The folder is made private (0700) and used only
if it is the user's own and nobody else may write in it (as Jinja's own bytecode cache asks).

What is read back is checked, and anything that does not pass is as if absent (worked out
again, written anew): each file starts with a digest of its key, the program that wrote it
(jixiao's modules whose work is kept, the libraries' and Python's versions) and its payload.
A truncated or damaged file, one written for another key, by another version of jixiao or of
a library, fails it. Only successes are kept (a broken template is checked every time, so
its findings are worked out as ever). Writing is best effort: a folder that cannot be made
or written leaves each process to work everything out, as without the cache.

The folder does not grow without end: a file read back is marked used (its time of change
set to now, at most once a day), and once a day a write removes every file not used for
`UNUSED_DAYS` days (the results for templates since changed or deleted) and any staged file
a stopped process left behind.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import os
import stat
import sys
import tempfile
import time
from pathlib import Path

ENV_FOLDER = "JIXIAO_CACHE_DIR"
"""The environment variable naming the cache folder; set empty, it turns the cache off."""
FORMAT = b"jixiao-cache 1\n"
"""The first bytes of every cache file (and part of each digest)."""
_DIGEST = 32
UNUSED_DAYS = 60
"""A file not read back for this many days is removed (the next day's first write does it)."""
_DAY = 24 * 3600
_PRUNED = ".pruned"
"""The file whose time of change says when the folder was last pruned."""
_STAGED = ".staged-"

_WRITERS = (
    "jixiao.diskcache",
    "jixiao.render.wordml",
    "jixiao.sandbox",
    "jixiao.render.document",
    "jixiao.render.tables",
    "jixiao.render.gongwen",
)
"""jixiao's modules whose results are kept: a change to any of them makes every file stale."""
_LIBRARIES = ("jinja2", "docxtpl", "docx", "lxml.etree")


def digest(data: bytes) -> str:
    """The key of `data`: its SHA-256 in hex."""
    return hashlib.sha256(data).hexdigest()


@functools.cache
def folder() -> Path | None:
    """The cache folder, made if missing, or None: turned off, or not safe to use."""
    chosen = os.environ.get(ENV_FOLDER)
    if chosen is not None:
        if not chosen:
            return None
        path = Path(chosen)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or ""
        if not os.path.isabs(base):
            base = os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(base) / "jixiao"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to expand ~ to
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return path


@functools.cache
def _writer() -> bytes | None:
    """What identifies the program that works the results out (see the module docstring),
    or None if a module's source cannot be read (then nothing is cached)."""
    parts = [FORMAT, sys.version.encode(), (sys.implementation.cache_tag or "").encode()]
    for name in _LIBRARIES:
        module = importlib.import_module(name)
        parts.append(f"{name} {getattr(module, '__version__', '?')}".encode())
    for name in _WRITERS:
        try:
            parts.append(Path(importlib.import_module(name).__file__ or "").read_bytes())
        except OSError:
            return None
    return hashlib.sha256(b"\0".join(parts)).digest()


def _seal(writer: bytes, kind: str, key: str, payload: bytes) -> bytes:
    return hashlib.sha256(b"\0".join((writer, kind.encode(), key.encode(), payload))).digest()


def read(kind: str, key: str) -> bytes | None:
    """The payload kept for (`kind`, `key`), or None: none kept, or one that fails its check."""
    where, writer = folder(), _writer()
    if where is None or writer is None:
        return None
    path = where / f"{kind}-{key}"
    try:
        with open(path, "rb") as stream:
            data = stream.read()
            changed = os.fstat(stream.fileno()).st_mtime
    except (OSError, ValueError):
        return None
    head = len(FORMAT)
    if not data.startswith(FORMAT) or len(data) < head + _DIGEST:
        return None
    sealed, payload = data[head : head + _DIGEST], data[head + _DIGEST :]
    if sealed != _seal(writer, kind, key, payload):
        return None
    if time.time() - changed > _DAY:  # used: kept by the pruning for UNUSED_DAYS more
        with contextlib.suppress(OSError):
            os.utime(path)
    return payload


def write(kind: str, key: str, payload: bytes) -> None:
    """Keep `payload` for (`kind`, `key`), replacing any file at once; nothing if it fails."""
    where, writer = folder(), _writer()
    if where is None or writer is None:
        return
    data = FORMAT + _seal(writer, kind, key, payload) + payload
    try:
        handle, staged = tempfile.mkstemp(dir=where, prefix=_STAGED)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(staged, where / f"{kind}-{key}")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(staged)
    _prune(where)


def _prune(where: Path) -> None:
    """Remove the files of `where` not used for UNUSED_DAYS days and staged files over a day
    old, if that was not done in the last day (best effort: what cannot be removed stays)."""
    now = time.time()
    marker = where / _PRUNED
    try:
        if now - marker.stat().st_mtime < _DAY:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    try:
        marker.touch()
        entries = list(os.scandir(where))
    except OSError:
        return
    for entry in entries:
        if entry.name == _PRUNED:
            continue
        limit = _DAY if entry.name.startswith(_STAGED) else UNUSED_DAYS * _DAY
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and now - entry.stat().st_mtime > limit:
                os.unlink(entry.path)
