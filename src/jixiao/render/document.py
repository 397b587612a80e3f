"""Render a kind's Word template with a context into .docx bytes (docxtpl, sandboxed)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError

from jixiao.errors import ContentError, error
from jixiao.messages import say
from jixiao.render import wordml
from jixiao.render.placeholders import Placeholders
from jixiao.sandbox import Sandbox, plain_names, sandbox


@functools.cache
def _template_env() -> Sandbox:
    """The environment for Word templates, one a process: a template is compiled once."""
    return sandbox(autoescape=True, cache=32)


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
    document = DocxTemplate(str(template))
    try:
        document.render(plain_names(context), jinja_env=_template_env(), autoescape=True)
    except TemplateError as exc:
        detail = getattr(exc, "message", None) or str(exc)
        raise ContentError(
            [
                error(
                    template,
                    getattr(exc, "lineno", None),
                    "",
                    say("template_error", template=template.name, detail=detail),
                    say("template_error_hint"),
                )
            ]
        ) from None
    placeholders.apply(document.docx)
    wordml.pin_core_properties(document.docx, title=title, author=author)
    return wordml.docx_bytes(document.docx)
