"""Indian digit grouping: 1,63,331 and 8,00,000 (lakh and crore), not 163,331."""

from __future__ import annotations

from decimal import Decimal


def indian_group(value: int | float | Decimal | str | None, decimals: int = 0) -> str:
    """Format a number with Indian grouping: the last three digits, then pairs."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    sign = "-" if number < 0 else ""
    number = abs(number)
    text = f"{number:.{decimals}f}"
    whole, _, frac = text.partition(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        pairs: list[str] = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        if head:
            pairs.insert(0, head)
        whole = ",".join([*pairs, tail])
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def percent(part: int, whole: int) -> float:
    """Share of part in whole as a percentage; 0 when whole is 0."""
    return round(100.0 * part / whole, 1) if whole else 0.0
