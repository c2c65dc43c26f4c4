"""Properties of the WhatsApp export parser: it never raises, and what it renders it reads back."""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline import whatsapp

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NBSP, NNBSP = "\u00a0", "\u202f"
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
DEVANAGARI = "".join(chr(c) for c in range(0x0900, 0x0980)) + "\u200c\u200d"
EMOJI = "🙏🌸✅👍🎂🇮🇳👨🏾‍⚖️"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Characters that headers are made of, so random text often comes close to one.
HEADERISH = "0123456789/.-:,[] aApPmM\n\r\t" + NBSP + NNBSP + MARKS + "<>" + DEVANAGARI[:40]


def check_invariants(parsed: whatsapp.ParsedExport) -> None:
    """What holds for any result, whatever the input."""
    for msg in parsed.messages:
        assert msg.author
        assert msg.author == msg.author.strip()
        assert not any(mark in msg.author for mark in MARKS)
        assert msg.at.tzinfo is not None
        assert unicodedata.is_normalized("NFC", msg.text)
        assert msg.text[:1] not in MARKS + "\n" or msg.text == ""
        assert msg.text[-1:] not in MARKS + "\n" or msg.text == ""
        assert not (msg.is_media and msg.is_deleted)
        assert not msg.media_file or msg.is_media
    for event in parsed.system_events:
        assert event.at.tzinfo is not None
    assert all(isinstance(w, str) for w in parsed.warnings)
    summary = whatsapp.summary(parsed)
    assert summary["messages"] == len(parsed.messages)
    assert summary["system_events"] == len(parsed.system_events)
    json.dumps(summary)
    for msg in parsed.messages:
        json.dumps(whatsapp.dump_line(msg))
    ids = [p.external_id for p in whatsapp.to_raw_posts(parsed, group_key="g")]
    assert len(set(ids)) == len(ids)
    if not parsed.messages and not parsed.system_events:
        assert parsed.warnings


# --- never raises --------------------------------------------------------------------------------


@FAST
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Nd", "Mn"))),
        st.text(alphabet=HEADERISH + LATIN + EMOJI, max_size=400),
    )
)
def test_any_text_parses_without_raising(text):
    check_invariants(whatsapp.parse_text(text))


@FAST
@given(
    st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\xef\xbb\xbf", b"\xff\xfe", b"[1"]),
    st.binary(max_size=600),
    st.sampled_from(["chat.txt", "WhatsApp Chat with Booth 12.zip", "upload", "_chat.TXT"]),
)
def test_any_bytes_parse_without_raising(prefix, data, filename):
    check_invariants(whatsapp.parse_bytes(prefix + data, filename=filename))


@FAST
@given(
    st.binary(max_size=400),
    st.lists(st.sampled_from(["a.jpg", "b/_chat.txt", "c.opus", "__MACOSX/._x"]), max_size=4),
)
def test_any_chat_bytes_inside_a_real_zip_parse_without_raising(chat, others):
    # given a well-formed zip whose chat text is arbitrary bytes
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("WhatsApp Chat with X.txt", chat)
        for name in dict.fromkeys(others):
            archive.writestr(name, b"x")
    # then it parses, and every file but the chat text (_chat.txt first) and Finder's junk is
    # listed as media
    parsed = whatsapp.parse_bytes(buf.getvalue(), filename="x.zip")
    check_invariants(parsed)
    kept = {n for n in others if not n.startswith("__MACOSX/")}
    assert len(parsed.media_files) == len(kept)
    assert ("WhatsApp Chat with X.txt" in parsed.media_files) == ("b/_chat.txt" in kept)


PLACEHOLDERS = [
    "<Media omitted>",
    "<मीडिया के बिना>",
    "\u200eimage omitted",
    "\u200e<attached: 00000012-PHOTO-2020-01-15-14-22-56.jpg>",
    "IMG-20200115-WA0001.jpg (file attached)",
    "This message was deleted",
    "यह संदेश हटा दिया गया था",
    "\u200eAsha added Ravi",
    "Messages and calls are end-to-end encrypted.",
]


@FAST
@given(
    st.one_of(
        st.text(),
        st.builds(
            lambda a, b, c: a + b + c,
            st.text(alphabet=HEADERISH + LATIN, max_size=5),
            st.sampled_from(PLACEHOLDERS),
            st.text(alphabet=HEADERISH + LATIN + DEVANAGARI, max_size=30),
        ),
    ),
    st.sampled_from(
        ["15/01/20, 09:00 - A: ", "[15/01/20, 9:00:00 AM] \u202aA\u202c: ", "1/2/24, 9:00 am - "]
    ),
)
def test_any_message_body_parses_without_raising(body, header):
    # given a valid header followed by anything at all
    parsed = whatsapp.parse_text(header + body)
    # then it is one message or system event, never an exception
    check_invariants(parsed)
    assert len(parsed.messages) + len(parsed.system_events) >= 1


VALID_LINES = [
    f"15/01/20, 2:22{NNBSP}pm - रमेश कुमार: नमस्ते",
    "[15/01/20, 2:22:56 PM] \u202a+91 98765 43210\u202c: \u200e<attached: 01-PHOTO.jpg>",
    "[15-01-20 02:22:56] Mary: text",
    "15.04.2016, 15:04 - Brock: Hey",
    "1/15/20, 10:30:45 PM: Mary: hi",
    "2020-01-15, 14:22 - A: <Media omitted>",
    f"\u200e15/01/20, 9:00{NBSP}AM - Asha added Ravi",
]


@st.composite
def mutated_lines(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.sampled_from(VALID_LINES), min_size=1, max_size=6))
    out = []
    for line in lines:
        chars = list(line)
        for _ in range(draw(st.integers(0, 4))):
            op = draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
            at = draw(st.integers(0, max(len(chars) - 1, 0)))
            char = draw(st.sampled_from(HEADERISH + "क्ष\u093c"))
            if op == "insert":
                chars.insert(at, char)
            elif op == "delete" and chars:
                del chars[at]
            elif op == "replace" and chars:
                chars[at] = char
            elif op == "swap" and len(chars) > 1:
                j = draw(st.integers(0, len(chars) - 1))
                chars[at], chars[j] = chars[j], chars[at]
        out.append("".join(chars))
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(out)


