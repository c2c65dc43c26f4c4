"""The one interface every telephony adapter offers: dial two numbers together, hang up, and
turn the provider's status reports into `CallEvent`s.

Statuses are normalised to: queued, ringing, in_progress, completed, busy, no_answer, failed,
canceled (the call centre's `AttemptStatus` values).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Protocol

STATUSES = frozenset(
    {"queued", "ringing", "in_progress", "completed", "busy", "no_answer", "failed", "canceled"}
)
TERMINAL = frozenset({"completed", "busy", "no_answer", "failed", "canceled"})


class TelephonyError(Exception):
    """The provider refused or could not be reached; the message says why."""


@dataclass(frozen=True)
class DialRequest:
    agent_number: str  # rung first; the customer is rung when the agent answers
    customer_number: str
    caller_id: str
    promotional: bool
    status_callback: str = ""  # where the provider reports the call's states
    custom: str = ""  # our reference, echoed back in status reports
    record: bool = False
    ring_seconds: int = 30


@dataclass(frozen=True)
class Dialled:
    provider: str
    call_id: str
    status: str


@dataclass(frozen=True)
class CallEvent:
    provider: str
    call_id: str
    status: str
    at: dt.datetime | None = None
    recording_url: str = ""
    talk_seconds: int | None = None
    custom: str = ""


class Telephony(Protocol):
    name: str

    def dial(self, request: DialRequest) -> Dialled: ...

    def hangup(self, call_id: str) -> None: ...


ADAPTERS = {
    "exotel": "sampark.integrations.telephony.exotel",
    "asterisk": "sampark.integrations.telephony.asterisk",
}


def get_adapter(name: str, options: dict[str, Any], **extra: Any) -> Telephony:
    """The adapter called `name`, configured with `options` (KeyError for an unknown name).

    `extra` reaches the adapter's constructor (tests pass a `transport` for a loopback fake).
    """
    module = import_module(ADAPTERS[name])
    adapter: Telephony = module.Adapter(options, **extra)
    return adapter
