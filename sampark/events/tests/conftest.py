from sampark.events.tests.fixtures import gate, numbered, registered, season, volunteer, workshop

__all__ = ["gate", "numbered", "registered", "season", "volunteer", "workshop"]
