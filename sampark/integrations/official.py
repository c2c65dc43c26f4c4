"""Publishing on the organisation's OWN official accounts: an X post, a Facebook page post, a
Telegram channel message (issue #4, publication of fact-checks and responses).

Only the organisation's official, verified accounts may be configured here: never a personal
account, and never a fake or sock-puppet account. Each channel is off until its feature flag is
set (`X_POST_ENABLED`, `FACEBOOK_PAGE_POST_ENABLED`, `TELEGRAM_CHANNEL_POST_ENABLED`).

Secrets come from settings or, failing that, the environment:
- X: `X_POST_TOKEN`, a user-context OAuth 2.0 token of the official account (scopes
  tweet.read tweet.write users.read). Such tokens expire after two hours; the operator refreshes it.
- Facebook: `FACEBOOK_PAGE_POST_TOKEN` (a page access token with pages_manage_posts) and
  `FACEBOOK_PAGE_ID`; `FACEBOOK_APP_SECRET` adds appsecret_proof when set.
- Telegram: `TELEGRAM_BOT_TOKEN` (the bot is an administrator of the channel) and
  `TELEGRAM_CHANNEL_ID` (the channel's numeric id, -100…).

Base URLs: `X_API_BASE`, `FACEBOOK_GRAPH_BASE`, `TELEGRAM_API_BASE` (tests point them at a fake).
None of these calls has an idempotency key: the caller records a publication before retrying.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from django.conf import settings

from sampark.integrations import base, facebook, x
from sampark.integrations.telegram import SERVICE as TELEGRAM
from sampark.integrations.telegram import BotClient

X_MAX_TEXT = 280  # characters the API accepts from an account without a subscription
TELEGRAM_MAX_TEXT = 4096
_CHANNEL_ID = re.compile(r"-?\d{1,20}")
_FLAGS = {
    x.SERVICE: "X_POST_ENABLED",
    facebook.SERVICE: "FACEBOOK_PAGE_POST_ENABLED",
    TELEGRAM: "TELEGRAM_CHANNEL_POST_ENABLED",
}


def _value(name: str) -> str:
    """A setting, or the environment variable of the same name."""
    return str(getattr(settings, name, "") or os.environ.get(name, "") or "").strip()


def _required(service: str, *names: str) -> list[str]:
    """The named secrets, or ConnectorError("not configured") naming what is missing."""
    if not getattr(settings, _FLAGS[service], False):
        raise base.ConnectorError(f"{service}: official posting is disabled ({_FLAGS[service]})")
    values = [_value(n) for n in names]
    missing = [n for n, v in zip(names, values, strict=True) if not v]
    if missing:
        raise base.ConnectorError(f"{service}: not configured (set {', '.join(missing)})")
    return values


def enabled(service: str) -> bool:
    """Whether a channel's feature flag is on ("X", "Facebook" or "Telegram")."""
    return bool(getattr(settings, _FLAGS[service], False))


def _text(service: str, text: str, limit: int) -> str:
    body = base.clean_text(text)
    if not body:
        raise base.ConnectorError(f"{service}: nothing to post")
    if len(body) > limit:
        raise base.ConnectorError(f"{service}: the text has {len(body)} characters (max {limit})")
    return body


def post_x(text: str) -> str:
    """Post on the official X account (POST /2/tweets); returns the post id."""
    (token,) = _required(x.SERVICE, "X_POST_TOKEN")
    body = _text(x.SERVICE, text, X_MAX_TEXT)
    url = (_value("X_API_BASE") or x.API).rstrip("/") + "/2/tweets"
    with base.http_client() as client:
        response = base.send(
            client,
            "POST",
            url,
            service=x.SERVICE,
            json={"text": body},
            headers={"Authorization": f"Bearer {token}"},
        )
    # The posting window is 15 minutes (or 24 hours for the daily cap); x-rate-limit-reset says.
    base.raise_for_status(response, service=x.SERVICE, default_wait=900)
    data = base.json_object(response, service=x.SERVICE).get("data")
    ident = str(data.get("id") or "") if isinstance(data, dict) else ""
    if not ident.isdigit():
        raise base.ConnectorError(f"{x.SERVICE}: the answer has no post id")
    return ident


def post_facebook(text: str, link: str = "") -> str:
    """Post on the official Facebook page (POST /{page-id}/feed); returns the post id."""
    token, page = _required(facebook.SERVICE, "FACEBOOK_PAGE_POST_TOKEN", "FACEBOOK_PAGE_ID")
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,100}", page):
        raise base.ConnectorError(f"{facebook.SERVICE}: bad FACEBOOK_PAGE_ID")
    body = _text(facebook.SERVICE, text, 60_000)
    # The token travels in the form body, not the URL, so it stays out of access logs.
    form = {"message": body, "access_token": token}
    if link:
        form["link"] = link
    secret = _value("FACEBOOK_APP_SECRET")
    if secret:
        form["appsecret_proof"] = hmac.new(
            secret.encode(), token.encode(), hashlib.sha256
        ).hexdigest()
    url = f"{(_value('FACEBOOK_GRAPH_BASE') or facebook.API).rstrip('/')}/{page}/feed"
    with base.http_client() as client:
        response = base.send(client, "POST", url, service=facebook.SERVICE, data=form)
    if response.status_code >= 400:
        try:
            error = response.json().get("error") or {}
            code = int(error.get("code") or 0)
        except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
            code = 0
        if code in facebook.THROTTLE_CODES:
            wait = facebook.throttle_wait(response.headers)
            raise base.RateLimited(
                f"{base.describe(response, service=facebook.SERVICE)}; retry in {int(wait)} s",
                retry_after=wait,
            )
    base.raise_for_status(response, service=facebook.SERVICE, default_wait=facebook.THROTTLE_DELAY)
    ident = str(base.json_object(response, service=facebook.SERVICE).get("id") or "")
    if not ident:
        raise base.ConnectorError(f"{facebook.SERVICE}: the answer has no post id")
    return ident


def post_telegram_channel(text: str) -> str:
    """Post in the official Telegram channel (Bot API sendMessage); returns the message id."""
    token, channel = _required(TELEGRAM, "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHANNEL_ID")
    if not _CHANNEL_ID.fullmatch(channel):
        raise base.ConnectorError(f"{TELEGRAM}: TELEGRAM_CHANNEL_ID must be the numeric id")
    body = _text(TELEGRAM, text, TELEGRAM_MAX_TEXT)
    api = _value("TELEGRAM_API_BASE") or "https://api.telegram.org"
    message = BotClient(token, api).send_message(int(channel), body)
    number = message.get("message_id") if isinstance(message, dict) else None
    if not isinstance(number, int):
        raise base.ConnectorError(f"{TELEGRAM}: the answer has no message id")
    return str(number)
