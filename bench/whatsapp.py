"""How WhatsApp export parsing scales with the number of lines (issue #11 moved it here from a
timed unit test: a ratio of two timings still depends on what else the machine is doing).

`python -m bench.whatsapp` prints JSON: CPU seconds (best of runs) for 10k and 100k lines of
the Hindi and English Android fixtures, and their ratio (linear parsing gives about 10)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from pipeline import whatsapp

FIXTURES = Path(__file__).resolve().parent.parent / "pipeline" / "tests" / "fixtures" / "whatsapp"


def lines(count: int) -> str:
    block = (FIXTURES / "android_hindi.txt").read_text(encoding="utf-8").splitlines()
    block += (FIXTURES / "android_12h_en_in.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join((block * (count // len(block) + 1))[:count])


def cpu_seconds(text: str, runs: int) -> float:
    """The best of a few runs' CPU time (other jobs on the machine do not count)."""
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        whatsapp.parse_text(text)
        best = min(best, time.process_time() - started)
    return best


def run(small: int = 10_000, large: int = 100_000) -> dict[str, float | int]:
    small_s, large_s = cpu_seconds(lines(small), runs=5), cpu_seconds(lines(large), runs=3)
    return {
        "lines_small": small,
        "lines_large": large,
        "cpu_small_s": round(small_s, 4),
        "cpu_large_s": round(large_s, 4),
        "ratio": round(large_s / small_s, 2),
    }


if __name__ == "__main__":
    print(json.dumps(run()))
