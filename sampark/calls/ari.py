"""What the call centre does with each event of Asterisk's events websocket (issue #15).

`handle` is the reader's callback (`integrations.telephony.ari_events.EventReader`): it acts on
the event through the adapter (ring the customer when the agent's leg is up, answer a helpline
caller, bridge a listener) and applies its meaning to our records through the services (a
call's status, its recording, a caller queued or gone). An event is applied once: a reader
that reconnects, or an event Asterisk repeats, is refused by `core.replay` on (type, channel,
timestamp, recording), so the customer is never rung twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sampark.calls import inbound, services
from sampark.core import replay
from sampark.integrations.telephony import asterisk
from sampark.integrations.telephony.ari_events import Backoff, EventReader, events_url

REPLAY_WINDOW = dt.timedelta(days=1)


def _options() -> dict[str, Any]:
    return cast("dict[str, Any]", settings.SAMPARK_CALLS["ASTERISK"])


def event_key(event: Mapping[str, Any]) -> str:
    """What makes one event unique: the same again is a replay."""
    channel = event.get("channel") or event.get("peer") or {}
    recording = event.get("recording") or {}
    parts = (
        str(event.get("type") or ""),
        str(channel.get("id") or ""),
        str(event.get("timestamp") or ""),
        str(recording.get("name") or ""),
        str(event.get("dialstatus") or ""),
    )
    return "ari:" + "|".join(parts)


def handle(event: Mapping[str, Any], *, adapter: asterisk.Adapter) -> str:
    """Apply one event; what it did ("replayed", "ignored", "call", "recording", "inbound")."""
    if not replay.first_time(signature=event_key(event), window=REPLAY_WINDOW):
        return "replayed"
    now = timezone.now()
    arrival = asterisk.parse_inbound(event)
    if arrival is not None:
        if arrival.arrived:
            inbound.inbound_arrived(
                provider=asterisk.NAME,
                provider_call_id=arrival.channel_id,
                phone=arrival.number,
                at=arrival.at or now,
            )
        else:
            inbound.inbound_ended(
                provider=asterisk.NAME, provider_call_id=arrival.channel_id, at=arrival.at or now
            )
    call_event = adapter.on_event(event)
    if call_event is not None:
        with transaction.atomic():
            services.call_event(
                provider=asterisk.NAME,
                provider_call_id=call_event.call_id,
                status=call_event.status,
                at=call_event.at or now,
            )
        return "call"
    recording = asterisk.parse_recording(event, base_url=adapter.base_url)
    if recording is not None:
        services.call_recording(
            provider=asterisk.NAME, provider_call_id=recording[0], recording_url=recording[1]
        )
        return "recording"
    return "inbound" if arrival is not None else "ignored"


def reader(
    *,
    stop: threading.Event | None = None,
    adapter: asterisk.Adapter | None = None,
    backoff: Backoff | None = None,
    **extra: Any,
) -> EventReader:
    """The configured ARI's events reader, applying each event with `handle`."""
    options = _options()
    adapter = adapter or asterisk.Adapter(options)
    url = events_url(
        str(options["BASE_URL"]),
        app=str(options.get("APP") or "sampark"),
        user=str(options["USER"]),
        password=str(options["PASSWORD"]),
    )
    chosen = adapter

    def apply(event: Mapping[str, Any]) -> object:
        return handle(event, adapter=chosen)

    return EventReader(url, apply, stop=stop, backoff=backoff, **extra)
