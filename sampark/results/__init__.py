"""Past election results against the organisation's strength, maps, charts and the morning brief (issue #16)."""
