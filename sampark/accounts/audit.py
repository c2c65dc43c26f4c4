"""Audit rows of sign-in events: passwords changed or reset, second factors set up or used up."""

from __future__ import annotations

from typing import Any

from sampark.accounts.models import User
from sampark.core import audit


def user_event(
    *, verb: str, user: User, actor: User | None, data: dict[str, Any] | None = None
) -> None:
    """One audit row about `user`'s sign-in; call inside the transaction of the change."""
    audit.record(
        verb=f"user.{verb}",
        object_type="user",
        object_id=user.pk,
        actor=actor,
        unit_path=user.unit.path if user.unit_id is not None and user.unit is not None else "",
        data=data,
    )
