"""JSON Schema of the content files, so an editor (yaml-language-server) completes and checks.

`jixiao schema` writes schema/year.schema.json and schema/unit.schema.json; the content
files name them in their first line (`# yaml-language-server: $schema=…`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from jixiao.model import Unit, Year
from jixiao.output import write_atomic

FOLDER = "schema"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "unit": (Unit, "单位基本信息（content/<单位>/unit.yaml）"),
    "year": (Year, "年度内容（content/<单位>/<年度>.yaml）"),
}
"""Each schema: its model and its title, by the name its file starts with."""

AMOUNT_TEXT = r"^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$"
"""What an amount typed as text must look like for the editor: digits, one optional point.

Set here rather than left to pydantic, whose default has changed between releases (2.10
writes no pattern, so any text passes as an amount; the committed schema was written by one
that wrote this one; 2.14 writes none unless asked): the schema must reject "七百万"
whichever pydantic regenerates it.
"""


class _Generator(GenerateJsonSchema):
    """pydantic's JSON Schema generator, with the text form of a Decimal fixed to `AMOUNT_TEXT`."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        body = super().decimal_schema(schema)
        for branch in body.get("anyOf", [body]):
            if branch.get("type") == "string":
                branch["pattern"] = AMOUNT_TEXT
        return body


def file_name(name: str) -> str:
    """The schema's file name: 'year' → 'year.schema.json'."""
    return f"{name}.schema.json"


def modeline(name: str) -> str:
    """The first line of a content file under content/<unit>/, pointing at its schema."""
    return f"# yaml-language-server: $schema=../../{FOLDER}/{file_name(name)}"


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one content file, with the models' Chinese titles and descriptions.

    Class docstrings (written for developers, in English) are left out; field titles stay.
    """
    model, title = SCHEMAS[name]
    body = model.model_json_schema(schema_generator=_Generator)
    for definition in body.get("$defs", {}).values():
        definition.pop("description", None)
    body.pop("description", None)
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in body.items() if k != "title"}}


def schema_text(name: str) -> str:
    """The schema as the committed file holds it: indented JSON, Chinese as is, final newline."""
    return json.dumps(schema(name), ensure_ascii=False, indent=2) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder` (atomically); the paths written."""
    written = []
    for name in SCHEMAS:
        target = folder / file_name(name)
        write_atomic(target, schema_text(name).encode("utf-8"))
        written.append(target)
    return written
