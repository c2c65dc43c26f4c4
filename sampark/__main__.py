"""The `sampark` console command: every shell action a user takes (`sampark geo import ...`).

It is Django's command line with the settings chosen, so `sampark X` == `manage.py X`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampark.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sampark", *(argv if argv is not None else sys.argv[1:])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
