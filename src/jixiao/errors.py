"""What jixiao tells a user about their content: findings, and the error that carries them.

A `Finding` names the file, line and field it is about, what is wrong and what to do.
`ContentError` is raised with a list of findings when content cannot be used; anything
else raised is a bug in jixiao (shown with a traceback only under `--debug`).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from jixiao.frozen import frozen
from jixiao.messages import say


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # listed by `check --strict` only; counts as neither


@frozen
class Finding:
    """One problem in one place of the content: file, line, field path, message, what to do."""

    severity: Severity
    file: Path | None
    line: int | None
    field: str
    message: str
    hint: str = ""

    def render(self, root: Path | None = None) -> str:
        """The finding as one block of text for a terminal."""
        where = ""
        if self.file is not None:
            shown = self.file
            if root is not None:
                try:
                    shown = self.file.resolve().relative_to(root.resolve())
                except ValueError:
                    shown = self.file
            where = str(shown)
            if self.line:
                where += f":{self.line}"
        label = {
            Severity.ERROR: say("error_label"),
            Severity.WARNING: say("warning_label"),
            Severity.NOTE: say("note_label"),
        }[self.severity]
        head = f"{where}: {label}" if where else label
        if self.field:
            head += f" [{self.field}]"
        text = f"{head}: {self.message}"
        if self.hint:
            text += f"\n    {say('hint_label')}{self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "file": str(self.file) if self.file else None,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class ContentError(Exception):
    """The content cannot be used; `findings` says everything that is wrong with it."""

    findings: list[Finding] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(f.render() for f in self.findings)


def error(file: Path | None, line: int | None, field: str, message: str, hint: str = "") -> Finding:
    return Finding(Severity.ERROR, file, line, field, message, hint)


def warning(
    file: Path | None, line: int | None, field: str, message: str, hint: str = ""
) -> Finding:
    return Finding(Severity.WARNING, file, line, field, message, hint)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a `kill`, a closing session): stopped as Ctrl-C stops, exit 143 (cli.main)."""


def os_reason(exc: OSError) -> str:
    """Why an operating system call failed, in the user's language."""
    codes = {
        errno.ELOOP: "os_loop",
        errno.EACCES: "os_denied",
        errno.EPERM: "os_denied",
        errno.ENOSPC: "os_full",
        errno.EDQUOT: "os_full",
        errno.EROFS: "os_read_only",
        errno.ENOTDIR: "os_not_dir",
        errno.EEXIST: "os_not_dir",
        errno.ENAMETOOLONG: "os_name_too_long",
        errno.ENOENT: "os_missing",
        errno.EISDIR: "os_is_dir",
        errno.EBUSY: "os_busy",
        errno.ETXTBSY: "os_busy",
    }
    code = codes.get(exc.errno or 0)
    if code:
        return say(code)
    return say("os_other", detail=exc.strerror or exc)  # the system's words, in our sentence
