from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Levels of the electoral tree. PC is a grouping of ACs, not a node on the path."""

    STATE = "state", _("State")
    DISTRICT = "district", _("District")
    PC = "pc", _("Lok Sabha constituency")
    AC = "ac", _("Assembly constituency")
    MANDAL = "mandal", _("Mandal")
    SECTOR = "sector", _("Sector")
    BOOTH = "booth", _("Booth")


# The tree proper, top to bottom. A PC hangs off the state and groups ACs through `Unit.pc`.
TREE_LEVELS: tuple[str, ...] = (
    Level.STATE,
    Level.DISTRICT,
    Level.AC,
    Level.MANDAL,
    Level.SECTOR,
    Level.BOOTH,
)

# The level whose units are the children shown when drilling down from a level.
CHILD_LEVEL: dict[str, str] = {
    Level.STATE: Level.DISTRICT,
    Level.DISTRICT: Level.AC,
    Level.PC: Level.AC,
    Level.AC: Level.MANDAL,
    Level.MANDAL: Level.SECTOR,
    Level.SECTOR: Level.BOOTH,
}

# Path code prefix per level: UP/D47/AC173/M03/S12/B145; PCs are UP/PC01.
CODE_PREFIX: dict[str, str] = {
    Level.DISTRICT: "D",
    Level.PC: "PC",
    Level.AC: "AC",
    Level.MANDAL: "M",
    Level.SECTOR: "S",
    Level.BOOTH: "B",
}


class Reservation(models.TextChoices):
    GEN = "GEN", _("General")
    SC = "SC", _("Scheduled Castes")
    ST = "ST", _("Scheduled Tribes")


class NameSource(models.TextChoices):
    """How a unit's Hindi name was made (issue #16): only PUBLIC and CORRECTED are checked."""

    NONE = "", _("No Hindi name")
    PUBLIC = "public", _("From public data")
    DERIVED = "derived", _("Put together from public names")
    TRANSLITERATED = "transliterated", _("Transliterated, to be checked")
    CORRECTED = "corrected", _("Corrected by an in-charge")
