"""What a kind prints itself (its own title, its forms' label, title, subtitle and notes),
left out of the prose and the title the import keeps.

A Word report's forms come with their 附件2 label, a title and notes under the table. The
kind prints these itself when it prints the form, so read as body text they would appear
twice. A form is printed when the year file has what its declaration's `when` (or `each`)
names; the texts of those forms are dropped from the prose the import keeps.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from jixiao import patterns
from jixiao.errors import ContentError
from jixiao.formspec import ROOTS, load_form
from jixiao.importing.structure import Node
from jixiao.kinds import Kind
from jixiao.messages import say
from jixiao.model import Year

_YEAR = re.compile(r"\{\{\s*(prior_year|year)\s*\}\}")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _has(fields: Mapping[str, object], path: str) -> bool:
    """Whether the year file's fields hold what `path` (a declaration's `when`) reads."""
    head = path.split(".")[0]
    names = (head,) if head in Year.model_fields else ROOTS.get(head, ())
    return any(fields.get(name) not in (None, [], {}) for name in names)


def printed_texts(
    templates: Path, kind: Kind, year: int, fields: Mapping[str, object]
) -> Counter[str]:
    """The texts (squeezed) the kind prints around the forms the year file has data for,
    each as often as it prints."""
    settings = kind.settings
    out: Counter[str] = Counter()
    years = {"year": str(year), "prior_year": str(year - 1)}
    if "title" not in kind.reads:  # the kind prints its own title, never the year file's
        out.update(_squeeze(_YEAR.sub(lambda m: years[m[1]], line)) for line in settings.title)
    printed = 0
    for spec in settings.attachments:
        try:
            form, _source = load_form(templates, kind.name, spec.form)
        except ContentError:
            continue
        when = form.when if isinstance(form.when, list) else [form.when] if form.when else []
        if not all(_has(fields, path) for path in [*when, *([form.each] if form.each else [])]):
            continue
        number = settings.attachment_start + printed
        printed += 1
        label = patterns.fill(settings.attachment_label, {"n": str(number)})
        titles = [spec.title, spec.subtitle or ""]
        titles = [_YEAR.sub(lambda m: years[m[1]], t) for t in titles]
        notes = form.notes if spec.notes is None else spec.notes
        out.update(_squeeze(t) for t in [label, *titles, *notes] if _squeeze(t))
    return out


def _take(text: str, printed: Counter[str]) -> bool:
    """Whether `text` is one the kind prints still to be found (and count it found)."""
    key = _squeeze(text)
    if printed[key] <= 0:
        return False
    printed[key] -= 1
    return True


def drop_printed_lines(lines: list[str], printed: Counter[str]) -> list[str]:
    """`lines` (the title block's) without those the kind prints itself."""
    return [line for line in lines if not _take(line, printed)]


def drop_printed(node: Node, printed: Counter[str]) -> None:
    """Leave out of `node` and below the paragraphs, and the headings (their content kept),
    that the kind prints with its forms; a note on the node says which."""
    kept, dropped = [], []
    for text in node.text:
        (dropped if _take(text, printed) else kept).append(text)
    node.text = kept
    for child in list(node.children):
        drop_printed(child, printed)
        if _take(child.title, printed):
            dropped.append(child.title)
            index = node.children.index(child)
            node.children[index : index + 1] = child.children
            node.text += child.text
            node.tables += child.tables
            node.notes += child.notes
    if dropped:
        listed = say("list_separator").join(dict.fromkeys(dropped))
        node.notes.append(say("import_note_attachment_texts", printed=listed))
