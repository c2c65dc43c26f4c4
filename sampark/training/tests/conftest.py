from sampark.training.tests.fixtures import analyst, content_module, factcheck_module, sita

__all__ = ["analyst", "content_module", "factcheck_module", "sita"]