@FAST
@given(mutated_lines(), st.sampled_from([None, True, False]))
def test_mutated_headers_parse_without_raising(text, day_first):
    parsed = whatsapp.parse_text(text, day_first=day_first)
    check_invariants(parsed)
    # a line is at most one message or event
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert len(parsed.messages) + len(parsed.system_events) <= len(lines)


# --- round trip ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    kind: str  # "android", "ios" (brackets) or "ios-colon" (old iOS, colon after the time)
    twelve_hour: bool
    order: str  # "dmy", "mdy", "ymd"
    sep: str
    four_digit_year: bool
    comma: bool
    ampm_space: str
    ampm: tuple[str, str]
    pad_hour: bool
    seconds: bool
    lrm: bool

    @property
    def name(self) -> str:
        kind = "android" if self.kind == "android" else "ios"
        return f"{kind}-{'12h' if self.twelve_hour else '24h'}-{self.order}"

    def render(self, at: datetime, author: str, text: str) -> str:
        year = f"{at.year:04d}" if self.four_digit_year or self.order == "ymd" else f"{at:%y}"
        day, month = f"{at.day:02d}", f"{at.month:02d}"
        if not self.pad_hour:
            day, month = str(at.day), str(at.month)
        parts = {"dmy": (day, month, year), "mdy": (month, day, year), "ymd": (year, month, day)}
        date = self.sep.join(parts[self.order])
        hour = (at.hour % 12 or 12) if self.twelve_hour else at.hour
        clock = f"{hour:02d}" if self.pad_hour else str(hour)
        clock += f":{at.minute:02d}" + (f":{at.second:02d}" if self.seconds else "")
        if self.twelve_hour:
            clock += self.ampm_space + self.ampm[at.hour >= 12]
        stamp = f"{date}{',' if self.comma else ''} {clock}"
        if self.kind == "ios":
            head = f"[{stamp}] "
        elif self.kind == "ios-colon":
            head = f"{stamp}: "
        else:
            head = f"{stamp} - "
        return ("\u200e" if self.lrm else "") + head + f"{author}: {text}"


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    kind = draw(st.sampled_from(["android", "ios", "ios-colon"]))
    return Layout(
        kind=kind,
        twelve_hour=draw(st.booleans()),
        order=draw(st.sampled_from(["dmy", "mdy", "ymd"])),
        sep=draw(st.sampled_from("/.-")),
        four_digit_year=draw(st.booleans()),
        comma=draw(st.booleans()) if kind != "ios-colon" else True,
        ampm_space=draw(st.sampled_from([" ", NBSP, NNBSP, ""])),
        ampm=draw(st.sampled_from([("am", "pm"), ("AM", "PM"), ("a.m.", "p.m.")])),
        pad_hour=draw(st.booleans()),
        seconds=kind != "android" and (kind == "ios-colon" or draw(st.booleans())),
        lrm=draw(st.booleans()),
    )


WORD = st.text(alphabet=LATIN + DEVANAGARI + EMOJI + "0123456789+.&'()", min_size=1, max_size=8)
NAMES = [
    "रमेश कुमार",
    "सुनीता देवी 🌸",
    "+91 98765 43210",
    "\u202a+91 91234 56789\u202c",
    "Booth 12 - Ward 3",
    "Seema 🙏",
]


@st.composite
def authors(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(NAMES))
    words = draw(st.lists(WORD, min_size=1, max_size=3))
    # A capital first letter keeps generated names clear of the lowercase verbs of system
    # lines ("Asha added Ravi"); the Hindi particle ने marks those lines too.
    words = [w[:1].upper() + w[1:] for w in words if w != "ने"]
    assume(words)
    return " ".join(words)


