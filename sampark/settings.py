"""Settings for Sampark. Everything has a demo default; production overrides come from the environment."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from sampark.core.env import (
    BASE_DIR,
    DEMO_ERASURE_KEY,
    DEMO_SECRET_KEY,
    database_from_url,
    envbool,
    envint,
    envsecret,
    envstr,
)

django_stubs_ext.monkeypatch()

VAR_DIR = Path(envstr("SAMPARK_VAR_DIR", str(BASE_DIR / "var")))
# Public data is read in place from the shared folder beside the repository, never copied in.
DATA_DIR = Path(envstr("SAMPARK_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))

DEBUG = envbool("DEBUG", "False")
# `make demo` sets SAMPARK_DEMO=1: the public demo may run with the demo key and without MFA.
SAMPARK_DEMO = envbool("SAMPARK_DEMO", "False")
SECRET_KEY = envsecret("SECRET_KEY", DEMO_SECRET_KEY)
ALLOWED_HOSTS = envstr("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in envstr("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_NAME = envstr("SITE_NAME", "Sampark")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sampark.core",
    "sampark.geo",
    "sampark.accounts",
    "sampark.people",
    "sampark.rules",
    "sampark.directives",
    "sampark.recruit",
    "sampark.analytics",
    "sampark.monitoring",
    "sampark.content",
    "sampark.factcheck",
    "sampark.warroom",
    "sampark.training",
    "sampark.groups",
    "sampark.notify",
    "sampark.results",
    "sampark.events",
    "sampark.app",
    "sampark.calls",
    # Development tooling (demo, probe, benchmarks): after the product apps, imported by none.
    "sampark.devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "sampark.core.middleware.BadInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sampark.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sampark.core.middleware.ServerTimingMiddleware",
    # Last, as django-axes asks: turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sampark.urls"
WSGI_APPLICATION = "sampark.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sampark" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sampark.menu.desktop_menu",
            ],
            "builtins": ["sampark.core.templatetags.indian"],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        envstr("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'sampark.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Sign-in protection (issue #12). django-axes counts failed log-ins and refuses further tries,
# even with the right password, for the cool-off: per account (from any address) and per address
# (on any account), each after SAMPARK_LOGIN_FAILURE_LIMIT failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("SAMPARK_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("SAMPARK_LOGIN_COOLOFF_MINUTES", "15"))
# "username,ip_address": either locks. "username+ip_address" would lock the pair only (an
# office behind one NAT address then never locks as a whole, but spraying is not stopped).
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in (
        p.strip() for p in envstr("SAMPARK_LOGIN_LOCKOUT_BY", "username,ip_address").split(",")
    )
    if part
]
# A success must not wipe the failures: an insider would log in as themselves between guesses at
# other accounts and reset the address's count (and, with it, those accounts' counts).
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "sampark.accounts.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "sampark.accounts.views.locked_out"
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use the socket's
# address). The client's address is read that many entries from the right, where a client
# cannot write.
SAMPARK_PROXY_COUNT = envint("SAMPARK_PROXY_COUNT", "0")

# Content-Security-Policy (django-csp): everything from this origin, nothing inline, no eval.
# Pages keep their behaviour in static files (sampark/page.js) and their looks in classes;
# htmx runs with allowEval off (base.html). Images may also be https: a fact-check's picture is
# shown from the fact-checker's site. SAMPARK_CSP_REPORT_ONLY=1 reports without blocking.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if envbool("SAMPARK_CSP_REPORT_ONLY", "False"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Two-step verification (TOTP, with static backup codes) after the password, for the roles that
# may see phones, export, approve or manage (`sampark.accounts.signin.needs_mfa`). On by default
# outside DEBUG and the demo; anyone who set it up is asked for it either way.
SAMPARK_REQUIRE_MFA = envbool("SAMPARK_REQUIRE_MFA", "False" if DEBUG or SAMPARK_DEMO else "True")
OTP_TOTP_ISSUER = SITE_NAME
# The admin lists devices; it must not show their secret keys (anyone with one has the factor).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Hindi first: the default language is Hindi, English is one click away.
LANGUAGE_CODE = "hi"
LANGUAGES = [("hi", _("Hindi")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sampark" / "locale"]
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "sampark" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Caps on what an upload expands to, checked before it is read (issue #12): the chat text of a
# WhatsApp export (decompressed), its messages, the files in its zip and each image kept; an
# XLSX workbook's parts (all but the worksheets are loaded whole by openpyxl) and worksheets.
# A chat text over CHAT_INLINE_BYTES, a fact-check file over FACTCHECK_INLINE_BYTES, are
# imported by the worker, not in the web request.
SAMPARK_FACTCHECK_INLINE_BYTES = envint("SAMPARK_FACTCHECK_INLINE_BYTES", str(256 * 1024))
SAMPARK_CHAT_INLINE_BYTES = envint("SAMPARK_CHAT_INLINE_BYTES", str(1024 * 1024))
SAMPARK_CHAT_MAX_BYTES = envint("SAMPARK_CHAT_MAX_BYTES", str(16 * 1024 * 1024))
SAMPARK_CHAT_MAX_MESSAGES = envint("SAMPARK_CHAT_MAX_MESSAGES", "100000")
SAMPARK_ZIP_MAX_MEMBERS = envint("SAMPARK_ZIP_MAX_MEMBERS", "20000")
SAMPARK_CHAT_MEDIA_MAX_BYTES = envint("SAMPARK_CHAT_MEDIA_MAX_BYTES", str(20 * 1024 * 1024))
SAMPARK_XLSX_MAX_PARTS = envint("SAMPARK_XLSX_MAX_PARTS", "1000")
SAMPARK_XLSX_MAX_PART_BYTES = envint("SAMPARK_XLSX_MAX_PART_BYTES", str(32 * 1024 * 1024))
SAMPARK_XLSX_MAX_SHEET_BYTES = envint("SAMPARK_XLSX_MAX_SHEET_BYTES", str(1024 * 1024 * 1024))

SESSION_COOKIE_HTTPONLY = True
# HTTPS (issue #12). Off by default so the demo runs on plain http; the README's "Production"
# block sets them all, and `manage.py check --deploy` is clean with it.
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "False")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "True" if SESSION_COOKIE_SECURE else "False")
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "False")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")
# Behind a proxy that terminates TLS: the request header it sets to "https", as a META key
# (HTTP_X_FORWARDED_PROTO). Set it only when the proxy overwrites that header on every request.
_PROXY_SSL_HEADER = envstr("SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (_PROXY_SSL_HEADER, "https") if _PROXY_SSL_HEADER else None

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "sampark@localhost")

# Cache: in-process by default; Redis when REDIS_URL is set (rate limits, live updates).
REDIS_URL = envstr("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Phone verification: an OTP goes out only when an SMS channel is configured; otherwise the
# unit's in-charge confirms the worker (issue #2). Wagtail-style backend dict.
# Which SMS provider speaks for us (issue #13): "msg91" (MSG91's Flow API, the default) or
# "gateway" (the generic HTTP gateway of integrations/sms.py). MSG91's templates, each mapped to
# its DLT template id: JSON {"otp": {"template_id": ..., "dlt_te_id": ..., "variables": ["otp"]},
# ...}; a content DLT template is found by its DLT id.
SAMPARK_SMS_PROVIDER = envstr("SAMPARK_SMS_PROVIDER", "msg91")
MSG91_OPTIONS = {
    "auth_key_env": "MSG91_AUTH_KEY",
    "base_url": envstr("MSG91_BASE_URL", "https://control.msg91.com"),
    "entity_id_env": "SAMPARK_DLT_ENTITY_ID",
    "templates": json.loads(envstr("MSG91_TEMPLATES", "{}") or "{}"),
}
# The sign-in invitation's SMS (issue #13): an entry of MSG91_TEMPLATES (or a DLT template id)
# whose two variables are the inviting unit's name and the sign-in link.
SAMPARK_INVITE_SMS_TEMPLATE = envstr("SAMPARK_INVITE_SMS_TEMPLATE", "invite")
# An event's invitation and its notices (reminders, experts' answers), issue #14: entries of
# MSG91_TEMPLATES whose two variables are the event's title and its registration link.
SAMPARK_EVENT_INVITE_SMS_TEMPLATE = envstr("SAMPARK_EVENT_INVITE_SMS_TEMPLATE", "event_invite")
SAMPARK_EVENT_NOTICE_SMS_TEMPLATE = envstr("SAMPARK_EVENT_NOTICE_SMS_TEMPLATE", "event_notice")
GATEWAY_OPTIONS = {
    "base_url_env": "SAMPARK_SMS_GATEWAY_URL",
    "api_key_env": "SAMPARK_SMS_GATEWAY_KEY",
    "sender_env": "SAMPARK_SMS_SENDER",
    "entity_id_env": "SAMPARK_DLT_ENTITY_ID",
}
# The OTP's SMS backend: `sampark.people.sms.msg91` in production (or `.gateway`), `.console`
# in development; empty = no OTP.
SAMPARK_SMS = {
    # The demo signs in by phone with the code written to the log.
    "BACKEND": envstr("SAMPARK_SMS_BACKEND", "sampark.people.sms.console" if SAMPARK_DEMO else ""),
    "OPTIONS": MSG91_OPTIONS if SAMPARK_SMS_PROVIDER == "msg91" else GATEWAY_OPTIONS,
}
OTP_TTL_SECONDS = envint("OTP_TTL_SECONDS", "300")
OTP_MAX_ATTEMPTS = envint("OTP_MAX_ATTEMPTS", "5")
OTP_MAX_SENDS_PER_HOUR = envint("OTP_MAX_SENDS_PER_HOUR", "5")
# Phone sign-in (issue #13): a new code to the same number no sooner than this, and per client
# address at most so many codes and so many wrong codes an hour.
OTP_RESEND_SECONDS = envint("OTP_RESEND_SECONDS", "60")
OTP_MAX_SENDS_PER_IP_HOUR = envint("OTP_MAX_SENDS_PER_IP_HOUR", "30")
OTP_MAX_FAILS_PER_IP_HOUR = envint("OTP_MAX_FAILS_PER_IP_HOUR", "30")
# Version of the privacy notice people agree to when they give consent (consent ledger).
SAMPARK_NOTICE_VERSION = envstr("SAMPARK_NOTICE_VERSION", "v1")
# Recruitment drives (issue #13): public sign-ups allowed per hour from one address and for one
# phone number, and how long a printed poster's link keeps working (days; 0 = no expiry).
RECRUIT_SIGNUPS_PER_ADDRESS_HOUR = envint("RECRUIT_SIGNUPS_PER_ADDRESS_HOUR", "20")
RECRUIT_SIGNUPS_PER_PHONE_HOUR = envint("RECRUIT_SIGNUPS_PER_PHONE_HOUR", "3")

# The data principal's rights (DPDP Act 2023; docs/privacy.md). Erasure keeps only an HMAC of
# the phone under this key, so a re-import cannot bring an erased person back. A key of its own:
# rotating SECRET_KEY must not forget who was erased (changing this key does).
SAMPARK_ERASURE_KEY = envsecret("SAMPARK_ERASURE_KEY", DEMO_ERASURE_KEY)
# The grievance officer, published on /privacy/ (DPDP Act s. 8(10), Rules 2025 r. 14).
SAMPARK_GRIEVANCE_OFFICER = {
    "NAME": envstr("SAMPARK_GRIEVANCE_NAME", ""),
    "EMAIL": envstr("SAMPARK_GRIEVANCE_EMAIL", ""),
    "PHONE": envstr("SAMPARK_GRIEVANCE_PHONE", ""),
}
# DPDP Rules 2025, rule 14(3): grievances answered within a period not exceeding ninety days.
SAMPARK_GRIEVANCE_DAYS = envint("SAMPARK_GRIEVANCE_DAYS", "90")
# Retention (worker step "privacy"); 0 keeps forever.
SAMPARK_RETENTION_POST_AUTHOR_DAYS = envint("SAMPARK_RETENTION_POST_AUTHOR_DAYS", "180")
SAMPARK_RETENTION_DELIVERY_DAYS = envint("SAMPARK_RETENTION_DELIVERY_DAYS", "90")

# Organisation rules that vary by state or deployment.
BOOTH_FULL_STAFF = envint("BOOTH_FULL_STAFF", "5")
SECTOR_BOOTHS = envint("SECTOR_BOOTHS", "10")
MANDAL_SECTORS = envint("MANDAL_SECTORS", "8")

WORKER_SLEEP_SECONDS = envint("WORKER_SLEEP_SECONDS", "2")
# What one `sampark worker` process does each round, in order: each a `make_*step(owner)` in
# its app's tasks.py (tipreply still in monitoring/tipreply.py).
# Split them over processes with `sampark worker --only <name>` when one is not enough.
SAMPARK_WORKER_STEPS = {
    "tasks": "sampark.core.tasks.make_step",
    "tipreply": "sampark.monitoring.tipreply.make_step",
    "pipeline": "sampark.monitoring.tasks.make_pipeline_step",
    # Claim matching, once per narrative (issue #17): after the pipeline, before the war room.
    "match": "sampark.monitoring.matching.make_step",
    "ocr": "sampark.monitoring.ocr.make_step",
    "poll": "sampark.monitoring.tasks.make_poll_step",
    "xstream": "sampark.monitoring.xstream.make_step",
    "send": "sampark.content.tasks.make_send_step",
    "warroom": "sampark.warroom.tasks.make_step",
    "embed": "sampark.factcheck.tasks.make_embed_step",
    "notify": "sampark.notify.tasks.make_step",
    "results": "sampark.results.tasks.make_step",
    "privacy": "sampark.people.tasks.make_privacy_step",
    "events": "sampark.events.tasks.make_step",
}

# Listening (issue #3): the inbox pipeline and its alert rules.
SAMPARK_PIPELINE = {
    "BATCH": envint("SAMPARK_PIPELINE_BATCH", "500"),
    "LEASE_SECONDS": envint("SAMPARK_PIPELINE_LEASE_SECONDS", "120"),
    "MAX_ATTEMPTS": 3,
    # Repeats of the same alert (same watchlist or narrative) within the window bump its count.
    "ALERT_WINDOW_HOURS": envint("SAMPARK_ALERT_WINDOW_HOURS", "6"),
    # A narrative is "accelerating" at this many posts in the last hour and this burst score.
    "VELOCITY_MIN_POSTS": envint("SAMPARK_VELOCITY_MIN_POSTS", "20"),
    "VELOCITY_MIN_BURST": float(envstr("SAMPARK_VELOCITY_MIN_BURST", "3.0")),
    # Claim matching per narrative (monitoring.matching): narratives a round, and how far back
    # open narratives are matched again when fact-checks are published (back-matching).
    "MATCH_BATCH": envint("SAMPARK_MATCH_BATCH", "50"),
    "BACKMATCH_DAYS": envint("SAMPARK_BACKMATCH_DAYS", "14"),
}
# Text in images (issue #17): read once per distinct image by the "ocr" worker step with
# Debian's tesseract (tesseract-ocr, tesseract-ocr-hin). An image post waits for its text at
# most WAIT_SECONDS, then goes through the pipeline with what is there.
SAMPARK_OCR = {
    "ENABLED": envbool("SAMPARK_OCR_ENABLED", "true"),
    "LANGS": envstr("SAMPARK_OCR_LANGS", "hin+eng"),
    "WAIT_SECONDS": envint("SAMPARK_OCR_WAIT_SECONDS", "60"),
    "TIMEOUT_SECONDS": envint("SAMPARK_OCR_TIMEOUT_SECONDS", "30"),
    "MAX_BYTES": envint("SAMPARK_OCR_MAX_BYTES", str(8 * 1024 * 1024)),
    "MAX_PIXELS": envint("SAMPARK_OCR_MAX_PIXELS", "24000000"),
    "BATCH": 4,
    "LEASE_SECONDS": 120,
    "MAX_ATTEMPTS": 2,
}
# Tips through a Telegram bot: the webhook checks Telegram's secret-token header.
TELEGRAM_BOT_TOKEN = envsecret("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_WEBHOOK_SECRET = envstr("TELEGRAM_WEBHOOK_SECRET", "")
# The bot's @username, for the "Connect Telegram" deep link in the volunteer app.
TELEGRAM_BOT_USERNAME = envstr("TELEGRAM_BOT_USERNAME", "")
TELEGRAM_API_BASE = envstr("TELEGRAM_API_BASE", "https://api.telegram.org")

# Distribution (issue #5). Links in messages point at the volunteer app on this address.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")
# Channels to volunteers, wagtail-style: backend, options (secrets via *_env) and the rate limit
# per channel account (messages per second, burst). WhatsApp is not a channel: people forward.
SAMPARK_CHANNELS = {
    "push": {
        "BACKEND": "sampark.integrations.webpush.WebPush",
        "OPTIONS": {},
        "RATE": float(envstr("SAMPARK_PUSH_RATE", "200")),
        "BURST": 10,
    },
    "telegram": {
        "BACKEND": "sampark.integrations.telegram_channel.TelegramChannel",
        "OPTIONS": {"token_env": "TELEGRAM_BOT_TOKEN"},
        # The Bot API allows about 30 messages a second per bot.
        "RATE": float(envstr("SAMPARK_TELEGRAM_RATE", "25")),
        "BURST": 1,
    },
    "sms": {
        "BACKEND": "sampark.integrations.msg91.Msg91"
        if SAMPARK_SMS_PROVIDER == "msg91"
        else "sampark.integrations.sms.DltGateway",
        "OPTIONS": MSG91_OPTIONS if SAMPARK_SMS_PROVIDER == "msg91" else GATEWAY_OPTIONS,
        "RATE": float(envstr("SAMPARK_SMS_RATE", "80")),
        # A burst of one: no one-second window holds more than the rate (plus network jitter).
        "BURST": 1,
    },
    "email": {
        "BACKEND": "sampark.integrations.email_channel.EmailChannel",
        "OPTIONS": {},
        "RATE": float(envstr("SAMPARK_EMAIL_RATE", "20")),
        "BURST": 2,
    },
}
SAMPARK_SENDER = {
    "CHANNELS": [
        c for c in envstr("SAMPARK_SEND_CHANNELS", "push,telegram,sms,email").split(",") if c
    ],
    "BATCH": envint("SAMPARK_SEND_BATCH", "50"),
    "LEASE_SECONDS": envint("SAMPARK_SEND_LEASE_SECONDS", "60"),
    "MAX_ATTEMPTS": envint("SAMPARK_SEND_MAX_ATTEMPTS", "8"),
    "RATE_LIMIT": envbool("SAMPARK_SEND_RATE_LIMIT", "True"),
    "HEADROOM": float(envstr("SAMPARK_SEND_HEADROOM", "0.97")),
}
# Quiet hours in IST (start hour, end hour): nothing leaves between them.
SAMPARK_QUIET_HOURS = (envint("SAMPARK_QUIET_START", "22"), envint("SAMPARK_QUIET_END", "6"))
# Calling hours in IST (start hour, end hour): calls are placed only between them (TRAI).
SAMPARK_CALLING_HOURS = (envint("SAMPARK_CALLING_START", "9"), envint("SAMPARK_CALLING_END", "21"))
# Reach estimate for a forwarded kit when the group's size is not on record.
# The call centre (issue #15). Caller-ID series by call category (TRAI: 140… promotional,
# 160… service); the telephony adapter by name ("" = agents dial from their own phones).
SAMPARK_CALLS = {
    "CALLER_ID": {
        "promotional": envstr("SAMPARK_CALLS_CALLER_ID_PROMOTIONAL", "1400000000"),
        "service": envstr("SAMPARK_CALLS_CALLER_ID_SERVICE", "1600000000"),
    },
    "LEASE_SECONDS": envint("SAMPARK_CALLS_LEASE_SECONDS", "300"),
    # The inbound queue's service level counts callers answered within this many seconds.
    "INBOUND_ANSWER_WITHIN": envint("SAMPARK_CALLS_INBOUND_ANSWER_WITHIN", "20"),
    "TELEPHONY": envstr("SAMPARK_CALLS_TELEPHONY", ""),
    "CALLBACK_SECRET": envsecret("SAMPARK_CALLS_CALLBACK_SECRET", ""),
    "EXOTEL": {
        "BASE_URL": envstr("SAMPARK_EXOTEL_BASE_URL", "https://api.exotel.com"),
        "ACCOUNT_SID": envstr("SAMPARK_EXOTEL_SID", ""),
        "API_KEY": envstr("SAMPARK_EXOTEL_API_KEY", ""),
        "API_TOKEN": envsecret("SAMPARK_EXOTEL_API_TOKEN", ""),
    },
    "ASTERISK": {
        "BASE_URL": envstr("SAMPARK_ARI_URL", "http://127.0.0.1:8088"),
        "USER": envstr("SAMPARK_ARI_USER", ""),
        "PASSWORD": envsecret("SAMPARK_ARI_PASSWORD", ""),
        "APP": envstr("SAMPARK_ARI_APP", "sampark"),
        "ENDPOINT": envstr("SAMPARK_ARI_ENDPOINT", "PJSIP/{number}@trunk"),
    },
}
SAMPARK_AVERAGE_GROUP_SIZE = envint("SAMPARK_AVERAGE_GROUP_SIZE", "150")
# Delivery receipts from the SMS gateway are signed with this secret (HMAC-SHA256).
SAMPARK_SMS_WEBHOOK_SECRET = envsecret("SAMPARK_SMS_WEBHOOK_SECRET", "")
# MSG91 signs nothing: its delivery-report webhook is /hooks/msg91/<this token>/reports/ (issue
# #13); empty = the endpoint does not exist.
MSG91_WEBHOOK_TOKEN = envsecret("MSG91_WEBHOOK_TOKEN", "")
# The signature covers the request's X-Gateway-Timestamp: a request older (or newer) than this
# many seconds is refused, and one seen before within it is refused as a replay (issue #12).
SAMPARK_WEBHOOK_REPLAY_SECONDS = envint("SAMPARK_WEBHOOK_REPLAY_SECONDS", "300")
# Web push (VAPID); `sampark distribute vapid-keys` prints a fresh pair.
SAMPARK_VAPID_PRIVATE_KEY = envsecret("SAMPARK_VAPID_PRIVATE_KEY", "")
SAMPARK_VAPID_PUBLIC_KEY = envstr("SAMPARK_VAPID_PUBLIC_KEY", "")
SAMPARK_VAPID_SUBJECT = envstr("SAMPARK_VAPID_SUBJECT", "mailto:it-cell@example.org")
# URLs users give (feeds, fact-check pages) are never fetched from loopback, private or other
# non-public addresses (issue #12), except on these host names (a deployment's intranet feed).
SAMPARK_FETCH_ALLOW_HOSTS = [
    h.strip() for h in envstr("SAMPARK_FETCH_ALLOW_HOSTS", "").split(",") if h.strip()
]

# Fact-checks and the war room (issue #4).
# Claim-match score bands: "auto" answers a tip by itself, "suggest" shows the match to analysts.
SAMPARK_CLAIM_MATCH = {
    "SUGGEST": float(envstr("SAMPARK_CLAIM_SUGGEST", "0.25")),
    "AUTO": float(envstr("SAMPARK_CLAIM_AUTO", "0.6")),
    # Re-rank with SAMPARK_EMBEDDER's sentence embeddings (stored per fact-check by the worker).
    "HYBRID": envbool("SAMPARK_CLAIM_HYBRID", "False"),
    "HYBRID_SUGGEST": float(envstr("SAMPARK_CLAIM_HYBRID_SUGGEST", "0.444")),
    "HYBRID_AUTO": float(envstr("SAMPARK_CLAIM_HYBRID_AUTO", "0.688")),
}
SAMPARK_ORG_NAME = envstr("SAMPARK_ORG_NAME", "Sampark IT cell")
# The optional neural half of claim matching (wagtail-style). The default is a hashing stub
# (no model); with `sampark[ml]` installed point it at sentence-transformers and a multilingual
# model: {"BACKEND": "pipeline.backends.sbert", "OPTIONS": {"model": "<folder or package>"}}.
SAMPARK_EMBEDDER = {
    "BACKEND": envstr("SAMPARK_EMBEDDER_BACKEND", "pipeline.backends.hashing"),
    "OPTIONS": {"model": envstr("SAMPARK_EMBEDDER_MODEL", "")}
    if envstr("SAMPARK_EMBEDDER_MODEL", "")
    else {},
}
GOOGLE_FACTCHECK_API_KEY = envsecret("GOOGLE_FACTCHECK_API_KEY", "")
# Minutes from opening an incident to a published response, per severity (4 = critical).
SAMPARK_WARROOM_SLA = {4: 30, 3: 60, 2: 240, 1: 720}

# Directives (issue #13): a reminder this many hours before the end of the due date; a recipient
# unit not acknowledged after this many hours is escalated to the sender and its parent's in-charge.
SAMPARK_DIRECTIVES = {
    "REMIND_BEFORE_HOURS": envint("SAMPARK_DIRECTIVE_REMIND_HOURS", "24"),
    "ESCALATE_AFTER_HOURS": envint("SAMPARK_DIRECTIVE_ESCALATE_HOURS", "48"),
    "ATTACHMENT_MAX_BYTES": envint("SAMPARK_DIRECTIVE_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024)),
}

# Staff notifications (issue #13): an escalated incident nobody took is paged again every
# REPAGE_MINUTES (the on-duty shift, then its lead too); the daily digest leaves at DIGEST_HOUR IST.
SAMPARK_NOTIFY = {
    "REPAGE_MINUTES": envint("SAMPARK_NOTIFY_REPAGE_MINUTES", "10"),
    "DIGEST_HOUR": envint("SAMPARK_NOTIFY_DIGEST_HOUR", "8"),
    "BATCH": envint("SAMPARK_NOTIFY_BATCH", "200"),
    "LEASE_SECONDS": 60,
    "MAX_ATTEMPTS": 6,
    # The DLT template (registered for staff alerts) an SMS notification is sent with.
    "SMS_TEMPLATE_ID": envstr("SAMPARK_NOTIFY_SMS_TEMPLATE_ID", ""),
}
# Responses also go out from the organisation's own official accounts — never personal or
# pseudonymous ones — when switched on here and the account's credentials are set.
SAMPARK_OFFICIAL_ACCOUNTS = {
    "x": envbool("SAMPARK_OFFICIAL_X", "False"),
    "facebook": envbool("SAMPARK_OFFICIAL_FACEBOOK", "False"),
    "telegram": envbool("SAMPARK_OFFICIAL_TELEGRAM", "False"),
}
X_POST_ENABLED = SAMPARK_OFFICIAL_ACCOUNTS["x"]
FACEBOOK_PAGE_POST_ENABLED = SAMPARK_OFFICIAL_ACCOUNTS["facebook"]
TELEGRAM_CHANNEL_POST_ENABLED = SAMPARK_OFFICIAL_ACCOUNTS["telegram"]
X_POST_TOKEN = envsecret("X_POST_TOKEN", "")
FACEBOOK_PAGE_POST_TOKEN = envsecret("FACEBOOK_PAGE_POST_TOKEN", "")
FACEBOOK_PAGE_ID = envstr("FACEBOOK_PAGE_ID", "")
TELEGRAM_CHANNEL_ID = envstr("TELEGRAM_CHANNEL_ID", "")
X_API_BASE = envstr("X_API_BASE", "https://api.x.com")
FACEBOOK_GRAPH_BASE = envstr("FACEBOOK_GRAPH_BASE", "https://graph.facebook.com/v23.0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # axes logs every attempt at INFO; its failures and lockouts are WARNINGs.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Results (issue #16): past elections against the organisation's strength.
# The organisation's party as the results files name it (any party; "" shows no party's figures).
RESULTS_ORG_PARTY = envstr("SAMPARK_RESULTS_PARTY", "BJP" if SAMPARK_DEMO else "")
# Extra spellings of party names: "alias=Party;alias=Party" (case and punctuation ignored).
RESULTS_PARTY_ALIASES = dict(
    pair.split("=", 1) for pair in envstr("SAMPARK_RESULTS_ALIASES", "").split(";") if "=" in pair
)
# Strength score weights (docs/results.md): component=weight, comma separated.
RESULTS_STRENGTH_WEIGHTS = {
    name: float(weight)
    for name, _, weight in (
        part.partition("=")
        for part in envstr(
            "SAMPARK_STRENGTH_WEIGHTS",
            "volunteers=40,groups=20,members=15,kits=15,events=10,training=10",
        ).split(",")
        if "=" in part
    )
}
# "Close": the organisation's margin within this many points of the vote; "weak": score below.
RESULTS_CLOSE_PCT = envint("SAMPARK_RESULTS_CLOSE_PCT", "5")
RESULTS_WEAK_SCORE = envint("SAMPARK_RESULTS_WEAK_SCORE", "40")
# The worker recomputes the booth strength snapshot when it is older than this.
RESULTS_REFRESH_MINUTES = envint("SAMPARK_RESULTS_REFRESH_MINUTES", "60")
