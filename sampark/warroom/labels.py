"""The words a response carries about the fact-check it cites: who published it, the label put
in front of every response, and the verdict in the response's language. Pure functions: the
pages show them too."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sampark.factcheck.enums import Verdict
from sampark.warroom.enums import Language

if TYPE_CHECKING:
    from sampark.factcheck.models import FactCheck

# Verdict words inside Hindi responses (the UI's gettext language must not decide them).
VERDICT_HI: dict[str, str] = {
    Verdict.FALSE: "झूठा",
    Verdict.MISLEADING: "भ्रामक",
    Verdict.PARTLY_FALSE: "आंशिक रूप से झूठा",
    Verdict.TRUE: "सही",
    Verdict.UNPROVEN: "अप्रमाणित",
    Verdict.SATIRE: "व्यंग्य",
    Verdict.OTHER: "संदिग्ध",
}
VERDICT_EN: dict[str, str] = {
    Verdict.FALSE: "false",
    Verdict.MISLEADING: "misleading",
    Verdict.PARTLY_FALSE: "partly false",
    Verdict.TRUE: "true",
    Verdict.UNPROVEN: "unproven",
    Verdict.SATIRE: "satire",
    Verdict.OTHER: "disputed",
}


def publisher_of(fact_check: FactCheck) -> str:
    """Who published the fact-check: its publisher, else its site's host name."""
    if fact_check.publisher.strip():
        return fact_check.publisher.strip()
    host = urlsplit(fact_check.url).hostname or ""
    return host.removeprefix("www.") or "—"


def labels_for(fact_check: FactCheck) -> tuple[str, str]:
    """The label every response carries, in Hindi and English."""
    publisher = publisher_of(fact_check)
    return (
        f"हमारा जवाब, {publisher} की तथ्य-जाँच के हवाले से",
        f"Our response, citing {publisher}'s fact-check",
    )


def verdict_word(fact_check: FactCheck, language: str) -> str:
    """The fact-check's verdict as a word of the response's language."""
    words = VERDICT_EN if language == Language.ENGLISH else VERDICT_HI
    if fact_check.verdict == Verdict.OTHER and fact_check.rating.strip():
        return fact_check.rating.strip()
    return words.get(fact_check.verdict, fact_check.rating or "—")
