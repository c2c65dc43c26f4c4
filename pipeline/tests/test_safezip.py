"""Zip members are read against a cap, whatever size they declare (issue #12)."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipeline import safezip, whatsapp


def _zip(members: dict[str, bytes]) -> zipfile.ZipFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def test_a_member_over_the_cap_is_refused_by_its_declared_size():
    archive = _zip({"big.bin": b"\0" * 1_000_000})
    with pytest.raises(safezip.ZipLimitError, match="too large"):
        safezip.read_member(archive, archive.getinfo("big.bin"), limit=1000)


def test_a_member_that_lies_about_its_size_stops_at_the_cap():
    # given a member that declares 10 bytes but holds a megabyte
    archive = _zip({"big.bin": b"\0" * 1_000_000})
    info = archive.getinfo("big.bin")
    info.file_size = 10

    # when read with a cap of 1000, then reading stops at the declared size or fails
    try:
        content = safezip.read_member(archive, info, limit=1000)
    except (safezip.ZipLimitError, zipfile.BadZipFile):
        return
    assert len(content) <= 1000


def test_too_many_members_are_refused():
    archive = _zip({f"{i}.txt": b"x" for i in range(11)})
    with pytest.raises(safezip.ZipLimitError, match="11 files"):
        safezip.check_members(archive, max_members=10)


def _export_zip(chat: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with Ward 12.txt", chat)
    return out.getvalue()


LINE = b"12/03/2024, 09:15 - Ramesh: Jai Hind\n"


def test_a_chat_over_the_text_cap_is_refused_as_too_large():
    # given a small zip whose chat expands past the cap
    data = _export_zip(LINE * 20_000)
    limits = whatsapp.Limits(chat_bytes=100_000)

    # when parsed, then nothing is read and the export is marked too large
    parsed = whatsapp.parse_bytes(data, filename="chat.zip", limits=limits)
    assert parsed.too_large
    assert parsed.messages == []
    assert "expands past" in parsed.warnings[0] or "too large" in parsed.warnings[0]


def test_a_chat_over_the_message_cap_is_refused_as_too_large():
    parsed = whatsapp.parse_bytes(
        LINE * 101, filename="chat.txt", limits=whatsapp.Limits(messages=100)
    )
    assert parsed.too_large
    assert parsed.messages == []


def test_a_chat_within_the_caps_is_read():
    parsed = whatsapp.parse_bytes(
        _export_zip(LINE * 100), filename="chat.zip", limits=whatsapp.Limits(messages=100)
    )
    assert not parsed.too_large
    assert len(parsed.messages) == 100
