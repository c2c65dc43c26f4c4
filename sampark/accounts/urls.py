"""The signed-in user's own account (issue #12): password change and reset, second factor."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from sampark.accounts import views, views_audit, views_staff

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="home"),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("staff/", views_staff.staff_list, name="staff_list"),
    path("staff/<int:user_id>/", views_staff.staff_edit, name="staff_edit"),
    path("staff/<int:user_id>/active/", views_staff.staff_active, name="staff_active"),
    path("staff/<int:user_id>/reset/", views_staff.staff_reset, name="staff_reset"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/backup-codes/", views.mfa_backup_codes, name="mfa_backup_codes"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordReset.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            extra_context={"login_url": reverse_lazy("login")}
        ),
        name="password_reset_complete",
    ),
]
