"""The two versions `jixiao diff` compares: two years of a unit, or one year at two git
revisions (`--rev A..B`; `A..` is revision A against the files as they are now).

A revision's content/ and templates/ are taken out of git into a temporary folder and read
there as a project of their own; nothing in the work tree changes. Each version says who
made it and when, for the redline's revision marks.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from jixiao.errors import ContentError, error, os_reason
from jixiao.frozen import frozen
from jixiao.messages import say
from jixiao.project import Project

PARTS = ("content", "templates")


@frozen
class Version:
    """A project as it stood: a git revision's copy (with the repository it came from), or
    the work tree (no revision)."""

    project: Project
    revision: str | None = None
    repository: Path | None = None


def parse_rev(rev: str) -> tuple[str, str | None]:
    """`A..B` as (A, B), `A..` as (A, None: the work tree); ContentError for anything else."""
    first, dots, second = rev.partition("..")
    if not dots or not first or second.startswith(".") or any(c.isspace() for c in rev):
        message = say("diff_rev_form", rev=rev)
        raise ContentError([error(None, None, "", message, say("diff_rev_form_hint"))])
    return first, second or None


def checkout(root: Path, revision: str, into: Path) -> Version:
    """Content and templates of the project at `root` as at git `revision`, copied into
    `into`; ContentError saying why when git cannot give them."""
    top = Path(_git(root, revision, "rev-parse", "--show-toplevel").strip())
    prefix = _git(root, revision, "rev-parse", "--show-prefix").strip()
    _git(top, revision, "rev-parse", "--verify", f"{revision}^{{commit}}")
    paths = [f"{prefix}{part}" for part in PARTS]
    listed = _git(top, revision, "ls-tree", "--name-only", revision, "--", *paths).splitlines()
    data = subprocess.run(
        ["git", "-C", str(top), "archive", "--format=tar", revision, "--", *listed],
        capture_output=True,
        check=False,
    )
    if data.returncode != 0 or not listed:
        detail = data.stderr.decode("utf-8", "replace").strip() or say("diff_rev_empty")
        raise _git_failed(revision, detail)
    with tarfile.open(fileobj=io.BytesIO(data.stdout)) as archive:
        archive.extractall(into, filter="data")
    return Version(Project(into / prefix), revision, root)


def author_date(version: Version, file: Path) -> tuple[str, str]:
    """Who made `version` and when (UTC, as Word writes it): a revision's git author and
    date; for the work tree, no author (the caller names the unit) and the time `file` was
    last saved."""
    if version.revision is not None and version.repository is not None:
        line = _git(
            version.repository,
            version.revision,
            "log",
            "-1",
            "--format=%an%x00%aI",
            version.revision,
        )
        author, _, date = line.strip().partition("\0")
        return author, word_date(datetime.fromisoformat(date))
    try:
        modified = datetime.fromtimestamp(file.stat().st_mtime, UTC)
    except OSError:
        modified = datetime.now(UTC)
    return "", word_date(modified)


def word_date(moment: datetime) -> str:
    """`moment` in UTC as a w:date value: 2024-03-01T09:30:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _git(root: Path, revision: str, *args: str) -> str:
    """The output of `git -C root ARGS`; ContentError naming `revision` when git fails."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise _git_failed(revision, say("git_missing")) from None
    except OSError as exc:
        raise _git_failed(revision, os_reason(exc)) from None
    if result.returncode != 0:
        raise _git_failed(revision, result.stderr.strip() or f"git {args[0]}")
    return result.stdout


def _git_failed(revision: str, detail: str) -> ContentError:
    message = say("diff_rev_failed", rev=revision, detail=detail)
    return ContentError([error(None, None, "", message, say("diff_rev_failed_hint"))])


@frozen
class Redline:
    """One redline: the new document with the changes marked, the key project it is for
    ("" for a kind made once) and whether that project is new (all marked inserted)."""

    data: bytes
    project: str = ""
    added: bool = False


@frozen
class Redlines:
    """The redlines of one report kind: one, or one per key project of the new version for a
    kind made once per project, and the projects only the old version had (no redline)."""

    each: bool
    documents: list[Redline]
    removed: list[str]


def redline_document(
    old: Version, new: Version, years: tuple[int, int], unit: str, kind: str | None
) -> Redlines:
    """The redlines of `unit`'s report of `kind` (default: its first) from `old` (year
    years[0]) to `new` (years[1]). A kind made once per key project is paired by project
    name: a project in both gets its changes marked, one new in `new` is all inserted, one
    only in `old` is listed as removed. Both versions must render; ContentError lists what
    stops either."""
    from jixiao.project import build_kind, load_unit_year
    from jixiao.redline import redline

    findings = []
    loaded = []
    for version, year in ((old, years[0]), (new, years[1])):
        try:
            loaded.append(load_unit_year(version.project, unit, year))
        except ContentError as exc:
            findings += exc.findings
    if findings:
        raise ContentError(findings)
    a, b = loaded
    chosen = [k for k in b.kinds if kind is None or k.name == kind][:1]
    previous = [k for k in a.kinds if chosen and k.name == chosen[0].name]
    if not chosen or not previous:
        kinds = ", ".join(k.name for k in b.kinds if k.name in {x.name for x in a.kinds})
        message = say("diff_kind_missing", unit=unit, kind=kind or "", kinds=kinds or "——")
        raise ContentError([error(b.unit_source.file, None, "", message)])
    old_documents, new_documents = build_kind(a, previous[0]), build_kind(b, chosen[0])
    author, date = author_date(new, b.source.file or Path())
    author = author or b.unit.full_name
    if chosen[0].settings.each is None:
        (old_document,), (new_document,) = old_documents, new_documents
        marked = redline(old_document.data, new_document.data, author, date)
        return Redlines(False, [Redline(marked)], [])
    old_names = [p.name for p in a.year.key_projects]  # build_kind's order: one per project
    new_names = [p.name for p in b.year.key_projects]
    earlier = {project_key(n): d for n, d in zip(old_names, old_documents, strict=True)}
    documents = []
    for name, document in zip(new_names, new_documents, strict=True):
        before = earlier.get(project_key(name))
        marked = redline(before.data if before else None, document.data, author, date)
        documents.append(Redline(marked, name, before is None))
    kept = {project_key(n) for n in new_names}
    return Redlines(True, documents, [n for n in old_names if project_key(n) not in kept])


def project_key(name: str) -> str:
    """What makes two key projects the same project across versions: the name, as the file
    names compare it (NFC, case folded), so the pairing agrees with `check`'s duplicates."""
    return unicodedata.normalize("NFC", name).casefold()
