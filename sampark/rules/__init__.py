"""The sending rules: what every channel checks when a message, a call or an invitation leaves.

The entry point is `sampark.rules.selectors.check` (one recipient) and `Rulebook` (a batch).
"""
