"""Development SMS backend: writes each message to the log instead of sending it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from sampark.people.validation import mask_phone

logger = logging.getLogger("sampark.sms")


class Backend:
    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, *, to: str, text: str, template: str = "", variables: Sequence[str] = ()) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        # The text is logged in full on purpose: in development it is how you read the OTP.
        logger.info("SMS %s to %s: %s", message_id, mask_phone(to), text)
        return message_id
