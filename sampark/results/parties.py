"""Party names as the results files spell them, normalised to one name per party.

A name is looked up without regard to case, spacing or punctuation, first in `ALIASES` (and in
`settings.RESULTS_PARTY_ALIASES`, which a state adds to without touching code), else kept with
its spacing collapsed and words capitalised, so "Communist Party Of India" and "Communist Party
of India" are one party. Column slugs of party-vote files (`votes_apna_dal`) go the same way.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings

NOTA = "NOTA"
OTHERS = "Others"
# Names that are not a party and never win: the rest-of-field bucket and None of the Above.
NOT_CONTENDERS = frozenset({NOTA, OTHERS})

ALIASES: dict[str, str] = {
    "bharatiya janata party": "BJP",
    "bjp": "BJP",
    "samajwadi party": "SP",
    "sp": "SP",
    "bahujan samaj party": "BSP",
    "bsp": "BSP",
    "indian national congress": "INC",
    "inc": "INC",
    "congress": "INC",
    # Anupriya Patel's party: "Apna Dal" in 2014, "Apna Dal (Soneylal)" since.
    "apna dal": "Apna Dal",
    "apna dal soneylal": "Apna Dal",
    "apna dal s": "Apna Dal",
    "ad s": "Apna Dal",
    "rashtriya lok dal": "RLD",
    "rld": "RLD",
    "aam aadmi party": "AAP",
    "aap": "AAP",
    "suheldev bharatiya samaj party": "SBSP",
    "suheldev bhartiya samaj party": "SBSP",
    "nirbal indian shoshit hamara aam dal": "NISHAD",
    "nishad party": "NISHAD",
    "aazad samaj party kanshi ram": "ASP(KR)",
    "azad samaj party kanshi ram": "ASP(KR)",
    "independent": "IND",
    "ind": "IND",
    "none of the above": NOTA,
    "nota": NOTA,
    "others": OTHERS,
}

_SMALL = frozenset({"of", "the", "and", "for", "in"})


def key(name: str) -> str:
    """The lookup key: lower case, letters and digits only, single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.casefold().replace("_", " ")).split())


@cache
def _table() -> dict[str, str]:
    extra = getattr(settings, "RESULTS_PARTY_ALIASES", {}) or {}
    return {**ALIASES, **{key(k): v for k, v in dict(extra).items()}}


def normalise(name: str) -> str:
    """The one name of the party `name` stands for ("" for a blank name)."""
    found = _table().get(key(name))
    if found:
        return found
    return " ".join(_cap(w, i) for i, w in enumerate(name.split()))


def _cap(word: str, index: int) -> str:
    if index and word.casefold() in _SMALL:
        return word.casefold()
    lead = len(word) - len(word.lstrip("([{\"'"))
    return word[:lead] + word[lead : lead + 1].upper() + word[lead + 1 :].lower()


def clear_cache() -> None:
    """Forget the alias table (tests that override RESULTS_PARTY_ALIASES)."""
    _table.cache_clear()
