"""Admin for people: read-mostly. State changes go through the services (counters, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from sampark.accounts.models import User
from sampark.people import rights
from sampark.people.models import Assignment, ConsentEvent, Person, PositionKind, SignupFlag


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


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

    # Deleting a person is their erasure (people.rights.person_erase): the consent ledger is
    # kept under the keyed phone hash (a plain delete is PROTECTed), every app's rows and the
    # logs are scrubbed, and a re-import cannot bring them back.
    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        note = _(
            "Erasure: the person's data is removed from every table and log; their consent "
            "ledger is kept under a keyed hash of the phone, and they cannot be imported again."
        )
        return [note], {}, set(), []

    def delete_model(self, request: HttpRequest, obj: Person) -> None:
        rights.person_erase(person=obj, actor=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        for person in queryset.order_by("id"):
            rights.person_erase(person=person, actor=_actor(request))

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> HttpResponse:
        return super().response_delete(request, rights.MASK, obj_id)


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
