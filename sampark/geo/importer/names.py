"""Names: cleaning the source's spellings, matching district names across files, and the
names of the mandals and sectors made by rule."""

from __future__ import annotations

import re

# Display names of states whose code alone is not a name (used when --name is not given).
STATE_NAMES: dict[str, tuple[str, str]] = {"UP": ("Uttar Pradesh", "उत्तर प्रदेश")}

# Names a district boundary file may still use for a district that was renamed, or the old
# name of the district a new one was carved out under (UP, 2003-2012). Keys and values are
# match keys (lower-case letters only).
DISTRICT_ALIASES: dict[str, str] = {
    "mahamayanagar": "hathras",
    "lakhimpurkheri": "kheri",
    "santravidasnagar": "bhadohi",
    "jyotibaphulenagar": "amroha",
    "kanshiramnagar": "kasganj",
    "panchsheelnagar": "hapur",
    "prabuddhanagar": "shamli",
    "bhimnagar": "sambhal",
    "chhatrapatishahujimaharajnagar": "amethi",
    "ramabainagar": "kanpurdehat",
}


def readable(name: str) -> str:
    """Collapse whitespace; title-case a name written all in upper (or lower) case."""
    name = " ".join(name.split())
    if name.isupper() or name.islower():
        return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name.lower())
    return name


def match_key(name: str) -> str:
    """Lower-case letters only: 'Kushi Nagar' and 'KUSHINAGAR' both give 'kushinagar'."""
    return re.sub(r"[^a-z]", "", name.casefold())


def skeleton(key: str) -> str:
    """Consonants only, doubles collapsed, for spellings that differ in vowels or doubled
    letters (Badaun/Budaun, Bulandshahr/Bulandshahar, Arrah/Arah)."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiou]", "", key))


def sector_names(number: int, first_part: int, last_part: int) -> tuple[str, str]:
    """English and Hindi name of a generated sector, with the part numbers it covers."""
    if first_part == last_part:
        return f"Sector {number} (part {first_part})", f"सेक्टर {number} (भाग {first_part})"
    return (
        f"Sector {number} (parts {first_part}–{last_part})",
        f"सेक्टर {number} (भाग {first_part}–{last_part})",
    )


def mandal_names(number: int) -> tuple[str, str]:
    """English and Hindi name of a generated mandal."""
    return f"Mandal {number}", f"मंडल {number}"
