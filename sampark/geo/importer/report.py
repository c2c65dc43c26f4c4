"""What a tree import found and did: counts per level, errors (rows skipped) and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sampark.geo.enums import Level

# Levels in the order they are written (parents before children).
LEVELS: tuple[str, ...] = (
    Level.STATE,
    Level.DISTRICT,
    Level.PC,
    Level.AC,
    Level.MANDAL,
    Level.SECTOR,
    Level.BOOTH,
)


@dataclass(frozen=True)
class RowError:
    """One problem in an input file. `line` counts the header as line 1; None for a whole file
    or a GeoJSON feature (the reason then names the feature)."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.reason}"
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did. `errors` are rows that were skipped; `warnings` are kept rows or
    features with something odd about them, and boundary features that match no unit."""

    state: str
    data_dir: Path
    in_files: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def imported(self) -> bool:
        """Whether anything could be imported (at least one AC was accepted)."""
        return self.in_files[Level.AC] > 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    def error(self, file: str, line: int | None, reason: str) -> None:
        self.errors.append(RowError(file, line, reason))

    def warn(self, file: str, line: int | None, reason: str) -> None:
        self.warnings.append(RowError(file, line, reason))

    def sort(self) -> None:
        """Problems grouped by file (in the order files were read), then by line."""
        for problems in (self.errors, self.warnings):
            order: dict[str, int] = {}
            for problem in problems:
                order.setdefault(problem.file, len(order))
            problems.sort(
                key=lambda p: (order[p.file], p.line if p.line is not None else float("inf"))
            )
