"""The content hash an MCMC certificate is bound to: texts and media, byte for byte."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sampark.content.models import ContentItem


def file_sha256(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def compute_hash(item: ContentItem, *, media_hashes: list[str] | None = None) -> str:
    """SHA-256 over the title, both texts and the media hashes, in order.

    Texts are hashed exactly as stored (no normalisation): a certificate covers these bytes.
    """
    if media_hashes is None:
        media_hashes = [m.sha256 for m in item.media.all()]
    digest = hashlib.sha256()
    for part in (item.title, item.text_hi, item.text_en, *media_hashes):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
