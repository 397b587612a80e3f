"""Writer text with {{ … }} expressions over the figures, rendered in a sandbox.

Strict undefined: a misspelt name is an error at the YAML line of the text, with the
closest known name suggested; nothing a writer types can reach beyond the figures.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError
from pydantic import BaseModel

from jixiao import direct
from jixiao.errors import Finding, error
from jixiao.formatting import MissingFigure, prose
from jixiao.formspec import SCORE_READS
from jixiao.frozen import frozen
from jixiao.loading import FieldPath, Source, path_text
from jixiao.messages import say
from jixiao.sandbox import LimitError, Sandbox, failure_detail, plain_names, sandbox


def known_names(values: Iterable[Any]) -> set[str]:
    """Every attribute name reachable in `values` (dataclasses, models, mappings)."""
    seen: set[str] = set()
    found: set[str] = set()

    def visit(kind: Any) -> None:
        if not isinstance(kind, type) or kind in seen:
            return
        seen.add(kind)
        if dataclasses.is_dataclass(kind):
            hints = typing.get_type_hints(kind)
            for f in dataclasses.fields(kind):
                found.add(f.name)
                visit_hint(hints.get(f.name))
        elif issubclass(kind, BaseModel):
            for name, field in kind.model_fields.items():
                found.add(name)
                visit_hint(field.annotation)

    def visit_hint(hint: Any) -> None:
        for arg in typing.get_args(hint) or (hint,):
            if typing.get_args(arg):
                visit_hint(arg)
            else:
                visit(arg)

    for value in values:
        if isinstance(value, Mapping):
            found.update(str(k) for k in value)
        else:
            visit(type(value))
    return found


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUOTED = re.compile(r"'([^']+)'")
_OUTPUT = re.compile(r"{{(.*?)}}", re.S)

NAME_FIELDS: dict[str, tuple[str, ...]] = {
    "staffing": ("staffing",),
    "basic": ("budget",),
    "projects": ("budget",),
    "overall": ("overall", "budget", "institutions"),
    "budget_total": ("overall", "budget", "institutions"),
    "actual_total": ("overall", "budget", "institutions"),
    "execution_rate": ("overall", "budget", "institutions"),
    "income": ("income",),
    "basic_data": ("basic_data",),
    "evaluation": ("evaluation", "goals", "results"),
    "key_projects": ("key_projects",),
    "key_total": ("key_projects",),
    "project": ("key_projects",),
    "group": ("budget",),
    "institutions": ("institutions",),
    "scores": SCORE_READS,
    "coverage": ("coverage",),
}
"""The year-file fields behind each name writer text may use (see render/context.py)."""


@frozen
class Text:
    """One piece of writer text as written and as rendered, with where it was written."""

    file: Path | None
    line: int | None
    path: FieldPath
    raw: str
    rendered: str


class Narrative:
    """Renders writer text against a fixed set of names, collecting findings and the texts."""

    def __init__(self, names: Mapping[str, Any], env: Sandbox | None = None) -> None:
        self._env = env
        self.names = dict(names)
        self.plain = plain_names(names)
        self.findings: list[Finding] = []
        self.texts: list[Text] = []

    @property
    def env(self) -> Sandbox:
        """The sandbox for text the direct path leaves to Jinja, made when first needed."""
        if self._env is None:
            self._env = sandbox()
        return self._env

    @functools.cached_property
    def vocabulary(self) -> set[str]:
        """Every name writer text could mean, for suggestions (worked out when first needed)."""
        return set(self.names) | known_names(self.names.values())

    def render(
        self, text: str, source: Source | None, path: FieldPath, offset: int = 0, **extra: Any
    ) -> str:
        """`text` with its expressions evaluated; on failure a finding and the raw text."""
        line = source.text_line(path, offset) if source else None
        file = source.file if source else None
        rendered = self._evaluate(text, file, line, path, extra)
        self.texts.append(Text(file, line, path, text, rendered))
        return rendered

    def _evaluate(
        self, text: str, file: Path | None, line: int | None, path: FieldPath, extra: dict
    ) -> str:
        if "{" not in text:
            return text
        names = {**self.plain, **plain_names(extra)} if extra else self.plain
        try:
            with prose():
                rendered = self._direct(text, names)
                if rendered is None:
                    rendered = self.env.from_string(text).render(names)
            if "None" in rendered and "None" not in text:  # a bare {{ figure }} with no figure
                raise MissingFigure
            return rendered
        except MissingFigure:
            expression = self._missing_expression(text, names)
            root = _WORD.match(expression)
            fields = NAME_FIELDS.get(root.group(0) if root else "", ())
            fill = "、".join(fields) if fields else expression
            self.findings.append(
                error(
                    file,
                    line,
                    path_text(path),
                    say("missing_figure", expression=expression),
                    say("missing_figure_hint", fill=fill),
                )
            )
        except TemplateSyntaxError as exc:
            self._add(
                file, line, path, say("jinja_syntax", detail=exc.message), "jinja_syntax_hint"
            )
        except UndefinedError as exc:
            detail = str(exc.message or exc)
            quoted = _QUOTED.findall(detail)
            missing = quoted[-1] if quoted else ""
            vocabulary = self.vocabulary | set(extra)
            close = difflib.get_close_matches(missing, sorted(vocabulary), n=1, cutoff=0.6)
            hint = (
                say("jinja_undefined_hint_close", close=close[0])
                if close
                else say("jinja_undefined_hint")
            )
            self.findings.append(
                error(file, line, path_text(path), say("jinja_undefined", detail=missing), hint)
            )
        except LimitError as exc:
            self._add(file, line, path, say("jinja_limit", detail=str(exc)), "jinja_limit_hint")
        except SecurityError as exc:
            self._add(
                file, line, path, say("jinja_security", detail=str(exc)), "jinja_security_hint"
            )
        except Exception as exc:  # a filter given the wrong kind of value, a division by zero …
            self._add(
                file,
                line,
                path,
                say("jinja_error", detail=failure_detail(exc)),
                "jinja_error_hint",
            )
        return text

    def _direct(self, text: str, names: dict[str, Any]) -> str | None:
        """`text` rendered without Jinja where its shape allows (direct.py), else None."""
        if self._env is not None and self._env.autoescape is not False:
            return None
        parts = direct.plan(text)
        return None if parts is None else direct.render(parts, names)

    def _missing_expression(self, text: str, names: dict[str, Any]) -> str:
        """The first {{ … }} of `text` whose figure is missing (its part before any filter)."""
        heads = [m.group(1).split("|")[0].strip() for m in _OUTPUT.finditer(text)]
        for head in heads:
            try:
                if self.env.compile_expression(head)(**names) is None:
                    return head
            except Exception:  # a loop variable, or not a plain expression: try the next
                continue
        return heads[0] if heads else text

    def paragraphs(
        self, texts: list[str], source: Source | None, path: FieldPath, **extra: Any
    ) -> list[str]:
        """Render a Paragraphs field, each paragraph at its own line when it was one block."""
        raw = _raw(source, path)
        if raw is None and path and isinstance(_raw(source, path[:-1]), str):
            path = path[:-1]  # a section written as plain text: its text is the section itself
            raw = _raw(source, path)
        rendered = []
        for index, text in enumerate(texts):
            if isinstance(raw, str):
                offset = _block_offset(raw, index)
                rendered.append(self.render(text, source, path, offset, **extra))
            else:
                rendered.append(self.render(text, source, (*path, index), **extra))
        return rendered

    def _add(self, file: Any, line: int | None, path: FieldPath, message: str, hint: str) -> None:
        self.findings.append(error(file, line, path_text(path), message, say(hint)))


def _raw(source: Source | None, path: FieldPath) -> Any:
    node: Any = source.data if source else None
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _block_offset(raw: str, index: int) -> int:
    """Lines between the first line of a block scalar and its `index`-th non-empty line."""
    seen = -1
    for number, line in enumerate(raw.splitlines()):
        if line.strip():
            seen += 1
            if seen == index:
                return number
    return 0
