"""`sampark demo load [--scale small|full]`: the real UP tree with a synthetic organisation.

`sampark demo logins` prints the demo's users again. `sampark start` runs `demo load --if-empty`,
which loads a database without a tree and prints the logins otherwise (core sits below geo and
never imports this app).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sampark.core.numbers import indian_group
from sampark.devtools import demo
from sampark.geo import selectors as geo_selectors


class Command(BaseCommand):
    help = "Load the demo: the whole UP geography and a synthetic volunteer organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load UP and the demo organisation (idempotent)")
        load.add_argument("--scale", choices=["small", "full"], default="small")
        load.add_argument(
            "--if-empty",
            action="store_true",
            help="load only into a database without a tree; else print the logins",
        )
        sub.add_parser("logins", help="print the demo users and their password")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "logins":
            print_logins(self.stdout.write, demo.demo_users_summary())
            return
        if options["if_empty"]:
            if geo_selectors.tree_exists():
                print_logins(self.stdout.write, demo.demo_users_summary())
                return
            self.stdout.write("first start: loading Uttar Pradesh and the demo organisation ...")
        started = time.perf_counter()
        report = demo.load(scale=options["scale"])
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"demo ({report.scale}): {indian_group(report.booths)} booths, "
            f"{indian_group(report.persons)} people, {indian_group(report.assignments)} positions "
            f"in {elapsed:.1f} s"
        )
        print_logins(self.stdout.write, report.users)


def print_logins(write: Callable[[str], Any], users: list[tuple[str, str, str]]) -> None:
    write(f"\nLog in with any of these (password: {demo.DEMO_PASSWORD}):")
    for username, role, path in users:
        write(f"  {username:<16} {role:<20} {path}")
