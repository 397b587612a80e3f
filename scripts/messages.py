"""Maintain jixiao's message catalogs (Babel / gettext), in src/jixiao/locale/.

    python scripts/messages.py extract   # the codes jixiao's code uses → locale/jixiao.pot
    python scripts/messages.py check     # codes used in code but missing from a catalog
    python scripts/messages.py compile   # every jixiao.po → jixiao.mo (committed)

Messages are looked up by a short code (`say("yaml_syntax", problem=…)`); each language's
jixiao.po maps the code to its text, with {fields} filled in at run time. To add or change
a message, edit zh_CN and en's jixiao.po (Poedit or any text editor), then `compile`.
The same steps with Babel's own command: `pybabel extract -k say -o src/jixiao/locale/
jixiao.pot src/jixiao` and `pybabel compile -d src/jixiao/locale -D jixiao`.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "jixiao"
LOCALE = PACKAGE / "locale"
DOMAIN = "jixiao"


def catalogs() -> dict[str, Path]:
    """Each language's .po file."""
    return {po.parent.parent.name: po for po in sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


def used_codes() -> dict[str, list[str]]:
    """Codes passed literally to say() in jixiao's code, with where each is used."""
    found: dict[str, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), keywords={"say": None}, comment_tags=()
    ):
        if isinstance(message, str):
            found.setdefault(message, []).append(f"{filename}:{line}")
    return found


def compiled(po: Path) -> bytes:
    """The .mo bytes of a .po file."""
    with po.open("rb") as stream:
        catalog = read_po(stream)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def extract() -> None:
    template = Catalog(domain=DOMAIN, project="jixiao")
    for code, places in sorted(used_codes().items()):
        template.add(
            code, locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places]
        )
    with (LOCALE / f"{DOMAIN}.pot").open("wb") as stream:
        write_po(stream, template, width=0, omit_header=True)
    print(f"{len(template)} codes → {LOCALE / (DOMAIN + '.pot')}")


def check() -> int:
    used = used_codes()
    problems = 0
    for lang, po in catalogs().items():
        with po.open("rb") as stream:
            known = {m.id for m in read_po(stream) if m.id}
        for code in sorted(set(used) - known):
            print(f"{lang}: missing {code} (used at {used[code][0]})")
            problems += 1
    return problems


def compile_all() -> None:
    for lang, po in catalogs().items():
        po.with_suffix(".mo").write_bytes(compiled(po))
        print(f"{lang}: {po.with_suffix('.mo').relative_to(ROOT)}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "compile":
        compile_all()
    elif command == "check":
        sys.exit(1 if check() else 0)
    else:
        sys.exit(__doc__)
