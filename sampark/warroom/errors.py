"""The war room's refusal: raised by its services, shown to the user by its views."""

from __future__ import annotations


class WarroomError(ValueError):
    """A refused change, with a message meant for the user."""
