from sampark.events.tests.fixtures import numbered, season, volunteer, workshop

__all__ = ["numbered", "season", "volunteer", "workshop"]
