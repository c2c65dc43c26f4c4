"""Dialling modes: how many numbers to dial now (no ORM here).

- preview: the agent sees the contact first and dials it; one line per free agent, on demand.
- power: `lines` numbers per free agent, whatever the answer rate.
- predictive: dials ahead of free agents from the measured contact rate and the chance that
  busy agents free up before the dialled calls answer, holding the share of answered calls
  that find no agent (abandoned) under the cap (3% by default, the figure of Ofcom's rule
  for predictive diallers in the UK).

The predictive pacer chooses the most calls `n` for which the answers it expects,
`(ringing + n)·p`, plus `z` standard deviations, fit in the agents it expects free when they
answer: the free ones plus `busy·q`, q the chance a call ends within the ring time
(exponential handle times). `z` is driven by feedback: up when the measured abandon rate nears
the cap, down when it is far below, so occupancy is what the cap leaves.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Floor:
    """The floor at the moment of a decision."""

    free_agents: int
    busy_agents: int
    ringing: int  # calls dialled and not yet answered or failed


def preview(floor: Floor) -> int:
    return max(0, floor.free_agents - floor.ringing)


def power(floor: Floor, *, lines: int) -> int:
    return max(0, floor.free_agents * lines - floor.ringing)


@dataclass
class Predictive:
    cap: float = 0.03
    aht: float = 180.0  # seconds, updated by the caller as calls end
    ring: float = 20.0  # seconds a dialled call takes to answer or fail
    z: float = 1.0
    contact_rate: float = 0.25  # the prior; learnt from outcomes
    window: int = 2000  # answered calls the abandon rate is measured over
    _outcomes: deque[bool] = field(default_factory=deque)  # answered: abandoned?
    _dialled: int = 0
    _answered: int = 0

    def dial(self, floor: Floor) -> int:
        """How many more numbers to dial now."""
        p = self.contact_rate
        q = 1 - math.exp(-self.ring / self.aht)
        capacity = floor.free_agents + floor.busy_agents * q
        var_free = floor.busy_agents * q * (1 - q)
        n = 0
        while n < 10 * max(floor.free_agents + floor.busy_agents, 1):
            calls = floor.ringing + n + 1
            mean = calls * p
            sd = math.sqrt(calls * p * (1 - p) + var_free)
            if mean + self.z * sd > capacity:
                break
            n += 1
        return n

    def record(self, *, answered: bool, abandoned: bool = False) -> None:
        """Learn from one dialled call's outcome."""
        self._dialled += 1
        if answered:
            self._answered += 1
            self._outcomes.append(abandoned)
            if len(self._outcomes) > self.window:
                self._outcomes.popleft()
        if self._dialled >= 50:
            self.contact_rate = max(0.01, self._answered / self._dialled)
        self._steer()

    @property
    def abandon_rate(self) -> float:
        return sum(self._outcomes) / len(self._outcomes) if self._outcomes else 0.0

    def _steer(self) -> None:
        if len(self._outcomes) < 50:
            return
        rate = self.abandon_rate
        if rate > 0.7 * self.cap:
            self.z = min(4.0, self.z + 0.02)
        elif rate < 0.4 * self.cap:
            self.z = max(-1.0, self.z - 0.01)
