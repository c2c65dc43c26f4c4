"""Stories across scripts: a transliteration is the same story, another rumour is not."""

from __future__ import annotations

import pytest

from pipeline import stories

FINE_HI = (
    "मतदान के दिन बूथ पर मोबाइल फोन ले जाने पर 5000 रुपये जुर्माना और जेल होगी, चुनाव आयोग का "
    "नया नियम है, अपने परिवार को जरूर बताएं"
)
FINE_LATN = (
    "matdan ke din booth par mobile phone le jane par 5000 rupaye jurmana aur jail hogi, chunav "
    "aayog ka naya niyam hai, apne parivar ko jaroor batayen"
)
EVM_HI = "ईवीएम मशीन ब्लूटूथ से हैक हो सकती है, इंजीनियर ने लाइव दिखाया, डिलीट होने से पहले शेयर करें"
EVM_LATN = (
    "EVM machine bluetooth se hack ho sakti hai, engineer ne live dikhaya, delete hone se pehle "
    "share karein"
)
OTP_LATN = (
    "bhai log dhyan do, is baar vote dalne ke liye aadhaar card zaroori nahi hai, sirf mobile pe "
    "OTP aayega aur ghar baithe vote ho jayega"
)


@pytest.mark.parametrize(
    ("a", "b"),
    [(FINE_HI, FINE_LATN), (EVM_HI, EVM_LATN)],
    ids=["fine_case", "evm_case"],
)
def test_a_transliteration_is_the_same_story_and_shares_a_band(a: str, b: str) -> None:
    pa, pb = stories.story_print(a), stories.story_print(b)
    assert pa is not None
    assert pb is not None
    assert {pa.script, pb.script} == {"deva", "latn"}
    assert stories.same_story(pa.signature, pb.signature)
    assert set(pa.bands) & set(pb.bands)


@pytest.mark.parametrize(
    ("a", "b"),
    [(FINE_HI, OTP_LATN), (EVM_HI, FINE_LATN), (EVM_LATN, OTP_LATN)],
    ids=["fine_otp_case", "evm_fine_case", "evm_otp_case"],
)
def test_different_rumours_are_not_one_story(a: str, b: str) -> None:
    pa, pb = stories.story_print(a), stories.story_print(b)
    assert pa is not None
    assert pb is not None
    assert not stories.same_story(pa.signature, pb.signature)


def test_a_short_text_has_no_story_print() -> None:
    assert stories.story_print("फेक है क्या?") is None
    assert stories.story_print("*Forwarded as received*\nok") is None


def test_a_print_survives_storage() -> None:
    p = stories.story_print(FINE_HI)
    assert p is not None
    assert (stories.from_bytes(stories.to_bytes(p.signature)) == p.signature).all()
