"""Test settings: only overrides (saleor)."""

from __future__ import annotations

import os

from sampark.settings import *  # noqa: F403
from sampark.settings import DATABASES

# Not the public demo key, so the system checks pass for commands the tests start (workers).
SECRET_KEY = "sampark-tests-only-secret-key-never-used-anywhere-else-4f1c9a"  # noqa: S105
SAMPARK_ERASURE_KEY = "sampark-tests-only-erasure-key"
# Tests log in with force_login, as users of every role; the MFA tests switch it on themselves.
SAMPARK_REQUIRE_MFA = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SAMPARK_SMS = {"BACKEND": "sampark.people.sms.locmem", "OPTIONS": {}}
# Image posts go straight to the pipeline in tests; the OCR tests switch it on themselves.
SAMPARK_OCR = {**SAMPARK_OCR, "ENABLED": False}  # noqa: F405

if not os.getenv("DATABASE_URL"):
    # Tests never touch the demo database; pytest-django creates its own.
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
LANGUAGE_CODE = "en"
