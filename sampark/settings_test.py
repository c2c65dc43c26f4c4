"""Test settings: only overrides (saleor)."""

from __future__ import annotations

import os

from sampark.settings import *  # noqa: F403
from sampark.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SAMPARK_SMS = {"BACKEND": "sampark.people.sms.locmem", "OPTIONS": {}}

if not os.getenv("DATABASE_URL"):
    # Tests never touch the demo database; pytest-django creates its own.
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
LANGUAGE_CODE = "en"
