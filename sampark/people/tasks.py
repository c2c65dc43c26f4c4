"""Background work for people (registered with the core task queue)."""
