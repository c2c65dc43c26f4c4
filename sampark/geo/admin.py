"""Admin for the tree: read-mostly. The tree comes from `sampark geo import`; only the display
names may be corrected here, and units are never added or deleted by hand."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sampark.geo.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ("path", "name", "level", "number", "electors")
    list_filter = ("level",)
    search_fields = ("^path", "name", "name_hi")
    ordering = ("path",)
    show_full_result_count = False
    fields = (
        "path",
        "level",
        "code",
        "number",
        "name",
        "name_hi",
        "reservation",
        "electors",
        "volunteers",
        "parent",
        "state",
        "district",
        "pc",
        "ac",
        "mandal",
        "sector",
    )
    readonly_fields = (
        "path",
        "level",
        "code",
        "number",
        "reservation",
        "electors",
        "volunteers",
        "parent",
        "state",
        "district",
        "pc",
        "ac",
        "mandal",
        "sector",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False
