"""CAMEO event codes with what follows from them: PLOVER type, QuadClass, Goldstein value.

The tables are data files (see ``data/README.md`` for their sources), parsed and validated here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from communique.errors import DataFileError

_Crosswalk = dict[str, tuple[str, str | None, str | None]]
_CROSSWALK_LINE = re.compile(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,([^,#]*)(?:,([^#]*))?)?(?:#.*)?$")


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code and its derived values."""

    code: str
    name: str
    goldstein: float
    plover: str | None
    mode: str | None
    context: str | None

    @property
    def root(self) -> int:
        return int(self.code[:2])

    @property
    def quad_class(self) -> int:
        """GDELT QuadClass: 1 verbal, 2 material cooperation; 3 verbal, 4 material conflict."""
        if self.root <= 5:
            return 1
        if self.root <= 8:
            return 2
        if self.root <= 13:
            return 3
        return 4


@dataclass(frozen=True, slots=True)
class Ontology:
    """Every CAMEO code communique can emit."""

    codes: dict[str, CameoCode]
    version: str

    def __getitem__(self, code: str) -> CameoCode:
        return self.codes[code]

    def __contains__(self, code: object) -> bool:
        return code in self.codes


def _data_path(name: str) -> Path:
    return Path(str(resources.files("communique") / "data" / name))


def _read_tsv(path: Path, columns: int) -> list[tuple[int, list[str]]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or number == 1:
            continue
        cells = line.split("\t")
        if len(cells) < columns:
            raise DataFileError(str(path), f"expected {columns} tab-separated columns", number)
        rows.append((number, [c.strip() for c in cells]))
    return rows


def _read_crosswalk(path: Path) -> _Crosswalk:
    """Parse the PLOVER crosswalk: ``030: AGREE,  mode, context # name``."""
    mapping: _Crosswalk = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("~"):
            continue
        match = _CROSSWALK_LINE.match(stripped)
        if match is None:
            raise DataFileError(str(path), f"cannot read crosswalk line {stripped!r}", number)
        code, plover, mode, context = match.groups()
        # The first line for a code wins: the table lists a few codes twice.
        mapping.setdefault(
            code, (plover, (mode or "").strip() or None, (context or "").strip() or None)
        )
    return mapping


def _plover_for(code: str, crosswalk: _Crosswalk) -> tuple[str | None, str | None, str | None]:
    # Most specific first: 0311 → 031 → 03.
    for prefix in (code, code[:3], code[:2]):
        if prefix in crosswalk:
            return crosswalk[prefix]
    return (None, None, None)


def load_ontology(data_dir: Path | None = None) -> Ontology:
    """Load CAMEO names, Goldstein values and the PLOVER crosswalk, checking they agree."""
    folder = data_dir if data_dir is not None else _data_path("")
    names_path = folder / "cameo-eventcodes.tsv"
    goldstein_path = folder / "cameo-goldstein.tsv"
    names = {cells[0]: cells[1] for _, cells in _read_tsv(names_path, 2)}
    goldstein: dict[str, float] = {}
    for number, cells in _read_tsv(goldstein_path, 2):
        try:
            goldstein[cells[0]] = float(cells[1])
        except ValueError:
            raise DataFileError(
                str(goldstein_path), f"not a number: {cells[1]!r}", number
            ) from None
    crosswalk = _read_crosswalk(folder / "cameo2plover-2021.txt")
    extra_path = folder / "cameo2plover-extra.tsv"
    for _, cells in _read_tsv(extra_path, 1):
        cells += [""] * (4 - len(cells))
        plover = cells[1] or None
        crosswalk[cells[0]] = (plover or "", cells[2] or None, cells[3] or None)
    codes = {}
    for code, name in names.items():
        if code not in goldstein:
            raise DataFileError(str(goldstein_path), f"no Goldstein value for CAMEO code {code}")
        plover, mode, context = _plover_for(code, crosswalk)
        codes[code] = CameoCode(code, name, goldstein[code], plover or None, mode, context)
    return Ontology(codes=codes, version=f"cameo-{len(codes)}+plover-2021")


@cache
def default_ontology() -> Ontology:
    return load_ontology()
