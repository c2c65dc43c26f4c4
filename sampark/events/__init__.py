"""Workshops, meetings, conventions and training: targets, invitations, tickets, check-in (issue #14)."""
