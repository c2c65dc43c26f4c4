"""`sampark calls ...`: the call centre's shell actions.

sampark calls staffing --calls-per-hour N --aht SECONDS --service-level 0.8 --answer-within 20 [--json]
sampark calls outbound-staffing --list-size N --contact-rate 0.25 --aht 180 --hours 8 [--json]
sampark calls ari-events   (read Asterisk ARI's events websocket until SIGTERM; run one)
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sampark.calls import staffing


class Command(BaseCommand):
    help = "Call-centre actions: staffing (Erlang C for inbound; workload for outbound lists)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        inbound = sub.add_parser("staffing", help="agents for an inbound queue (Erlang C)")
        inbound.add_argument("--calls-per-hour", type=float, required=True)
        inbound.add_argument("--aht", type=float, required=True, help="average handle time, s")
        inbound.add_argument("--service-level", type=float, default=0.8)
        inbound.add_argument("--answer-within", type=float, default=20, help="seconds")
        inbound.add_argument("--json", action="store_true")
        out = sub.add_parser("outbound-staffing", help="agents to work a list in a time")
        out.add_argument("--list-size", type=int, required=True)
        out.add_argument("--contact-rate", type=float, default=0.25)
        out.add_argument("--aht", type=float, default=180)
        out.add_argument("--hours", type=float, default=8)
        out.add_argument("--json", action="store_true")
        sub.add_parser("ari-events", help="read Asterisk ARI's events websocket (one per app)")

    def _ari_events(self) -> None:
        from sampark.calls import ari

        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_a: stop.set())
        try:
            reader = ari.reader(stop=stop)
        except Exception as exc:  # misconfigured adapter (no URL, user or password)
            raise CommandError(str(exc)) from exc
        reader.run()
        self.stdout.write(f"ARI events: stopped after {reader.connections} connection(s)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "ari-events":
            self._ari_events()
            return
        try:
            if options["action"] == "staffing":
                result = staffing.inbound(
                    calls_per_hour=options["calls_per_hour"],
                    aht=options["aht"],
                    target=options["service_level"],
                    within=options["answer_within"],
                )
                figures: dict[str, Any] = {
                    "agents": result.agents,
                    "traffic_erlangs": round(result.traffic_erlangs, 4),
                    "service_level": round(result.service_level, 4),
                    "occupancy": round(result.occupancy, 4),
                    "wait_probability": round(result.wait_probability, 4),
                }
            else:
                figures = {
                    "agents": staffing.outbound(
                        list_size=options["list_size"],
                        contact_rate=options["contact_rate"],
                        aht=options["aht"],
                        hours=options["hours"],
                    )
                }
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key}: {value}")
