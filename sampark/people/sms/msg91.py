"""Production SMS backend: MSG91's Flow API (`integrations.msg91`), one DLT template per message.

OPTIONS are the adapter's (`auth_key_env`, `templates`, ...): `templates` must name `otp` (and
`invite` for invitations) with their MSG91 and DLT template ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sampark.integrations.channels import Outbound
from sampark.integrations.msg91 import Msg91


class Backend:
    def __init__(self, **options: Any) -> None:
        self.channel = Msg91(**options)

    def send(self, *, to: str, text: str, template: str = "", variables: Sequence[str] = ()) -> str:
        message = Outbound(
            channel="sms",
            address=to,
            idempotency_key=uuid.uuid4().hex,
            title="",
            text=text,
            url="",
            template_id=template,
            variables=tuple(variables),
        )
        try:
            return self.channel.send(message).provider_id
        finally:
            self.channel.close()
