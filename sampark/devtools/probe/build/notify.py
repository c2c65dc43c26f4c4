"""Probe notifications and directive attachments: each user gets notifications about units of
their subtree; a few directives carry a file."""

from __future__ import annotations

import random

from django.core.files.base import ContentFile

from sampark.devtools.probe.world import World, subtree_of
from sampark.directives.models import DirectiveAttachment
from sampark.notify.enums import Kind
from sampark.notify.models import Notification

PDF = b"%PDF-1.4\n%%EOF\n"


def build(w: World, *, rng: random.Random, token: str, per_user: int = 2) -> None:
    kinds = [k.value for k in Kind]
    for user in w.users.values():
        if user.unit_id is None:
            continue
        mine = sorted(subtree_of(w.units[user.unit_id], w.units))
        for n in range(per_user):
            row = Notification.objects.create(
                user=user,
                unit_id=rng.choice(mine),
                kind=rng.choice(kinds),
                signal=f"probe:{token}:{n}",
                title=f"Probenotice {token}{user.id}{n:02d}",
            )
            w.notifications[row.id] = row
    for directive_id in sorted(w.directives)[::4]:
        attachment = DirectiveAttachment(
            directive_id=directive_id,
            filename=f"Probefile{token}{directive_id}.pdf",
            content_type="application/pdf",
            size=len(PDF),
        )
        attachment.file.save(attachment.filename, ContentFile(PDF), save=False)
        attachment.save()
        w.attachments[attachment.id] = attachment
