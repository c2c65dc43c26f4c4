import pytest

from sampark.core.numbers import indian_group


@pytest.mark.parametrize(
    ("value", "expected", "_case"),
    [
        (0, "0", "zero"),
        (999, "999", "three digits"),
        (1000, "1,000", "thousand"),
        (163331, "1,63,331", "lakh"),
        (800000, "8,00,000", "eight lakh"),
        (12345678, "1,23,45,678", "crore"),
        (-163331, "-1,63,331", "negative"),
        (None, "", "none"),
    ],
)
def test_it_groups_the_indian_way(value, expected, _case):
    assert indian_group(value) == expected


def test_it_keeps_decimals():
    assert indian_group(1234567.891, decimals=2) == "12,34,567.89"
