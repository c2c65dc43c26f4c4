"""Errors of the rules app."""

from __future__ import annotations


class RulesError(ValueError):
    """A refused change to the rule tables, with a message meant for the user."""
