"""A discrete-event simulator of an outbound floor, to test the dialling modes' pacing.

Numbers answer with probability `contact_rate` after 5–20 s of ringing, else fail after 25 s;
an answered call that finds no free agent at once is abandoned (counted strictly);
talk times are exponential around `aht`, followed by `wrap` seconds of wrap-up. Occupancy is
agents' talk and wrap-up time over their logged-in time.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass

from sampark.calls.pacing import Floor, Predictive, power, preview


@dataclass(frozen=True)
class Result:
    dialled: int
    answered: int
    abandoned: int
    abandon_rate: float
    occupancy: float
    handled: int


def simulate(
    *,
    mode: str,
    agents: int = 50,
    contact_rate: float = 0.25,
    aht: float = 180.0,
    wrap: float = 15.0,
    hours: float = 8.0,
    lines: int = 2,
    cap: float = 0.03,
    seed: int = 1,
) -> Result:
    rng = random.Random(seed)  # noqa: S311 (a simulation, not a secret)
    end = hours * 3600
    free = agents
    ringing = 0
    busy_time = 0.0
    dialled = answered = abandoned = handled = 0
    events: list[tuple[float, int, str]] = []  # (time, seq, kind)
    seq = 0
    pacer = Predictive(cap=cap, aht=aht + wrap, contact_rate=contact_rate)

    def push(at: float, kind: str) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (at, seq, kind))

    now = 0.0
    push(0.0, "tick")
    while events:
        now, _seq, kind = heapq.heappop(events)
        if now > end:
            break
        if kind == "tick":
            floor = Floor(free_agents=free, busy_agents=agents - free, ringing=ringing)
            if mode == "preview":
                n = preview(floor)
            elif mode == "power":
                n = power(floor, lines=lines)
            else:
                n = pacer.dial(floor)
            for _ in range(n):
                dialled += 1
                ringing += 1
                if rng.random() < contact_rate:
                    push(now + rng.uniform(5, 20), "answer")
                else:
                    push(now + 25, "fail")
            push(now + 1.0, "tick")
        elif kind == "fail":
            ringing -= 1
            pacer.record(answered=False)
        elif kind == "answer":
            ringing -= 1
            answered += 1
            if free > 0:
                free -= 1
                handled += 1
                hold = rng.expovariate(1 / aht) + wrap
                busy_time += min(hold, end - now)
                push(now + hold, "free")
                pacer.record(answered=True, abandoned=False)
            else:
                abandoned += 1
                pacer.record(answered=True, abandoned=True)
        elif kind == "free":
            free += 1
    return Result(
        dialled=dialled,
        answered=answered,
        abandoned=abandoned,
        abandon_rate=abandoned / answered if answered else 0.0,
        occupancy=busy_time / (agents * end),
        handled=handled,
    )
