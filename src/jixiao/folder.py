"""A jixiao project folder: content/<unit>/… and templates/<kind>/…, nothing read yet.

Apart from the pipeline (project.py), so that commands which only look at the folder
(`jixiao init`) import nothing that validates, computes or renders.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.frozen import frozen

UNIT_FILE = "unit.yaml"


def misnamed(file: Path) -> list[Path]:
    """Files beside a missing `file` that are surely it under a slipped name: another letter
    case, .yml, a space, or an extension an editor added (2023.yaml.txt, 2023.YML, Unit.yaml)."""
    if file.exists() or not file.parent.is_dir():
        return []
    stem = file.name.removesuffix(".yaml").casefold()
    names = (f"{stem}.yaml", f"{stem}.yml")
    found = []
    for other in sorted(file.parent.iterdir()):
        name = other.name.casefold().replace(" ", "")
        if other.is_file() and any(name == n or name.startswith(n + ".") for n in names):
            found.append(other)
    return found


@frozen
class Project:
    """The folder holding content/<unit>/… and templates/<kind>/…"""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def units(self) -> list[str]:
        """Ids of every unit (a folder under content/ with a unit.yaml)."""
        if not self.content.is_dir():
            return []
        return sorted(p.name for p in self.content.iterdir() if (p / UNIT_FILE).is_file())

    def units_with(self, year: int) -> list[str]:
        """Ids of the units that have a file for `year`: every folder under content/ with a
        `<year>.yaml`, even one whose unit.yaml is missing or whose year file is a folder,
        so that loading reports the problem instead of the unit being left out unsaid."""
        if not self.content.is_dir():
            return []
        return sorted(
            p.name
            for p in self.content.iterdir()
            if p.is_dir() and ((p / f"{year}.yaml").exists() or misnamed(p / f"{year}.yaml"))
        )

    def year_file(self, unit: str, year: int) -> Path:
        return self.content / unit / f"{year}.yaml"

    def unit_file(self, unit: str) -> Path:
        return self.content / unit / UNIT_FILE
