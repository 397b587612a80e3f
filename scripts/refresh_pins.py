"""Rewrite constraints.txt: the exact release of every package the tests install, today's.

    python scripts/refresh_pins.py            # fresh venv, `.[test]` unpinned and uncapped, freeze
    python scripts/refresh_pins.py --check    # exit 1 if constraints.txt is not a fresh freeze

The README's test command (and so .ci/run) installs with `-c constraints.txt`, so a new
machine gets the releases the suite last passed with, not whatever was published since.
The refresh lifts pyproject.toml's upper bounds (`<…`, the tested range) to see today's
releases; after it, run the test command, fix what the new releases broke, raise those
upper bounds to the new pins, and commit constraints.txt with them.
"""

from __future__ import annotations

import platform
import re
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "constraints.txt"
PROJECT = "jixiao"
HEADER = """\
# Exact releases of everything `pip install -e ".[test]"` resolves to, transitive ones too.
# Used by the README's test command and .ci/run: pip install -c constraints.txt -e ".[test]"
# Written by scripts/refresh_pins.py on Python {python}; do not edit by hand.
"""


def uncapped() -> list[str]:
    """The project's and the test extra's requirements, with their upper bounds left out."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    return [re.sub(r",?\s*<=?[^,;\s]+", "", req) for req in wanted]


def frozen(python: Path) -> list[str]:
    """`name==version` of every package installed in the venv of `python`, but the project."""
    out = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pins = [line for line in out.splitlines() if line and "==" in line]
    # pip, setuptools and wheel come with the venv itself, not from the project's requirements
    seeded = {"pip", "setuptools", "wheel", PROJECT}
    return sorted(
        (p for p in pins if p.split("==")[0].lower() not in seeded), key=lambda p: p.lower()
    )


def resolve() -> str:
    """constraints.txt's text from a fresh venv with `.[test]`'s requirements, uncapped."""
    with tempfile.TemporaryDirectory(prefix="jixiao-pins-") as folder:
        venv.create(folder, with_pip=True)
        python = Path(folder) / "bin" / "python"
        pip = [str(python), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, *uncapped()], check=True)
        lines = frozen(python)
    return HEADER.format(python=platform.python_version()) + "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = resolve()
    if "--check" in argv:
        same = PINS.is_file() and PINS.read_text(encoding="utf-8") == text
        print("constraints.txt is up to date" if same else "constraints.txt is stale")
        return 0 if same else 1
    PINS.write_text(text, encoding="utf-8")
    print(f"{len(text.splitlines()) - HEADER.count(chr(10))} pins → {PINS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
