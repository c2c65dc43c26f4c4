"""Posting published responses from the organisation's official accounts (behind flags).

`SAMPARK_OFFICIAL_ACCOUNTS = {"x": False, "facebook": False, "telegram": False}` says which
accounts a response goes to; the connectors (`sampark.integrations.official`) have their own
credentials and flags. None of the platforms takes an idempotency key, so a response is marked
"sending" and committed before the call: a worker killed mid-call leaves "sending" for a person
to check on the account, and the response is never posted twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sampark.integrations import official as connectors
from sampark.warroom import audit
from sampark.warroom.enums import EventKind, Language
from sampark.warroom.models import Response

logger = logging.getLogger(__name__)

CONNECTORS: dict[str, str] = {
    "x": "post_x",
    "facebook": "post_facebook",
    "telegram": "post_telegram_channel",
}
X_LIMIT = 280
BATCH = 5


def enabled_accounts() -> list[str]:
    """The official accounts switched on in SAMPARK_OFFICIAL_ACCOUNTS."""
    flags: dict[str, Any] = getattr(settings, "SAMPARK_OFFICIAL_ACCOUNTS", None) or {}
    return [name for name in CONNECTORS if flags.get(name)]


def text_for(account: str, response: Response) -> str:
    """The post for one account: label first; X gets a shortened text and the link."""
    text = response.full_text_en if response.language == Language.ENGLISH else response.full_text_hi
    url = response.fact_check.url if response.fact_check else ""
    if account != "x":
        return f"{text}\n\n{url}" if url and url not in text else text
    room = X_LIMIT - (len(url) + 1 if url else 0)
    short = text if len(text) <= room else text[: room - 1].rstrip() + "…"
    return f"{short} {url}" if url else short


def post_everywhere(
    response: Response, accounts: list[str] | None = None
) -> dict[str, dict[str, str]]:
    """Call the connector of each account (default: every enabled one); one result per
    account, never raises. An account switched off since is not posted to."""
    enabled = enabled_accounts()
    # The connectors are a layer below (integrations): imported, never looked up by name
    # (issue #17); an account whose function is missing is "not configured".
    module: Any = connectors
    results: dict[str, dict[str, str]] = {}
    for account in enabled if accounts is None else accounts:
        if account not in enabled:
            results[account] = {"status": "disabled"}
            continue
        func = getattr(module, CONNECTORS[account], None)
        if func is None:
            results[account] = {"status": "not_configured"}
            continue
        try:
            ident = func(text_for(account, response))
        except Exception as exc:  # one account failing must not stop the others
            logger.warning("official post failed: %s: %s", account, exc)
            results[account] = {"status": "failed", "error": str(exc)[:300]}
        else:
            results[account] = {"status": "posted", "id": str(ident)}
    return results


def post_pending(*, limit: int = BATCH) -> int:
    """Worker step: post published responses whose official posts are queued."""
    done = 0
    ids = Response.objects.filter(official_pending=True).order_by("id").values_list("id", flat=True)
    for response_id in list(ids[:limit]):
        accounts = _claim(response_id)
        if accounts:
            _post(response_id, accounts)
            done += 1
    return done


def _claim(response_id: int) -> list[str]:
    """Mark the queued accounts "sending" and commit, before any call leaves."""
    with transaction.atomic():
        response = (
            Response.objects.select_for_update()
            .filter(id=response_id, official_pending=True)
            .first()
        )
        if response is None:
            return []
        queued = [a for a, r in response.official.items() if r.get("status") == "queued"]
        for account in queued:
            response.official[account] = {"status": "sending"}
        response.official_pending = False
        response.save(update_fields=["official", "official_pending"])
    return queued


def _post(response_id: int, accounts: list[str]) -> None:
    response = Response.objects.select_related("fact_check", "incident__unit").get(id=response_id)
    results = post_everywhere(response, accounts)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(id=response_id)
        locked.official = {**locked.official, **results}
        locked.save(update_fields=["official"])
        audit.incident_event(
            incident=response.incident,
            kind=EventKind.OFFICIAL_POSTED,
            actor=None,
            data={"response": response_id, "results": results, "at": timezone.now().isoformat()},
        )
