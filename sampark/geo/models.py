"""The electoral tree: one table for every level, with a materialised path.

"Everything under X" is `path = X.path OR path LIKE X.path || '/%'`, an indexed prefix query on
SQLite and PostgreSQL alike. Every unit also carries its ancestors' ids (district, pc, ac, mandal,
sector) so that roll-ups are a single GROUP BY over booths, whatever the level.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sampark.geo.enums import Level, NameSource, Reservation
from sampark.geo.naming import unit_name


class Unit(models.Model):
    level = models.CharField(max_length=10, choices=Level.choices)
    code = models.CharField(max_length=16)
    path = models.CharField(max_length=128, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    number = models.PositiveIntegerField(
        null=True, blank=True, help_text="AC/PC number, booth part number"
    )
    name = models.CharField(max_length=200)
    name_hi = models.CharField(max_length=200, blank=True, default="")
    # How name_hi was made: public data, put together from public names, transliterated by rule
    # (to be checked) or corrected by an in-charge (then an import never overwrites it).
    name_hi_source = models.CharField(
        max_length=16, choices=NameSource.choices, blank=True, default=""
    )
    reservation = models.CharField(
        max_length=3, choices=Reservation.choices, blank=True, default=""
    )
    electors = models.PositiveIntegerField(null=True, blank=True)

    # Denormalised ancestors (null at and above their own level).
    state = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pc = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ac = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    mandal = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sector = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    # Booths only: verified volunteers holding a booth position, kept by people.services in the
    # same transaction as the assignment change, so the state roll-up is a scan of booth rows.
    volunteers = models.PositiveSmallIntegerField(default=0)

    # ACs, districts and PCs: boundary as GeoJSON geometry text (from the state's boundary files).
    boundary = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["level", "district"]),
            models.Index(fields=["level", "ac"]),
            models.Index(fields=["level", "pc"]),
            models.Index(fields=["level", "mandal"]),
            models.Index(fields=["level", "sector"]),
            models.Index(fields=["parent", "number"]),
            # LIKE 'UP/D47/%' uses this on PostgreSQL whatever the database collation.
            models.Index(
                fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="unit_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.name}"

    @property
    def local_name(self) -> str:
        """The name in the page's language: `name_hi` on Hindi pages when there is one."""
        return unit_name(self)

    @property
    def display_name(self) -> str:
        """The local name with its number where the public knows it by number (AC 173,
        booth 145)."""
        return unit_name(self, numbered=True)

    def is_descendant_of(self, other: Unit) -> bool:
        return self.path == other.path or self.path.startswith(other.path + "/")


class RecruitmentTarget(models.Model):
    """A recruitment target set on a unit: N verified volunteers in its subtree by a date."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="targets")
    volunteers = models.PositiveIntegerField()
    due = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit"], name="one_target_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit.path}: {self.volunteers}"
