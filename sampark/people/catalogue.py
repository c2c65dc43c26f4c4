"""The position catalogue, seeded by migration and kept here as data so tests can read it."""

from __future__ import annotations

BOOTH_POSITIONS: list[tuple[str, str, str]] = [
    ("booth_president", "Booth president", "बूथ अध्यक्ष"),
    ("whatsapp_pramukh", "WhatsApp pramukh", "व्हाट्सऐप प्रमुख"),
    ("bla_liaison", "BLA liaison", "बीएलए समन्वयक"),
    ("social_media_volunteer", "Social media volunteer", "सोशल मीडिया स्वयंसेवक"),
    ("outreach_volunteer", "Outreach volunteer", "जनसंपर्क स्वयंसेवक"),
]

INCHARGE_POSITIONS: list[tuple[str, str, str, str]] = [
    ("it_incharge_state", "state", "State IT-cell in-charge", "प्रदेश आईटी सेल प्रभारी"),
    ("it_incharge_district", "district", "District IT-cell in-charge", "जिला आईटी सेल प्रभारी"),
    ("it_incharge_pc", "pc", "Lok Sabha IT-cell in-charge", "लोकसभा आईटी सेल प्रभारी"),
    ("it_incharge_ac", "ac", "Assembly IT-cell in-charge", "विधानसभा आईटी सेल प्रभारी"),
    ("it_incharge_mandal", "mandal", "Mandal IT-cell in-charge", "मंडल आईटी सेल प्रभारी"),
    ("it_incharge_sector", "sector", "Sector IT-cell in-charge", "सेक्टर आईटी सेल प्रभारी"),
]


def catalogue_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {
            "code": code,
            "level": "booth",
            "name_en": en,
            "name_hi": hi,
            "seats": 1,
            "counts_toward_staffing": True,
            "order": i,
        }
        for i, (code, en, hi) in enumerate(BOOTH_POSITIONS)
    ]
    rows += [
        {
            "code": code,
            "level": level,
            "name_en": en,
            "name_hi": hi,
            "seats": 1,
            "counts_toward_staffing": False,
            "order": 0,
        }
        for code, level, en, hi in INCHARGE_POSITIONS
    ]
    return rows
