"""Small generated trees for tests, the scope probe and benchmarks (not real geography)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.services import unit_create


@dataclass
class Tree:
    state: Unit
    districts: list[Unit] = field(default_factory=list)
    pcs: list[Unit] = field(default_factory=list)
    acs: list[Unit] = field(default_factory=list)
    mandals: list[Unit] = field(default_factory=list)
    sectors: list[Unit] = field(default_factory=list)
    booths: list[Unit] = field(default_factory=list)

    def by_level(self, level: str) -> list[Unit]:
        levels: dict[str, list[Unit]] = {
            Level.STATE: [self.state],
            Level.DISTRICT: self.districts,
            Level.PC: self.pcs,
            Level.AC: self.acs,
            Level.MANDAL: self.mandals,
            Level.SECTOR: self.sectors,
            Level.BOOTH: self.booths,
        }
        return levels[level]

    @property
    def all_units(self) -> list[Unit]:
        return [
            self.state,
            *self.districts,
            *self.pcs,
            *self.acs,
            *self.mandals,
            *self.sectors,
            *self.booths,
        ]


def build_tree(
    *,
    code: str = "UP",
    districts: int = 2,
    acs_per_district: int = 2,
    mandals_per_ac: int = 1,
    sectors_per_mandal: int = 2,
    booths_per_sector: int = 2,
    rng: random.Random | None = None,
) -> Tree:
    """A complete tree; with `rng`, every fan-out is drawn between 1 and the given maximum.

    Two ACs of neighbouring districts share a PC, as real PCs cross district lines.
    """

    def fan(n: int) -> int:
        return rng.randint(1, n) if rng else n

    state = unit_create(parent=None, level=Level.STATE, number=1, name=code, code=code)
    tree = Tree(state=state)
    ac_no = booth_no = 0
    for d in range(1, fan(districts) + 1):
        district = unit_create(
            parent=state, level=Level.DISTRICT, number=d, name=f"District {d}", name_hi=f"जिला {d}"
        )
        tree.districts.append(district)
        for _ in range(fan(acs_per_district)):
            ac_no += 1
            pc_no = (ac_no + 1) // 2
            if len(tree.pcs) < pc_no:
                tree.pcs.append(
                    unit_create(
                        parent=state,
                        level=Level.PC,
                        number=pc_no,
                        name=f"PC {pc_no}",
                        name_hi=f"लोकसभा {pc_no}",
                    )
                )
            ac = unit_create(
                parent=district,
                level=Level.AC,
                number=ac_no,
                name=f"AC {ac_no}",
                name_hi=f"विधानसभा {ac_no}",
                pc=tree.pcs[pc_no - 1],
            )
            tree.acs.append(ac)
            for m in range(1, fan(mandals_per_ac) + 1):
                mandal = unit_create(
                    parent=ac, level=Level.MANDAL, number=m, name=f"Mandal {ac_no}-{m}"
                )
                tree.mandals.append(mandal)
                for s in range(1, fan(sectors_per_mandal) + 1):
                    sector = unit_create(
                        parent=mandal, level=Level.SECTOR, number=s, name=f"Sector {ac_no}-{m}-{s}"
                    )
                    tree.sectors.append(sector)
                    for _ in range(fan(booths_per_sector)):
                        booth_no += 1
                        tree.booths.append(
                            unit_create(
                                parent=sector,
                                level=Level.BOOTH,
                                number=booth_no,
                                name=f"Prathmik Vidyalaya {booth_no}",
                                name_hi=f"प्राथमिक विद्यालय {booth_no}",
                            )
                        )
    return tree
