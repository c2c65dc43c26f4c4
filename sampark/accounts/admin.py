"""Admin: users with their unit and roles inline, and the role grants themselves."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from sampark.accounts.models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleGrant
    extra = 1
    fields = ("role", "granted_at")
    readonly_fields = ("granted_at",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Sampark", {"fields": ("unit", "person", "preferred_language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Sampark", {"fields": ("unit",)}),
    )
    inlines = (RoleGrantInline,)
    list_display = ("username", "first_name", "last_name", "unit", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser", "unit__level", "roles__role")
    list_select_related = ("unit",)
    search_fields = ("username", "first_name", "last_name", "email", "unit__path", "unit__name")
    # The tree has lakhs of units: pick by id, never render them all in a <select>.
    raw_id_fields = ("unit", "person")


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "granted_at")
    list_filter = ("role",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__unit__path")
    raw_id_fields = ("user",)
