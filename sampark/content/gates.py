"""Content's side of the sending rules: what a distribution is to `sampark.rules`.

The rules themselves (consent, opt-out, DND, minors, silence, quiet hours, MCMC certificates)
live in `sampark.rules.selectors`, shared with every channel. Here a kit becomes a message
carrying content (recalled? expired? a political ad, with its hash as it is now) and a take-down
notice becomes a take-down; each outbox row names its channel. The sender loads one
`Gatekeeper` per batch and asks it again right before each message leaves, with the real clock.
`simulate` is the dry run of a distribution (`sampark distribute simulate`, the send preview).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection

from sampark.content import hashing
from sampark.content.enums import DistributionKind
from sampark.content.expansion import audience_sql, position_ids
from sampark.content.models import ContentItem
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors
from sampark.rules import selectors as rules_selectors
from sampark.rules.enums import HoldReason, Kind

IST = rules_selectors.IST

_KINDS: dict[str, str] = {
    DistributionKind.SEND: Kind.MESSAGE,
    DistributionKind.RECALL: Kind.TAKE_DOWN,
    # A sign-in invitation (issue #13) is held like a message; it carries no kit to check.
    DistributionKind.INVITE: Kind.INVITATION,
    # An event's invitation, reminder or answer (issue #14): held like an invitation.
    DistributionKind.EVENT: Kind.INVITATION,
    DistributionKind.NOTICE: Kind.INVITATION,
}


@dataclass(frozen=True)
class Recipient(rules_selectors.Recipient):
    """A recipient on the channel their outbox row names."""

    channel: str


def content_facts(item: ContentItem, *, at: dt.datetime) -> rules_selectors.Content:
    """What the rules read of a kit at `at`. The hash (which reads the media files) is computed
    only when a certificate can decide."""
    recalled = item.recalled_at is not None
    expired = item.expires_at is not None and item.expires_at <= at
    needs_hash = item.is_political_ad and item.certificate_id is not None
    return rules_selectors.Content(
        recalled=recalled,
        expires_at=item.expires_at,
        political_ad=item.is_political_ad,
        certificate_id=item.certificate_id,
        current_hash=hashing.current_hash(item) if needs_hash and not (recalled or expired) else "",
    )


@dataclass
class Gatekeeper:
    """The sending rules for one batch of one distribution."""

    book: rules_selectors.Rulebook

    @classmethod
    def load(
        cls,
        *,
        item: ContentItem,
        kind: str,
        purpose: str,
        recipients: list[Recipient],
        at: dt.datetime,
        calendar: rules_selectors.Calendar | None = None,
    ) -> Gatekeeper:
        # A take-down notice must reach people even though its kit is recalled: no content check.
        content = content_facts(item, at=at) if kind == DistributionKind.SEND else None
        return cls(
            rules_selectors.Rulebook.load(
                purpose=purpose,
                audience=[(r, r.channel) for r in recipients],
                at=at,
                kind=_KINDS[kind],
                content=content,
                calendar=calendar,
            )
        )

    def check(self, recipient: Recipient, *, at: dt.datetime) -> rules_selectors.Verdict:
        """The verdict for one recipient at instant `at`: final reasons first, then windows."""
        return self.book.check(recipient, channel=recipient.channel, at=at)


# The reasons `sampark distribute simulate` always reports (the shell contract).
SIMULATED_REASONS = (
    HoldReason.SILENCE,
    HoldReason.QUIET_HOURS,
    HoldReason.OPTED_OUT,
    HoldReason.NO_CONSENT,
    HoldReason.NO_CERTIFICATE,
    HoldReason.DND,
    HoldReason.MINOR,
)


def simulate(
    *,
    item: ContentItem,
    target_ids: list[int],
    positions: list[str],
    purpose: str,
    at: dt.datetime,
    chunk: int = 5000,
) -> dict[str, Any]:
    """How many deliveries a distribution would make at `at`, and how many would be held (why).

    Sends nothing and writes nothing: the audience query of the expansion, then the rules.
    """
    targets = list(Unit.objects.filter(id__in=target_ids))
    sql, params = audience_sql(targets=targets, position_ids=position_ids(positions))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [r[:6] for r in cursor.fetchall()]
    held: dict[str, int] = {reason.value: 0 for reason in SIMULATED_REASONS}
    would_send = 0
    calendar = rules_selectors.Calendar.load()
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        facts = people_selectors.person_facts(person_ids=[r[0] for r in part])
        recipients = [
            Recipient(
                person_id=r[0],
                channel=r[1],
                phone=facts[r[0]].phone,
                date_of_birth=facts[r[0]].date_of_birth,
                ac_id=r[3],
                pc_id=r[4],
            )
            for r in part
        ]
        keeper = Gatekeeper.load(
            item=item,
            kind=DistributionKind.SEND,
            purpose=purpose,
            recipients=recipients,
            at=at,
            calendar=calendar,
        )
        for recipient in recipients:
            verdict = keeper.check(recipient, at=at)
            if verdict.go:
                would_send += 1
            else:
                held[verdict.reason] = held.get(verdict.reason, 0) + 1
    return {"deliveries": len(rows), "would_send": would_send, "held": held}
