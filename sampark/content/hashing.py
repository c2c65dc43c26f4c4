"""The content hash an MCMC certificate is bound to: texts and media, byte for byte."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sampark.content.models import ContentItem, MediaAsset


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


_MEDIA_CACHE: dict[tuple[str, int, int], str] = {}


def _media_sha(asset: MediaAsset) -> str:
    """SHA-256 of the stored file's bytes (cached by path, size and mtime)."""
    try:
        path = asset.file.path
        stat = os.stat(path)
    except (NotImplementedError, ValueError, OSError):
        return ""
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _MEDIA_CACHE:
        with open(path, "rb") as fh:
            _MEDIA_CACHE[key] = file_sha256(iter(lambda: fh.read(1 << 20), b""))
    return _MEDIA_CACHE[key]


def current_hash(item: ContentItem) -> str:
    """The hash of the item as it is now: stored texts and the media files' current bytes (not
    the hashes recorded at upload), so a file changed on disk voids its certificate."""
    return compute_hash(item, media_hashes=[_media_sha(m) for m in item.media.all()])