LINE = st.text(alphabet=LATIN + DEVANAGARI + EMOJI + " :/-.,?!'0123456789" + NBSP, max_size=40)
PLACEHOLDER_WORDS = ("omitted", "attached", "deleted", "end-to-end", "मीडिया", "हटा", "एंड-टू-एंड")


@st.composite
def texts(draw: st.DrawFn) -> str:
    first = draw(LINE)
    # Continuation lines never start like a header: not with a digit or "[".
    more = draw(st.lists(LINE.filter(lambda s: not s[:1].isdigit()), max_size=3))
    text = "\n".join([first, *more])
    assume(not any(word in text.lower() for word in PLACEHOLDER_WORDS))
    return text


EARLIEST = datetime(2001, 1, 1)  # noqa: DTZ001  (exports hold local wall-clock times)
LATEST = datetime(2035, 12, 31)  # noqa: DTZ001


@FAST
@given(
    layouts(),
    st.lists(st.tuples(st.datetimes(EARLIEST, LATEST), authors(), texts()), min_size=1, max_size=8),
    st.sampled_from(["Asia/Kolkata", "UTC", "Europe/London"]),
    st.booleans(),
)
def test_rendered_messages_parse_back(layout, messages, tz, tell_order):
    # given messages in time order, rendered in one layout, with a last one on the 28th so
    # that the day/month order shows in the file (or the caller tells it)
    messages = sorted(messages, key=lambda m: m[0])
    messages.append((datetime(2036, 1, 28, 21, 7, 9), "Anchor", "last"))  # noqa: DTZ001
    text = "\n".join(layout.render(at, author, body) for at, author, body in messages)
    day_first = (layout.order == "dmy") if tell_order and layout.order != "ymd" else None
    # when it is parsed
    parsed = whatsapp.parse_text(text, tz=tz, day_first=day_first)
    # then the same authors, times (to the precision of the layout) and texts come back
    zone = ZoneInfo(tz)
    expected = [
        (
            "".join(c for c in author if c not in MARKS),
            at.replace(second=at.second if layout.seconds else 0, microsecond=0, tzinfo=zone),
            unicodedata.normalize("NFC", body).strip("\n"),
        )
        for at, author, body in messages
    ]
    assert [(m.author, m.at, m.text) for m in parsed.messages] == expected
    assert parsed.system_events == []
    assert parsed.layout == layout.name
    assert parsed.warnings == []


@FAST
@given(
    layouts(),
    st.lists(st.tuples(st.datetimes(EARLIEST, LATEST), authors(), texts()), min_size=1, max_size=8),
    st.integers(0, 8),
)
def test_ids_of_an_earlier_export_are_the_prefix_of_a_later_one(layout, messages, cut):
    # given an export and a later, longer export of the same group
    messages = sorted(messages, key=lambda m: m[0])
    lines = [layout.render(at, author, body) for at, author, body in messages]
    day_first = layout.order != "mdy"  # told, as a short export may not show the order
    later = whatsapp.parse_text("\n".join(lines), day_first=day_first)
    earlier = whatsapp.parse_text("\n".join(lines[:cut]), day_first=day_first)
    # then every message of the earlier one keeps its id in the later one
    ids_later = [p.external_id for p in whatsapp.to_raw_posts(later, group_key="g")]
    ids_earlier = [p.external_id for p in whatsapp.to_raw_posts(earlier, group_key="g")]
    assert ids_earlier == ids_later[: len(ids_earlier)]
    assert len(ids_earlier) == min(cut, len(messages))


@FAST
@given(
    st.lists(st.tuples(st.integers(0, 59), authors(), texts()), min_size=1, max_size=6),
    st.sampled_from(["Asia/Kolkata", "UTC"]),
)
def test_android_and_ios_exports_of_one_group_share_ids(messages, tz):
    # given the same messages exported by an Android phone (minutes) and an iPhone (seconds)
    base = datetime(2024, 3, 20, 9, 0)  # noqa: DTZ001
    rows = sorted(
        ((base + timedelta(minutes=i, seconds=s), a, t) for i, (s, a, t) in enumerate(messages)),
        key=lambda m: m[0],
    )
    android = Layout(
        "android", True, "dmy", "/", False, True, NNBSP, ("am", "pm"), False, False, False
    )
    ios = Layout("ios", True, "dmy", "/", False, True, " ", ("AM", "PM"), False, True, True)

    def ids(layout: Layout) -> list[str]:
        text = "\n".join(layout.render(at, a, t) for at, a, t in rows)
        parsed = whatsapp.parse_text(text, tz=tz, day_first=True)
        return [p.external_id for p in whatsapp.to_raw_posts(parsed, group_key="g")]

    # then the ids agree, so the second upload adds nothing
    assert ids(android) == ids(ios)
