"""Staffing: Erlang C for the inbound queue, and a workload estimate for outbound lists.

No ORM here. Erlang C gives the chance a call waits, `P(W>0) = C(N, A)`, for N agents and A
erlangs of traffic (calls per hour × AHT / 3600); the service level is
`1 − C(N, A)·exp(−(N − A)·T/AHT)` for an answer within T seconds. C comes from Erlang B's
stable recursion `B(n) = A·B(n−1) / (n + A·B(n−1))`, `C = N·B / (N − A·(1 − B))`, so a
2,000-seat floor costs no factorials.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_TRAFFIC = 50_000.0  # erlangs: 25 times a 2,000-seat floor busy all hour


def erlang_c(agents: int, traffic: float) -> float:
    """The probability a call waits (Erlang C), for `agents` servers and `traffic` erlangs."""
    if agents <= traffic:
        return 1.0
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return agents * b / (agents - traffic * (1 - b))


def service_level(agents: int, traffic: float, *, aht: float, within: float) -> float:
    """The share of calls answered within `within` seconds."""
    if agents <= traffic:
        return 0.0
    return 1.0 - erlang_c(agents, traffic) * math.exp(-(agents - traffic) * within / aht)


@dataclass(frozen=True)
class Staffing:
    agents: int
    traffic_erlangs: float
    service_level: float
    occupancy: float
    wait_probability: float


def inbound(
    *, calls_per_hour: float, aht: float, target: float = 0.8, within: float = 20
) -> Staffing:
    """The fewest agents meeting `target` of calls answered within `within` seconds.

    One pass of the Erlang B recursion up the agent count, so the search costs O(agents).
    """
    if calls_per_hour <= 0 or aht <= 0 or not 0 < target < 1 or within < 0:
        raise ValueError("calls per hour and AHT must be positive, the target between 0 and 1")
    traffic = calls_per_hour * aht / 3600
    if traffic > MAX_TRAFFIC:
        raise ValueError("more than 50,000 erlangs of traffic: check the figures")
    b = 1.0
    agents = 0
    while True:
        agents += 1
        b = traffic * b / (agents + traffic * b)
        if agents <= traffic:
            continue
        wait = agents * b / (agents - traffic * (1 - b))
        level = 1.0 - wait * math.exp(-(agents - traffic) * within / aht)
        if level >= target:
            return Staffing(
                agents=agents,
                traffic_erlangs=traffic,
                service_level=level,
                occupancy=traffic / agents,
                wait_probability=wait,
            )


def outbound(
    *,
    list_size: int,
    contact_rate: float,
    aht: float,
    hours: float,
    attempts_per_contact: float = 1.5,
    seconds_per_failed_attempt: float = 30,
    occupancy: float = 0.85,
) -> int:
    """Agents needed to work a list in `hours`: talk time of the reached, plus the time spent
    on attempts that reach nobody, at the given occupancy."""
    if not 0 < contact_rate <= 1 or hours <= 0 or not 0 < occupancy <= 1 or list_size < 0:
        raise ValueError("contact rate and occupancy in (0, 1], hours positive")
    talk = list_size * contact_rate * aht
    failed = list_size * (attempts_per_contact - contact_rate) * seconds_per_failed_attempt
    return max(1, math.ceil((talk + max(failed, 0)) / (hours * 3600 * occupancy)))
