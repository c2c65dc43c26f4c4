"""Reading members of an uploaded zip (chat exports, XLSX workbooks) without trusting its sizes.

A zip says how large each member is, and a hostile one lies or holds a member that expands a
thousandfold (a 1 MB upload holding a 1 GiB member). Sizes are checked before anything is read:
the declared size against a cap, then the bytes actually decompressed, read in chunks, against
the same cap, so no member is ever held whole past its limit (issue #12).
"""

from __future__ import annotations

import zipfile

_CHUNK = 64 * 1024


class ZipLimitError(ValueError):
    """A member (or the archive) is larger than the caller allows."""


def check_members(archive: zipfile.ZipFile, *, max_members: int) -> list[zipfile.ZipInfo]:
    """The archive's entries, refused when there are more than `max_members`."""
    infos = archive.infolist()
    if len(infos) > max_members:
        raise ZipLimitError(f"the archive holds {len(infos)} files (at most {max_members})")
    return infos


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int) -> bytes:
    """The member's bytes, refused when its declared or its decompressed size is over `limit`."""
    if info.file_size > limit:
        raise ZipLimitError(
            f"{info.filename} is too large ({info.file_size} bytes, at most {limit})"
        )
    parts: list[bytes] = []
    total = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise ZipLimitError(f"{info.filename} expands past {limit} bytes")
            parts.append(chunk)
    return b"".join(parts)


def measure_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int) -> int:
    """The member's decompressed size, counted in chunks and never kept; refused over `limit`."""
    if info.file_size > limit:
        raise ZipLimitError(
            f"{info.filename} is too large ({info.file_size} bytes, at most {limit})"
        )
    total = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise ZipLimitError(f"{info.filename} expands past {limit} bytes")
    return total
