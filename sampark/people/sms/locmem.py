"""In-memory SMS backend for tests: messages are appended to `outbox` (like Django's locmem mail)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_ids = itertools.count(1)


@dataclass(frozen=True)
class SentSms:
    id: str
    to: str
    text: str
    template: str = ""
    variables: tuple[str, ...] = ()


outbox: list[SentSms] = []


class Backend:
    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, *, to: str, text: str, template: str = "", variables: Sequence[str] = ()) -> str:
        message = SentSms(
            id=f"locmem-{next(_ids)}",
            to=to,
            text=text,
            template=template,
            variables=tuple(variables),
        )
        outbox.append(message)
        return message.id
