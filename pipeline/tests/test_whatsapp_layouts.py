"""WhatsApp export layouts (Android, iOS, locales), the shared samples, and property tests."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import whatsapp

IST = ZoneInfo("Asia/Kolkata")
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "whatsapp-samples"
NNBSP = "\u202f"
LRM = "\u200e"


def at(y: int, mo: int, d: int, h: int, mi: int, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=IST)


LAYOUTS = [
    pytest.param(
        f"12/11/26, 9:05{NNBSP}pm - रमेश: नमस्ते\n13/11/26, 10:00{NNBSP}am - सीमा: ठीक है\n",
        "android-12h-dmy",
        [("रमेश", at(2026, 11, 12, 21, 5), "नमस्ते"), ("सीमा", at(2026, 11, 13, 10, 0), "ठीक है")],
        id="android-12h-narrow-nbsp-lowercase",
    ),
    pytest.param(
        "12/11/2026, 9:05 PM - Ramesh Kumar: hello\n13/11/2026, 12:30 AM - Seema: hi\n",
        "android-12h-dmy",
        [
            ("Ramesh Kumar", at(2026, 11, 12, 21, 5), "hello"),
            ("Seema", at(2026, 11, 13, 0, 30), "hi"),
        ],
        id="android-12h-four-digit-year-uppercase",
    ),
    pytest.param(
        "15.04.2016, 15:04 - Brock: Hey\n16.04.2016, 00:01 - Misty: yo\n",
        "android-24h-dmy",
        [("Brock", at(2016, 4, 15, 15, 4), "Hey"), ("Misty", at(2016, 4, 16, 0, 1), "yo")],
        id="android-24h-dots",
    ),
    pytest.param(
        f"{LRM}[15/01/20, 2:22:56 PM] {LRM}Mary: Nostrud\n[16/01/20, 9:00:01 AM] Bob: ok\n",
        "ios-12h-dmy",
        [("Mary", at(2020, 1, 15, 14, 22, 56), "Nostrud"), ("Bob", at(2020, 1, 16, 9, 0, 1), "ok")],
        id="ios-brackets-seconds-lrm",
    ),
    pytest.param(
        "[15-01-20 02:22:56] Mary: one\n[16-01-20 23:59:59] +91 98390 12345: two\n",
        "ios-24h-dmy",
        [
            ("Mary", at(2020, 1, 15, 2, 22, 56), "one"),
            ("+91 98390 12345", at(2020, 1, 16, 23, 59, 59), "two"),
        ],
        id="ios-dashes-phone-author",
    ),
    pytest.param(
        "12/01/24, 10:00 AM - Alice: Hey\n12/25/24, 11:00 PM - Bob: Merry\n",
        "android-12h-mdy",
        [("Alice", at(2024, 12, 1, 10, 0), "Hey"), ("Bob", at(2024, 12, 25, 23, 0), "Merry")],
        id="us-month-first-inferred",
    ),
    pytest.param(
        "[2020-01-15 14:22] Mary: first\n[2020-01-16 08:05] Bob: second\n",
        "ios-24h-ymd",
        [("Mary", at(2020, 1, 15, 14, 22), "first"), ("Bob", at(2020, 1, 16, 8, 5), "second")],
        id="year-first",
    ),
]


@pytest.mark.parametrize(("text", "layout", "expected"), LAYOUTS)
def test_layouts(text, layout, expected):
    parsed = whatsapp.parse_text(text)
    assert parsed.layout == layout
    assert [(m.author, m.at, m.text) for m in parsed.messages] == expected


def test_multiline_media_deleted_and_system_events_in_a_hindi_export():
    text = (
        f"12/11/26, 9:00{NNBSP}am - Messages and calls are end-to-end encrypted. Tap to learn more.\n"
        f"12/11/26, 9:01{NNBSP}am - रमेश ने ग्रुप बनाया\n"
        f"12/11/26, 9:02{NNBSP}am - रमेश कुमार 🙏: 2000 के नोट में चिप है\n"
        "सबको बताएं\n"
        "\n"
        "जय हिंद\n"
        f"12/11/26, 9:03{NNBSP}am - सीमा: <मीडिया के बिना>\n"
        f"12/11/26, 9:04{NNBSP}am - सीमा: यह संदेश हटा दिया गया था\n"
        f"12/11/26, 9:05{NNBSP}am - +91 98390 12345 joined using this group's invite link\n"
        f"12/11/26, 9:06{NNBSP}am - Seema: {LRM}image omitted\n"
        f"12/11/26, 9:07{NNBSP}am - Seema: IMG-20261112-WA0001.jpg (file attached)\n"
        "caption here\n"
    )
    parsed = whatsapp.parse_text(text)
    assert len(parsed.system_events) == 3
    assert [m.author for m in parsed.messages] == ["रमेश कुमार 🙏", "सीमा", "सीमा", "Seema", "Seema"]
    first = parsed.messages[0]
    assert first.text == "2000 के नोट में चिप है\nसबको बताएं\n\nजय हिंद"
    assert parsed.messages[1].is_media
    assert parsed.messages[2].is_deleted
    assert parsed.messages[3].is_media
    assert parsed.messages[4].media_file == "IMG-20261112-WA0001.jpg"
    assert parsed.messages[4].text == "caption here"
    summary = whatsapp.summary(parsed)
    assert summary["messages"] == 5
    assert summary["authors"] == 3
    assert summary["media"] == 3
    assert summary["first_at"] == "2026-11-12T09:02:00+05:30"


def test_ios_attached_media_in_a_zip():
    chat = (
        f"[12/11/26, 9:05:01 PM] Ravi: {LRM}<attached: 00000012-PHOTO-2026-11-12-21-05-01.jpg>\n"
        "[12/11/26, 9:06:00 PM] Ravi: देखो\n"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("_chat.txt", chat)
        z.writestr("00000012-PHOTO-2026-11-12-21-05-01.jpg", b"\xff\xd8fake")
        z.writestr("00000013-AUDIO.opus", b"x")
    parsed = whatsapp.parse_bytes(buf.getvalue(), filename="WhatsApp Chat - Ravi.zip")
    assert parsed.messages[0].media_file == "00000012-PHOTO-2026-11-12-21-05-01.jpg"
    assert sorted(parsed.media_files) == [
        "00000012-PHOTO-2026-11-12-21-05-01.jpg",
        "00000013-AUDIO.opus",
    ]


def test_a_bad_zip_is_a_clear_error():
    with pytest.raises(ValueError, match="not a readable zip"):
        whatsapp.parse_bytes(b"PK\x03\x04broken", filename="chat.zip")


def test_ids_are_stable_across_a_longer_export():
    short = "12/11/26, 9:05 pm - A: hi\n12/11/26, 9:05 pm - A: hi\n"
    longer = short + "12/11/26, 9:06 pm - B: new\n"
    ids_short = [
        p.external_id for p in whatsapp.to_raw_posts(whatsapp.parse_text(short), group_key="g")
    ]
    ids_long = [
        p.external_id for p in whatsapp.to_raw_posts(whatsapp.parse_text(longer), group_key="g")
    ]
    assert len(set(ids_short)) == 2  # the same message twice in one minute is two messages
    assert ids_long[:2] == ids_short
    other_group = whatsapp.to_raw_posts(whatsapp.parse_text(short), group_key="h")
    assert other_group[0].external_id != ids_short[0]


def test_not_an_export():
    parsed = whatsapp.parse_text("just some text\nwith lines")
    assert parsed.messages == []
    assert parsed.warnings


# The shared samples: counts checked by hand against the files (each message is one header
# line there; pokemon's first two lines are the encryption notices, one attributed to the group).
@pytest.mark.parametrize(
    ("name", "messages", "system", "authors", "layout"),
    [
        ("whatstk_pokemon.txt", 18, 2, 8, "android-24h-dmy"),
        ("whatstk_lorem.txt", 500, 0, 4, "ios-24h-dmy"),
        ("whatstk_lorem-2000.txt", 2000, 0, 4, "ios-24h-ymd"),
        ("whatsstat_sample_chat.txt", 22, 0, 3, "android-12h-mdy"),
    ],
)
def test_shared_samples(name, messages, system, authors, layout):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("../shared/data is not beside the repository")
    parsed = whatsapp.parse_file(path)
    headers = sum(
        1
        for line in path.read_text(encoding="utf-8").splitlines()
        if line[:1].isdigit() or line.startswith(("[", LRM))
    )
    assert len(parsed.messages) + len(parsed.system_events) == headers
    assert (len(parsed.messages), len(parsed.system_events)) == (messages, system)
    assert whatsapp.summary(parsed)["authors"] == authors
    assert parsed.layout == layout


# --- properties ---------------------------------------------------------------------------------

PRINTABLE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cf"), blacklist_characters="\r\n"),  # type: ignore[arg-type]
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s and ":" not in s)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_crashes_on_any_text(text):
    parsed = whatsapp.parse_text(text)
    assert whatsapp.summary(parsed)["messages"] == len(parsed.messages)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_never_crashes_on_any_bytes(data):
    whatsapp.parse_bytes(data, filename="chat.txt")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "12/11/26, 9:05 pm - ",
                "[1/2/3 4:5:6] ",
                "99/99/99, 99:99 - ",
                "\u200e[",
                " - : ",
                "\u202f",
                "PM",
            ]
        ),
        max_size=12,
    ),
    st.text(max_size=30),
)
def test_never_crashes_on_mangled_headers(pieces, tail):
    whatsapp.parse_text("".join(pieces) + tail + "\n" + "".join(reversed(pieces)))


# Exports carry local times without an offset: naive on purpose.
EARLIEST = datetime(2015, 1, 13)  # noqa: DTZ001
LATEST = datetime(2030, 12, 31)  # noqa: DTZ001
ANCHOR = datetime(2031, 1, 13, 10, 0)  # noqa: DTZ001

RENDER = {
    "android-12h": lambda d, a, t: f"{d:%d/%m/%y}, {d:%I:%M}{NNBSP}{d:%p}".lower() + f" - {a}: {t}",
    "android-24h": lambda d, a, t: f"{d:%d.%m.%Y}, {d:%H:%M} - {a}: {t}",
    "ios-12h": lambda d, a, t: f"[{d:%d/%m/%y}, {d:%I:%M:%S} {d:%p}] {a}: {t}",
    "ios-24h": lambda d, a, t: f"[{d:%d-%m-%y} {d:%H:%M:%S}] {a}: {t}",
}


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(RENDER)),
    st.lists(
        st.tuples(
            st.datetimes(min_value=EARLIEST, max_value=LATEST),
            PRINTABLE,
            st.text(
                # Format characters (direction marks) are stripped by design; a message made
                # only of them is not a message.
                alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
                min_size=1,
                max_size=60,
            ).filter(lambda s: s.strip() == s and s),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_round_trip(layout, messages):
    messages = sorted(messages, key=lambda m: m[0])
    # A day above 12 somewhere tells the parser the order, as in any real export of some length.
    messages.append((ANCHOR, "anchor", "x"))
    precision = "%S" in layout or layout.startswith("ios")
    lines = [RENDER[layout](d, a, t) for d, a, t in messages]
    parsed = whatsapp.parse_text("\n".join(lines))
    got = [(m.author, m.at.replace(tzinfo=None), m.text) for m in parsed.messages]
    want = [
        (a, d.replace(second=d.second if precision else 0, microsecond=0), whatsapp_text(t))
        for d, a, t in messages
    ]
    assert [g[0] for g in got] == [w[0] for w in want]
    assert [g[1] for g in got] == [w[1] for w in want]
    assert [g[2] for g in got] == [w[2] for w in want]


def whatsapp_text(text: str) -> str:
    """What the parser makes of a message text: NFC, placeholders recognised."""
    import unicodedata

    parsed = whatsapp.parse_text(f"13/11/26, 09:00 - A: {text}")
    return (
        parsed.messages[0].text
        if parsed.messages and not parsed.messages[0].is_media and not parsed.messages[0].is_deleted
        else unicodedata.normalize("NFC", text)
    )
