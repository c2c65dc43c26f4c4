"""Admin for people: read-mostly. State changes go through the services (counters, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sampark.people.models import Assignment, ConsentEvent, Person, PositionKind, SignupFlag


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("id", "name", "home_unit", "source", "created_at")
    search_fields = ("name", "=phone", "=epic")
    list_select_related = ("home_unit",)
    raw_id_fields = ("home_unit",)
    # The phone is the de-duplication key: changing it here would bypass normalisation.
    readonly_fields = ("phone", "source", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PositionKind)
class PositionKindAdmin(admin.ModelAdmin[PositionKind]):
    list_display = (
        "code",
        "level",
        "name_en",
        "name_hi",
        "seats",
        "counts_toward_staffing",
        "order",
    )
    list_filter = ("level",)
    readonly_fields = ("code", "level", "counts_toward_staffing")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "person",
        "unit",
        "kind",
        "seat",
        "status",
        "verify_method",
        "verified_at",
    )
    list_filter = ("status", "verify_method", "kind")
    list_select_related = ("person", "unit", "kind")
    raw_id_fields = ("person", "unit", "verified_by")


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "person",
        "purpose",
        "channel",
        "action",
        "notice_version",
        "source",
        "at",
    )
    list_filter = ("purpose", "channel", "action")
    list_select_related = ("person",)
    raw_id_fields = ("person",)


@admin.register(SignupFlag)
class SignupFlagAdmin(admin.ModelAdmin[SignupFlag]):
    list_display = ("id", "person", "kind", "detail", "created_at", "resolved_at")
    list_filter = ("kind",)
    list_select_related = ("person",)
    raw_id_fields = ("person", "other_person")
    # Only resolving a flag is an edit.
    readonly_fields = ("person", "kind", "detail", "other_person", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
