"""Staff accounts managed by in-charges (issue #13): war-room analysts and call-centre staff.

An in-charge with `manage_accounts` sees, creates and changes the accounts of their subtree
whose every role is a staff role below their own. An account outside the subtree does not exist
for them (404); one inside it that they may not manage (a peer, a superuser, an in-charge made
from a position) is a 403.
Every change writes an audit row. A new account has no password: the in-charge hands over a
one-time link to set one (shown once), and the role's second factor is set up at first log-in.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sampark.accounts import audit, selectors
from sampark.accounts.enums import ROLE_ORDER, STAFF_ROLES, Capability
from sampark.accounts.models import RoleGrant, User
from sampark.geo.enums import Level
from sampark.geo.models import Unit

# Staff sit at the war rooms and call centres of the state, districts, Lok Sabha and assembly
# constituencies; not on mandals, sectors or booths.
STAFF_LEVELS = (Level.STATE, Level.DISTRICT, Level.PC, Level.AC)


def grantable_roles(*, actor: User) -> list[str]:
    """The staff roles below the actor's highest role, in order of seniority."""
    if not actor.can(Capability.MANAGE_ACCOUNTS):
        return []
    if actor.is_superuser:
        top = -1
    else:
        ranks = [ROLE_ORDER.index(r) for r in actor.role_names if r in ROLE_ORDER]
        top = min(ranks, default=len(ROLE_ORDER))
    return [r for r in ROLE_ORDER if r in STAFF_ROLES and ROLE_ORDER.index(r) > top]


def staff_units(*, actor: User) -> QuerySet[Unit]:
    """The units of the actor's subtree a staff account may be placed on."""
    return selectors.visible_units(user=actor).filter(level__in=STAFF_LEVELS).order_by("path")


def staff_accounts(*, actor: User) -> QuerySet[User]:
    """The staff accounts the actor manages: in the subtree, every role grantable by them."""
    if not actor.can(Capability.MANAGE_ACCOUNTS):
        raise PermissionDenied(_("Your role may not manage accounts."))
    allowed = grantable_roles(actor=actor)
    return (
        User.objects.filter(selectors.scope_q(user=actor, field="unit"), is_superuser=False)
        .annotate(
            n_roles=Count("roles", distinct=True),
            n_other=Count("roles", filter=~Q(roles__role__in=allowed), distinct=True),
        )
        .filter(n_roles__gt=0, n_other=0)
        .select_related("unit")
        .prefetch_related("roles")
        .order_by("username")
    )


def access_staff_account(*, actor: User, user_id: int) -> User:
    """The staff account if the actor manages it. An account outside the actor's subtree does
    not exist for them (404, as everywhere: an id never tells whether it exists there); one
    inside it that they may not manage (no `manage_accounts`, a peer, an in-charge made from a
    position) is a 403."""
    if actor.can(Capability.MANAGE_ACCOUNTS):
        found = staff_accounts(actor=actor).filter(id=user_id).first()
        if found is not None:
            return found
    if User.objects.filter(selectors.scope_q(user=actor, field="unit"), id=user_id).exists():
        raise PermissionDenied
    raise Http404("no such account")


def _check(actor: User, role: str, unit_id: int) -> Unit:
    if role not in grantable_roles(actor=actor):
        raise ValidationError(_("You may not give this role."), code="role")
    unit = staff_units(actor=actor).filter(id=unit_id).first()
    if unit is None:
        raise ValidationError(_("Choose a unit of your area."), code="unit")
    return unit


def staff_account_create(
    *, actor: User, username: str, name: str, email: str, role: str, unit_id: int
) -> User:
    """Create a staff account with `role` on a unit of the actor's subtree (no password yet)."""
    unit = _check(actor, role, unit_id)
    username = username.strip()
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken."), code="username")
        user = User(username=username, first_name=name.strip()[:150], email=email, unit=unit)
        user.set_unusable_password()
        user.save()
        RoleGrant.objects.create(user=user, role=role)
        audit.user_event(verb="staff_created", user=user, actor=actor, data={"role": role})
    return user


def staff_account_change(*, actor: User, user_id: int, role: str, unit_id: int) -> User:
    """Give a managed account another staff role and/or unit, both within the actor's reach."""
    user = access_staff_account(actor=actor, user_id=user_id)
    unit = _check(actor, role, unit_id)
    with transaction.atomic():
        before = {"roles": sorted(user.role_names), "unit": user.unit.path if user.unit else ""}
        RoleGrant.objects.filter(user=user).exclude(role=role).delete()
        RoleGrant.objects.get_or_create(user=user, role=role)
        user.unit = unit
        user.save(update_fields=["unit"])
        audit.user_event(
            verb="staff_changed",
            user=user,
            actor=actor,
            data={"before": before, "role": role, "unit": unit.path},
        )
    user.__dict__.pop("_role_cache", None)
    return user


def staff_account_set_active(*, actor: User, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) a managed account; a deactivated one cannot log in."""
    user = access_staff_account(actor=actor, user_id=user_id)
    if user.id == actor.id:
        raise PermissionDenied(_("You cannot deactivate your own account."))
    with transaction.atomic():
        User.objects.filter(id=user.id).update(is_active=active)
        user.is_active = active
        verb = "staff_reactivated" if active else "staff_deactivated"
        audit.user_event(verb=verb, user=user, actor=actor)
    return user


def staff_account_reset(*, actor: User, user_id: int) -> str:
    """Reset a managed account: its password stops working and its second factor is removed;
    returns the path of a one-time link to set a new password (show it once)."""
    user = access_staff_account(actor=actor, user_id=user_id)
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.user_event(verb="staff_reset", user=user, actor=actor)
    return set_password_path(user)


def set_password_path(user: User) -> str:
    """The one-time link (path) to set the account's password (Django's reset token)."""
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
