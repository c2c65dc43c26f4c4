from sampark.events.tests.fixtures import numbered, season

__all__ = ["numbered", "season"]
