"""The listening pipeline: plain Python over dataclasses, never imports Django (ARCHITECTURE)."""
