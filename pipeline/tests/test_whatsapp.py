"""WhatsApp chat exports: every layout from our own fixtures, zips, ids, and the shared samples."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bench.whatsapp import lines
from pipeline import whatsapp
from pipeline.types import Platform

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "whatsapp"
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "whatsapp-samples"
IST = ZoneInfo("Asia/Kolkata")
LRM, NNBSP, NBSP = "\u200e", "\u202f", "\u00a0"


def at(y: int, mo: int, d: int, h: int, mi: int, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=IST)


def parse(name: str, **kwargs) -> whatsapp.ParsedExport:
    return whatsapp.parse_file(FIXTURES / name, **kwargs)


def rows(parsed: whatsapp.ParsedExport) -> list[tuple[str, str, str, str]]:
    """(author, ISO time, text, kind) with kind "text", "media:<file>" or "deleted"."""
    out = []
    for m in parsed.messages:
        kind = f"media:{m.media_file}" if m.is_media else "deleted" if m.is_deleted else "text"
        out.append((m.author, m.at.isoformat(), m.text, kind))
    return out


# --- one fixture per layout, with every message written out by hand ------------------------------

FIXTURE_CASES = [
    pytest.param(
        "android_12h_en_in.txt",
        "android-12h-dmy",
        [
            ("Ramesh Kumar", "2020-01-15T09:05:00+05:30", "Good morning everyone 🙏", "text"),
            (
                "Seema Verma",
                "2020-01-15T09:07:00+05:30",
                "Meeting at 10:30 near the school.\nBring voter slips.\n\nThanks",
                "text",
            ),
            ("Ramesh Kumar", "2020-01-15T12:00:00+05:30", "", "media:"),
            ("Seema Verma", "2020-01-15T12:15:00+05:30", "", "deleted"),
            ("Anil", "2020-01-16T00:05:00+05:30", "Reminder: 7 am sharp", "text"),
            ("Seema Verma", "2020-01-16T23:59:00+05:30", "Good night", "text"),
        ],
        5,  # encryption notice, created, added, subject changed (its text holds ": "), left
        id="android-12h-en-in-narrow-nbsp",
    ),
    pytest.param(
        "android_24h.txt",  # saved with a UTF-8 BOM
        "android-24h-dmy",
        [
            ("Priya", "2024-02-03T14:22:00+05:30", "Kal rally 5 baje hai", "text"),
            ("Vikram Singh", "2024-02-03T14:23:00+05:30", "ok 👍", "text"),
            ("Priya", "2024-02-04T00:00:00+05:30", "Happy birthday Vikram! 🎂", "text"),
            ("Vikram Singh", "2024-02-25T23:59:00+05:30", "Thanks", "text"),
        ],
        1,  # a phone number joined through the invite link
        id="android-24h-four-digit-year-bom",
    ),
    pytest.param(
        "android_hindi.txt",
        "android-12h-dmy",
        [
            (
                "रमेश यादव",
                "2024-03-20T08:20:00+05:30",
                "सभी कार्यकर्ता कल सुबह 7 बजे बूथ पर पहुँचें",
                "text",
            ),
            (
                "सुनीता देवी 🌸",
                "2024-03-20T08:22:00+05:30",
                "\u091c\u093cरूर भाई साहब, मैं आ जाऊँगी, चुना\u0929व",
                "text",
            ),
            ("सुनीता देवी 🌸", "2024-03-20T08:25:00+05:30", "", "media:"),
            ("रमेश यादव", "2024-03-20T08:30:00+05:30", "", "deleted"),
            (
                "मोहन",
                "2024-03-20T09:00:00+05:30",
                "क्\u200dया वोटर लिस्ट में नाम जुड़ गया?\nपहली पंक्ति के बाद दूसरी पंक्ति",
                "text",
            ),
            ("रमेश यादव", "2024-03-20T21:05:00+05:30", "हाँ, सूची में नाम है ✅", "text"),
        ],
        4,  # Hindi encryption notice, ग्रुप बनाया, आपको जोड़ा, विषय बदला (with ": " inside)
        id="android-hindi-locale",
    ),
    pytest.param(
        "ios_12h_brackets.txt",  # CRLF line ends, U+200E before lines and placeholders
        "ios-12h-dmy",
        [
            (
                "Mary",
                "2020-01-15T14:22:56+05:30",
                "",
                "media:00000012-PHOTO-2020-01-15-14-22-56.jpg",
            ),
            ("+91 98765 43210", "2020-01-15T14:25:00+05:30", "Who is coming tomorrow?", "text"),
            ("John", "2020-01-15T14:26:41+05:30", "", "media:"),  # image omitted
            ("John", "2020-01-15T14:27:02+05:30", "", "media:"),  # video
            ("John", "2020-01-15T14:27:30+05:30", "", "media:"),  # sticker
            ("John", "2020-01-15T14:28:00+05:30", "", "media:"),  # GIF
            ("John", "2020-01-15T14:28:30+05:30", "", "media:"),  # audio
            ("Mary", "2020-01-15T14:29:00+05:30", "", "media:"),  # "Manifesto.pdf • 12 pages …"
            ("Mary", "2020-01-15T14:30:00+05:30", "", "deleted"),
            ("John", "2020-01-15T14:31:00+05:30", "", "deleted"),
            ("Mary", "2020-01-16T09:00:00+05:30", "Line one\nLine two", "text"),
            ("John", "2020-01-16T12:00:01+05:30", "Missed voice call", "text"),
        ],
        3,  # encryption notice, created group, added: all three attributed to the group name
        id="ios-12h-brackets-seconds-lrm-crlf",
    ),
    pytest.param(
        "ios_24h_dashes.txt",
        "ios-24h-dmy",
        [
            ("Mary", "2020-01-15T02:22:56+05:30", "Booth list is ready.", "text"),
            ("+1 123 456 789", "2020-01-15T04:18:42+05:30", "Sending the route map. ✈", "text"),
            ("Giuseppe", "2020-01-17T23:59:59+05:30", "Judge rules today 👨🏾\u200d⚖️", "text"),
        ],
        0,
        id="ios-24h-dashes-no-comma",
    ),
    pytest.param(
        "us_month_first.txt",  # NBSP before AM/PM
        "android-12h-mdy",
        [
            ("Alice", "2020-01-15T09:05:00+05:30", "Hey", "text"),
            ("Bob", "2020-01-15T09:06:00+05:30", "Hi! What time: 5 or 6?", "text"),
            ("Alice", "2020-02-03T12:00:00+05:30", "Noon", "text"),
            ("Bob", "2020-02-04T00:30:00+05:30", "after midnight", "text"),
        ],
        0,
        id="us-month-first-nbsp",
    ),
    pytest.param(
        "dotted_dmy_24h.txt",
        "android-24h-dmy",
        [
            (
                "Brock",
                "2016-04-15T15:04:00+05:30",
                "Hey Ash, good to have a common group!",
                "text",
            ),
            ("Misty", "2016-08-06T09:05:00+05:30", "Definitely", "text"),
            ("Jessie & James", "2016-12-31T23:59:00+05:30", "Prepare for trouble", "text"),
        ],
        0,
        id="dd.mm.yyyy",
    ),
    pytest.param(
        "year_first.txt",
        "android-24h-ymd",
        [
            ("Mary", "2020-01-15T14:22:00+05:30", "first", "text"),
            ("Bob", "2020-01-16T08:05:00+05:30", "second", "text"),
            ("Mary", "2020-02-01T07:00:00+05:30", "third, bracketed", "text"),
        ],
        0,
        id="yyyy-mm-dd",
    ),
    pytest.param(
        "android_with_media.txt",
        "android-24h-dmy",
        [
            (
                "Ravi",
                "2024-03-02T10:00:00+05:30",
                "Rally photo from ward 3",
                "media:IMG-20240302-WA0001.jpg",
            ),
            ("Ravi", "2024-03-02T10:01:00+05:30", "", "media:PTT-20240302-WA0002.opus"),
            ("Ravi", "2024-03-02T10:02:00+05:30", "", "media:Manifesto 2024.pdf"),
            ("Kiran", "2024-03-02T10:03:00+05:30", "Nice!", "text"),
            ("Kiran", "2024-03-13T18:30:00+05:30", "", "deleted"),
        ],
        0,
        id="android-with-media-file-attached",
    ),
    pytest.param(
        "phone_authors.txt",  # numbers wrapped in U+202A … U+202C
        "android-12h-dmy",
        [
            ("+91 98765 43210", "2023-06-21T19:45:00+05:30", "Namaste sabko", "text"),
            ("+91 91234 56789", "2023-06-21T19:46:00+05:30", "Kal ki meeting kahan hai?", "text"),
            ("+91 98765 43210", "2023-06-21T19:47:00+05:30", "Panchayat bhawan", "text"),
        ],
        1,
        id="phone-number-authors",
    ),
]


@pytest.mark.parametrize(("name", "layout", "expected", "system_events"), FIXTURE_CASES)
def test_it_reads_every_fixture_layout(name, layout, expected, system_events):
    # given an export in one of the layouts phones write
    # when it is parsed with the default zone (IST)
    parsed = parse(name)
    # then every message, time (with +05:30) and text is as written, and nothing is left over
    assert parsed.layout == layout
    assert rows(parsed) == expected
    assert len(parsed.system_events) == system_events
    assert parsed.warnings == []


def test_system_events_have_no_author_and_keep_their_text():
    # given an export made mostly of group events
    parsed = parse("system_events.txt")
    # then each event is a system event, and the one real message keeps its colons and verbs
    assert [e.text for e in parsed.system_events] == [
        "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
        "WhatsApp, can read or listen to them. Tap to learn more.",
        'Asha created group "Booth 12 Alambagh"',
        "Asha added Ravi",
        "You were added",
        "+91 91234 56789 joined using this group's invite link",
        'Asha changed the subject from "Booth 12" to "Booth 12: Alambagh"',
        "Asha changed this group's icon",
        "Asha changed the group description",
        "Your security code with Ravi changed. Tap to learn more.",
        "Asha changed their phone number to a new number. Tap to message or add the new number.",
        "Asha removed Ravi",
        "Ravi left",
        "Asha deleted this group's icon",
    ]
    assert rows(parsed) == [
        (
            "Asha",
            "2023-05-01T10:08:00+05:30",
            "Welcome! Note: Ravi left the group earlier, Asha added him back",
            "text",
        )
    ]
    assert parsed.system_events[0].at == datetime(2023, 5, 1, 10, 0, tzinfo=IST)


def test_the_encryption_notice_attributed_to_the_group_is_a_system_event():
    # given the shared Pokemon sample shape: the notice written as if "Pokemon Chat" said it
    text = (
        "15.04.2016, 15:04 - Pokemon Chat: Messages and calls are end-to-end encrypted. No one "
        "outside of this chat, not even WhatsApp, can read or listen to them.\n"
        "15.04.2016, 15:05 - Brock: are messages end-to-end encrypted here?\n"
    )
    parsed = whatsapp.parse_text(text)
    # then the notice is an event, while a person asking about encryption is still a message
    assert [e.text[:26] for e in parsed.system_events] == ["Pokemon Chat: Messages and"]
    assert [m.author for m in parsed.messages] == ["Brock"]


def test_devanagari_is_nfc_with_matras_nukta_and_zwj_intact():
    # given a Hindi export with a precomposed ज़ (U+095B), a decomposed ऩ and a ZWJ
    texts = [m.text for m in parse("android_hindi.txt").messages]
    # then NFC decomposes U+095B (a composition exclusion), composes न+़, and keeps the ZWJ
    assert "\u095b" not in texts[1]
    assert texts[1].startswith("\u091c\u093c")
    assert "\u0929" in texts[1]
    assert "\u200d" in texts[4]


# --- header variants, one line each ----------------------------------------------------------------

HEADER_CASES = [
    pytest.param(f"15/01/20, 2:22{NNBSP}pm - A: x", "android-12h-dmy", at(2020, 1, 15, 14, 22, 0)),
    pytest.param(f"15/01/20, 2:22{NBSP}PM - A: x", "android-12h-dmy", at(2020, 1, 15, 14, 22, 0)),
    pytest.param("15/01/20, 2:22 p.m. - A: x", "android-12h-dmy", at(2020, 1, 15, 14, 22, 0)),
    pytest.param("15/01/20, 12:05 am - A: x", "android-12h-dmy", at(2020, 1, 15, 0, 5, 0)),
    pytest.param("15/01/20, 12:05 pm - A: x", "android-12h-dmy", at(2020, 1, 15, 12, 5, 0)),
    pytest.param("15-01-2020, 14:22 - A: x", "android-24h-dmy", at(2020, 1, 15, 14, 22, 0)),
    pytest.param("15/01/2020 14:22 - A: x", "android-24h-dmy", at(2020, 1, 15, 14, 22, 0)),
    pytest.param("[15/01/20, 2:22:56 PM] A: x", "ios-12h-dmy", at(2020, 1, 15, 14, 22, 56)),
    pytest.param("[15-01-20 02:22:56] A: x", "ios-24h-dmy", at(2020, 1, 15, 2, 22, 56)),
    pytest.param("[15.01.20, 14:22:56] A: x", "ios-24h-dmy", at(2020, 1, 15, 14, 22, 56)),
    pytest.param(f"{LRM}[15/01/2020, 14:22:56] A: x", "ios-24h-dmy", at(2020, 1, 15, 14, 22, 56)),
    pytest.param("1/15/20, 10:30:45 PM: A: x", "ios-12h-mdy", at(2020, 1, 15, 22, 30, 45)),
    pytest.param("2020-01-15, 14:22 - A: x", "android-24h-ymd", at(2020, 1, 15, 14, 22, 0)),
    pytest.param("\ufeff15/01/20, 14:22 - A: x", "android-24h-dmy", at(2020, 1, 15, 14, 22, 0)),
    pytest.param("15/01/20, 2:22 अपराह्न - A: x", "android-12h-dmy", at(2020, 1, 15, 14, 22, 0)),
    pytest.param("15/01/20, 12:05 पूर्वाह्न - A: x", "android-12h-dmy", at(2020, 1, 15, 0, 5, 0)),
]


@pytest.mark.parametrize(("line", "layout", "when"), HEADER_CASES)
def test_it_reads_each_header_variant(line, layout, when):
    parsed = whatsapp.parse_text(line)
    assert parsed.layout == layout
    assert [(m.author, m.text) for m in parsed.messages] == [("A", "x")]
    assert parsed.messages[0].at == when


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("[15/01/20, 2:22:56 PM A: x", id="bracket-not-closed"),
        pytest.param("15/01/20 2:22 x", id="no-separator"),
        pytest.param("15/01/20, 25:22 - A: x", id="hour-25"),
        pytest.param("15/01/20, 13:22 pm - A: x", id="pm-after-13"),
        pytest.param("15/01/202, 10:22 - A: x", id="three-digit-year"),
        pytest.param("15/01-20, 10:22 - A: x", id="mixed-separators"),
        pytest.param("Meeting 15/01/20, 10:22 - A: x", id="date-not-at-start"),
    ],
)
def test_lines_that_only_look_like_headers_are_not_messages(line):
    parsed = whatsapp.parse_text(line)
    assert parsed.messages == []
    assert parsed.system_events == []
    assert parsed.warnings


def test_a_header_with_an_impossible_date_continues_the_previous_message():
    # given a day-first export in which a message quotes "31/02/20, 10:00 - ..."
    text = "15/01/20, 09:00 - A: see below\n31/02/20, 10:00 - B: quoted\n16/01/20, 09:00 - B: ok\n"
    parsed = whatsapp.parse_text(text)
    # then the impossible date is text of A's message, and a warning says so
    assert [(m.author, m.text) for m in parsed.messages] == [
        ("A", "see below\n31/02/20, 10:00 - B: quoted"),
        ("B", "ok"),
    ]
    assert any("impossible dates" in w for w in parsed.warnings)


# --- day/month order, zones, encodings -----------------------------------------------------------


def test_ambiguous_dates_default_to_day_first_with_a_warning_and_the_caller_can_override():
    # given an export where no day is above 12
    default = parse("ambiguous_dates.txt")
    us = parse("ambiguous_dates.txt", day_first=False)
    # then it is read day-first and says so, unless the caller says month-first
    assert [m.at.date().isoformat() for m in default.messages] == ["2024-02-01", "2024-04-03"]
    assert any("day-first or month-first" in w for w in default.warnings)
    assert default.layout == "android-24h-dmy"
    assert [m.at.date().isoformat() for m in us.messages] == ["2024-01-02", "2024-03-04"]
    assert us.layout == "android-24h-mdy"
    assert us.warnings == []


def test_day_first_parameter_overrides_the_inference():
    # given a month-first file whose second field (15) shows the order
    parsed = parse("us_month_first.txt", day_first=True)
    # then day-first is forced: 1/15 is impossible and continues no message; 2/3 becomes 2 March
    assert [m.at.date().isoformat() for m in parsed.messages] == ["2020-03-02", "2020-04-02"]


def test_conflicting_orders_follow_the_majority():
    text = "13/01/20, 09:00 - A: a\n14/01/20, 09:00 - A: b\n01/13/20, 09:00 - A: c\n"
    parsed = whatsapp.parse_text(text)
    assert [m.text for m in parsed.messages] == ["a", "b\n01/13/20, 09:00 - A: c"]
    assert any("disagree" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("tz", "iso"),
    [
        pytest.param("UTC", "2024-02-03T14:22:00+00:00", id="utc"),
        pytest.param("America/New_York", "2024-02-03T14:22:00-05:00", id="new-york"),
        pytest.param("Asia/Kolkata", "2024-02-03T14:22:00+05:30", id="ist"),
    ],
)
def test_times_are_local_wall_clock_in_the_given_zone(tz, iso):
    parsed = parse("android_24h.txt", tz=tz)
    assert parsed.messages[0].at.isoformat() == iso


def test_an_unknown_zone_is_a_value_error():
    with pytest.raises(ValueError, match="unknown time zone"):
        whatsapp.parse_text("15/01/20, 09:00 - A: a", tz="Mars/Olympus")


@pytest.mark.parametrize(
    ("data", "warned"),
    [
        pytest.param("15/01/20, 09:00 - सीमा: नमस्ते\n".encode(), False, id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + "15/01/20, 09:00 - सीमा: नमस्ते\n".encode(), False, id="bom"),
        pytest.param("15/01/20, 09:00 - सीमा: नमस्ते\n".encode("utf-16"), False, id="utf-16"),
    ],
)
def test_it_decodes_utf8_with_or_without_bom_and_utf16(data, warned):
    parsed = whatsapp.parse_bytes(data, filename="chat.txt")
    assert [(m.author, m.text) for m in parsed.messages] == [("सीमा", "नमस्ते")]
    assert bool(parsed.warnings) is warned


def test_text_that_is_not_utf8_falls_back_to_latin1():
    # given an old export saved as Latin-1 (é is one byte, invalid as UTF-8)
    data = "15/01/20, 09:00 - Zoé: café à côté, très bien\n".encode("latin-1") * 3
    parsed = whatsapp.parse_bytes(data, filename="chat.txt")
    # then it is read as Latin-1 rather than failing
    assert parsed.messages[0].author == "Zoé"
    assert parsed.messages[0].text == "café à côté, très bien"
    assert any("Latin-1" in w for w in parsed.warnings)


def test_a_few_broken_bytes_in_utf8_do_not_garble_hindi():
    data = "15/01/20, 09:00 - सीमा: नमस्ते\n".encode() * 50 + b"15/01/20, 09:01 - A: \xff\n"
    parsed = whatsapp.parse_bytes(data, filename="chat.txt")
    assert parsed.messages[0].text == "नमस्ते"
    assert parsed.messages[-1].text == "\ufffd"
    assert any("U+FFFD" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        pytest.param((FIXTURES / "not_an_export.txt").read_text(), "no WhatsApp", id="prose"),
        pytest.param("", "empty", id="empty"),
        pytest.param("\u200e \n\n", "empty", id="only-marks"),
    ],
)
def test_text_without_headers_gives_no_messages_and_a_warning(text, warning):
    parsed = whatsapp.parse_text(text)
    assert (parsed.messages, parsed.system_events, parsed.layout) == ([], [], "unknown")
    assert len(parsed.warnings) == 1
    assert warning in parsed.warnings[0]


def test_lines_before_the_first_header_are_counted_in_a_warning():
    parsed = whatsapp.parse_text("copied from my phone:\n\n15/01/20, 09:00 - A: hi\n")
    assert [m.text for m in parsed.messages] == ["hi"]
    assert parsed.warnings == ["1 line(s) before the first message were ignored"]


# --- zips ---------------------------------------------------------------------------------------


def test_it_reads_an_ios_zip_with_chat_and_two_media_files(tmp_path):
    # given an iOS "export with media": _chat.txt plus a photo and a voice note, in a folder
    parts = FIXTURES / "zip_ios"
    path = tmp_path / "WhatsApp Chat - Booth 7.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(parts.iterdir()):
            archive.write(part, f"WhatsApp Chat - Booth 7/{part.name}")
    # when the zip is parsed
    parsed = whatsapp.parse_file(path)
    # then the media files are listed and the messages point at them
    assert sorted(parsed.media_files) == [
        "00000012-PHOTO-2020-01-15-14-22-56.jpg",
        "00000013-AUDIO-2020-01-15-14-23-10.opus",
    ]
    assert rows(parsed) == [
        ("Mary", "2020-01-15T14:22:56+05:30", "", "media:00000012-PHOTO-2020-01-15-14-22-56.jpg"),
        ("Mary", "2020-01-15T14:23:10+05:30", "", "media:00000013-AUDIO-2020-01-15-14-23-10.opus"),
        ("John", "2020-01-15T14:24:00+05:30", "Photo dekh li, achhi hai", "text"),
    ]
    assert {m.media_file for m in parsed.messages if m.media_file} <= set(parsed.media_files)
    assert parsed.layout == "ios-12h-dmy"


def test_it_finds_the_android_chat_in_a_zip_and_skips_mac_junk(tmp_path):
    # given an Android zip: "WhatsApp Chat with X.txt", media, and Finder's __MACOSX leftovers
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("__MACOSX/._WhatsApp Chat with Booth 12.txt", b"\x00\x05junk")
        archive.writestr(
            "WhatsApp Chat with Booth 12.txt", (FIXTURES / "android_with_media.txt").read_bytes()
        )
        archive.writestr(
            "IMG-20240302-WA0001.jpg",
            (FIXTURES / "zip_ios").joinpath("00000012-PHOTO-2020-01-15-14-22-56.jpg").read_bytes(),
        )
        archive.writestr("PTT-20240302-WA0002.opus", b"OggS")
        archive.writestr("notes.txt", "a text file shared in the chat")
    # when it is uploaded under any name
    parsed = whatsapp.parse_bytes(buf.getvalue(), filename="upload.bin")
    # then the chat is the WhatsApp one and every other file is media
    assert len(parsed.messages) == 5
    assert sorted(parsed.media_files) == [
        "IMG-20240302-WA0001.jpg",
        "PTT-20240302-WA0002.opus",
        "notes.txt",
    ]


@pytest.mark.parametrize(
    ("data", "filename", "warning"),
    [
        pytest.param(b"PK\x03\x04broken", "chat.zip", "not a readable zip", id="broken"),
        pytest.param(b"PK\x05\x06" + b"\x00" * 18, "chat.zip", "no chat .txt", id="empty-zip"),
        pytest.param(b"hello", "chat.zip", "not a zip archive", id="text-named-zip"),
    ],
)
def test_a_bad_zip_gives_a_warning_not_an_exception(data, filename, warning):
    parsed = whatsapp.parse_bytes(data, filename=filename)
    assert parsed.messages == []
    assert any(warning in w for w in parsed.warnings)


def test_an_encrypted_zip_entry_gives_a_warning():
    # given a zip whose chat entry claims to be encrypted (flag bit 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("_chat.txt", "15/01/20, 09:00 - A: hi\n")
    data = bytearray(buf.getvalue())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.index(signature)
        data[pos + offset] |= 1
    parsed = whatsapp.parse_bytes(bytes(data), filename="chat.zip")
    assert parsed.messages == []
    assert any("cannot read" in w for w in parsed.warnings)


# --- summary, dump, posts -----------------------------------------------------------------------


def test_summary_counts_messages_with_authors_and_times_over_messages_only():
    parsed = parse("android_12h_en_in.txt")
    assert whatsapp.summary(parsed) == {
        "messages": 6,
        "system_events": 5,
        "authors": 3,
        "media": 1,
        "deleted": 1,
        "first_at": "2020-01-15T09:05:00+05:30",  # the 09:00 system events do not count
        "last_at": "2020-01-16T23:59:00+05:30",
        "layout": "android-12h-dmy",
        "warnings": [],
    }
    empty = whatsapp.summary(whatsapp.parse_text("nothing here"))
    assert (empty["messages"], empty["first_at"], empty["last_at"]) == (0, None, None)


def test_dump_line_is_json_ready():
    msg = parse("android_hindi.txt").messages[3]
    assert whatsapp.dump_line(msg) == {
        "author": "रमेश यादव",
        "at": "2024-03-20T08:30:00+05:30",
        "text": "",
        "is_media": False,
        "is_deleted": True,
    }


def test_raw_posts_carry_every_message_including_deleted_and_media():
    posts = whatsapp.to_raw_posts(parse("android_with_media.txt"), group_key="source:7")
    assert [p.platform for p in posts] == [Platform.WHATSAPP] * 5
    assert posts[0].media == ("IMG-20240302-WA0001.jpg",)
    assert posts[0].is_media
    assert posts[0].text == "Rally photo from ward 3"
    assert posts[3].media == ()
    assert posts[4].is_deleted
    assert posts[4].posted_at == datetime(2024, 3, 13, 18, 30, tzinfo=IST)
    assert all(re.fullmatch(r"[0-9a-f]{40}", p.external_id) for p in posts)


def ids(text: str, group_key: str = "g") -> list[str]:
    return [
        p.external_id for p in whatsapp.to_raw_posts(whatsapp.parse_text(text), group_key=group_key)
    ]


def test_ids_are_stable_across_reuploads_and_a_longer_later_export():
    # given an export with the same text twice in one minute, and a later export of the group
    early = (
        "15/01/20, 09:00 - A: hi\n15/01/20, 09:00 - A: hi\n15/01/20, 09:01 - B: <Media omitted>\n"
    )
    later = early + "15/01/20, 09:02 - A: hi\n16/01/20, 10:00 - B: new\n"
    # then re-parsing gives the same ids, the repeats are distinct, and the later export
    # repeats the earlier ids before its new ones
    assert ids(early) == ids(early)
    assert len(set(ids(early))) == 3
    assert ids(later)[:3] == ids(early)
    assert len(set(ids(later))) == 5
    assert set(ids(early, "other group")).isdisjoint(ids(early))


def test_ids_ignore_seconds_layout_and_whether_media_was_included():
    # given the same messages exported by an iOS phone with media and an Android phone without
    ios = "[15/01/20, 9:00:41 AM] A: hi\n[15/01/20, 9:01:05 AM] B: \u200e<attached: 01-PHOTO.jpg>\n"
    android = f"15/01/20, 9:00{NNBSP}am - A: hi\n15/01/20, 9:01{NNBSP}am - B: <Media omitted>\n"
    # then they get the same ids (minute, author, text/caption)
    assert ids(ios) == ids(android)


def test_an_edit_or_a_deletion_between_exports_is_a_new_id():
    before = "15/01/20, 09:00 - A: hi\n"
    deleted = "15/01/20, 09:00 - A: This message was deleted\n"
    assert ids(before) != ids(deleted)


# --- the shared samples (read in place), checked independently -----------------------------------


def sample(name: str) -> Path:
    path = SAMPLES / name
    assert path.exists(), f"shared samples missing at {SAMPLES}"
    return path


def test_shared_pokemon_sample():
    path = sample("whatstk_pokemon.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    # independently: a header is "dd.mm.yyyy, hh:mm - "; the first two are the encryption
    # notices (line 1 attributed to "Pokemon Chat"), checked by hand; the rest "Name: text"
    headers = [line for line in lines if re.match(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d - ", line)]
    authors = {line.split(" - ", 1)[1].split(": ", 1)[0] for line in headers[2:]}
    parsed = whatsapp.parse_file(path)
    assert len(parsed.system_events) == 2
    assert len(parsed.messages) == len(headers) - 2 == 18
    assert {m.author for m in parsed.messages} == authors
    assert len(authors) == 8
    assert parsed.layout == "android-24h-dmy"
    assert parsed.messages[0].at.isoformat() == "2016-08-06T13:23:00+05:30"
    assert parsed.messages[-1].text == "Wo-bbu-ffet"


@pytest.mark.parametrize(
    ("name", "layout", "first_at", "last_at"),
    [
        pytest.param(
            "whatstk_lorem.txt",
            "ios-24h-dmy",
            "2020-01-15T02:22:56+05:30",  # "[15-01-20 02:22:56]", first line
            "2020-05-11T22:32:48+05:30",  # "[11-05-20 22:32:48]", last line
            id="lorem-ios-dashes",
        ),
        pytest.param(
            "whatstk_lorem-2000.txt",
            "ios-24h-ymd",
            "2019-04-16T02:09:00+05:30",
            "2020-06-13T00:00:00+05:30",
            id="lorem-2000-year-first",
        ),
    ],
)
def test_shared_lorem_samples(name, layout, first_at, last_at):
    path = sample(name)
    lines = path.read_text(encoding="utf-8").splitlines()
    # independently: every line of these generated chats is one "[…] Name: text" message
    assert all(line.startswith("[") for line in lines)
    authors = Counter(line.split("] ", 1)[1].split(": ", 1)[0] for line in lines)
    parsed = whatsapp.parse_file(path)
    assert len(parsed.messages) == len(lines)
    assert parsed.system_events == []
    assert Counter(m.author for m in parsed.messages) == authors
    assert set(authors) == {"Mary", "John", "Giuseppe", "+1 123 456 789"}
    assert [m.text for m in parsed.messages[:3]] == [
        line.split(": ", 1)[1] for line in lines[:3]
    ]  # kept intact, trailing space included
    summary = whatsapp.summary(parsed)
    assert (summary["layout"], summary["first_at"], summary["last_at"]) == (
        layout,
        first_at,
        last_at,
    )


def test_shared_us_sample_is_read_month_first():
    path = sample("whatsstat_sample_chat.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    # independently: 22 header lines "MM/DD/YY, hh:mm AM - Name: text", three friends; the
    # "01/15/25" lines are what make it month-first
    assert len(lines) == 22
    parsed = whatsapp.parse_file(path)
    assert len(parsed.messages) == 22
    assert {m.author for m in parsed.messages} == {"Alice", "Bob", "Charlie"}
    assert parsed.layout == "android-12h-mdy"
    assert parsed.warnings == []
    new_year = parsed.messages[10]  # "01/01/25, 12:00 AM - Alice: Happy New Year everyone!!"
    assert new_year.at == datetime(2025, 1, 1, 0, 0, tzinfo=IST)
    assert new_year.text.startswith("Happy New Year everyone!!")
    assert parsed.messages[-1].at == datetime(2025, 2, 14, 9, 30, tzinfo=IST)


# --- size (its speed is measured by `python -m bench.whatsapp`, not here) ---------------------


def test_it_parses_100k_lines():
    # given 100k lines mixing layouts' worth of messages, continuations and Devanagari
    text = lines(100_000)
    # when parsed
    parsed = whatsapp.parse_text(text)
    # then every header became a message or event
    assert len(parsed.messages) + len(parsed.system_events) > 70_000
