"""SMS backend through the generic HTTP gateway (`integrations.sms.DltGateway`), the second
adapter beside MSG91. OPTIONS are the gateway's; `templates` maps a template name (`otp`) to
its DLT template id under the key `dlt_ids`, e.g. {"dlt_ids": {"otp": "1107..."}}."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sampark.integrations.channels import Outbound
from sampark.integrations.sms import DltGateway


class Backend:
    def __init__(self, **options: Any) -> None:
        self.dlt_ids: dict[str, str] = dict(options.pop("dlt_ids", None) or {})
        self.channel = DltGateway(**options)

    def send(self, *, to: str, text: str, template: str = "", variables: Sequence[str] = ()) -> str:
        dlt_id = self.dlt_ids.get(template, template)
        # When the gateway knows the template's body it fills the {#var#} slots itself;
        # otherwise the text already is the filled template.
        known = dlt_id in self.channel.templates
        message = Outbound(
            channel="sms",
            address=to,
            idempotency_key=uuid.uuid4().hex,
            title="",
            text=text,
            url="",
            template_id=dlt_id,
            variables=tuple(variables) if known else (),
        )
        try:
            return self.channel.send(message).provider_id
        finally:
            self.channel.close()
