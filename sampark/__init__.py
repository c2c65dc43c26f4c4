"""Sampark: the operating system of a campaign's digital team."""
