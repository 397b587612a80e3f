"""Write rendered files safely: whole or not at all, only inside the output folder.

A file is written to a temporary file beside its target and renamed into place; a set of
files (one unit's documents) is staged in a folder and placed together, rolled back if any
fails. Temporary names carry the writing process's id, so the next run can remove what a
killed run left behind without touching the files of a run still going.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from jixiao.errors import ContentError, error, os_reason
from jixiao.messages import say

NAME_BYTES = 255
"""The longest file name (in UTF-8 bytes) ext4 and most file systems allow; 汉字 are 3 each."""
TEMP = "jixiao"
LEFTOVER = re.compile(r"\.~jixiao-(\d+)-(\d+)-[0-9a-f]+(?:\.tmp)?")
"""A temporary file or staging folder of jixiao's: .~jixiao-<pid>-<process start>-<random>."""
_SEPARATORS = ("/", "\\")


def name_problem(name: str, whole: bool = True) -> str | None:
    """What makes `name` unusable as one file's name (a message), or None if it is safe.
    With `whole` False, `name` is a part of a name: only separators and control characters."""
    if any(sep in name for sep in _SEPARATORS):
        return say("name_separator")
    if any(_control(c) for c in name):
        return say("name_control")
    if not whole:
        return None
    if name.startswith("."):
        return say("name_dot")
    size = len(name.encode("utf-8"))
    if size > NAME_BYTES:
        return say("name_too_long", size=size, limit=NAME_BYTES)
    return None


def _control(char: str) -> bool:
    """Whether `char` is a control, format or separator character (NUL, \\x0c, U+2028 …)."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def write_failed(path: Path, exc: OSError, code: str = "write_failed") -> ContentError:
    """The finding for a file or folder that could not be written (message `code`, which
    names the path: the finding itself names none, as a path in a symlink loop has no place)."""
    message = say(code, path=path, detail=os_reason(exc))
    return ContentError([error(None, None, "", message, say(f"{code}_hint"))])


def _start_time(pid: int) -> int:
    """When process `pid` started (clock ticks since boot, Linux), 0 where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return 0


def temp_name(suffix: str = "", pid: int | None = None) -> str:
    """A fresh temporary name owned by process `pid` (this one): .~jixiao-<pid>-<start>-<random>."""
    pid = os.getpid() if pid is None else pid
    return f".~{TEMP}-{pid}-{_start_time(pid)}-{secrets.token_hex(4)}{suffix}"


def _alive(pid: int, started: int) -> bool:
    """Whether the process that made a temporary name (its id and start time) still runs;
    a process with the same id that started at another time is another process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    now = _start_time(pid)
    return not (started and now and now != started)


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove jixiao's temporary files and staging folders in `folder` left by processes
    that are gone (a run killed with kill -9, a power cut); the paths removed."""
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = LEFTOVER.fullmatch(entry.name)
        if match is None or _alive(int(match[1]), int(match[2])):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def inside(folder: Path, name: str) -> Path:
    """`folder`/`name`, after making sure it is a file directly in `folder`; else ContentError."""
    target = folder / name
    problem = name_problem(name) if name not in ("", ".", "..") else say("name_dot")
    if problem is None:
        try:
            if target.resolve().parent != folder.resolve():
                problem = say("name_separator")
        except (OSError, RuntimeError):  # a symlink loop
            problem = say("os_loop")
    if problem is not None:
        message = say("path_outside", path=target, out=folder, problem=problem)
        raise ContentError([error(target, None, "", message, say("path_outside_hint"))])
    return target


def write_new(path: Path, data: bytes) -> None:
    """Write `data` to the new file `path` and flush it to disk."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def write_atomic(target: Path, data: bytes) -> None:
    """Put `data` at `target` whole or not at all; never a half-written file at `target`."""
    temporary = target.parent / temp_name(".tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_new(temporary, data)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise write_failed(target, exc) from None


@contextmanager
def staging(folder: Path) -> Iterator[Path]:
    """A fresh staging folder inside `folder` (made if need be), removed afterwards whatever
    happens; jixiao's leftovers of earlier runs in `folder` are removed first."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        clean_leftovers(folder)
        stage = folder / temp_name()
        stage.mkdir()
    except OSError as exc:
        raise write_failed(folder, exc) from None
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


_HELD = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGALRM") if hasattr(signal, n)]
_saved: dict[int, object] = {}  # the handlers replaced while signals are held
_pending: list[tuple[int, int]] = []  # (process id, signal) that came while held


def _defer(signum: int, _frame: FrameType | None) -> None:
    _pending.append((os.getpid(), signum))


def hold_signals() -> None:
    """Hold Ctrl-C, termination and the unit time limit until release_signals().

    Python runs signal handlers in the main thread whichever thread the kernel hands the
    signal to, so holding is done by handler (not by the thread's signal mask); only the
    main thread can hold, and holding twice is holding once."""
    if _saved or threading.current_thread() is not threading.main_thread():
        return
    for signum in _HELD:
        _saved[signum] = signal.getsignal(signum)
        signal.signal(signum, _defer)


def release_signals() -> None:
    """Let held signals through again: Ctrl-C or termination that came meanwhile now takes
    effect; a time limit that ran out meanwhile is dropped, as the work it limited is done.
    A process forked while its parent held replays none of the parent's."""
    if not _saved:
        return
    came = [signum for pid, signum in _pending if pid == os.getpid()]
    _pending.clear()
    for signum, handler in _saved.items():
        if signal.getsignal(signum) is _defer:  # else replaced meanwhile: that one stays
            signal.signal(signum, handler)  # type: ignore[arg-type]
    _saved.clear()
    for signum in dict.fromkeys(came):
        if signum != getattr(signal, "SIGALRM", None):
            signal.raise_signal(signum)


def place(files: dict[Path, Path], stage: Path) -> list[Path]:
    """Move each staged file (value) to its target (key) all together: if one cannot be
    placed, those placed are taken back and earlier versions restored (ContentError).

    Signals are held from here on: once placed, the caller records the files as written
    and then calls release_signals(), so Ctrl-C never loses track of files in place."""
    backups: dict[Path, Path | None] = {}
    target = next(iter(files), stage)
    hold_signals()
    try:
        for target, staged in files.items():
            backups[target] = _keep(stage, target)
            os.replace(staged, target)
    except BaseException as exc:
        _restore(backups)
        release_signals()
        if isinstance(exc, OSError):
            raise write_failed(target, exc) from None
        raise
    return list(files)


def _keep(stage: Path, target: Path) -> Path | None:
    """A hard link (else a copy) in `stage` of the file now at `target`, to restore it; None
    if there is none."""
    if not target.is_file():
        return None
    backup = stage / temp_name(".tmp")
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def _restore(backups: dict[Path, Path | None]) -> None:
    """Undo a partly done `place`: each target back to its earlier version, or removed."""
    for target, backup in backups.items():
        try:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        except OSError:
            continue


def shown(path: Path) -> Path:
    """`path` relative to the working folder when it is inside it, as users typed it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a symlink loop
        return path
