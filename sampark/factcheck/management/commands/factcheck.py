"""`sampark factcheck …`: fact-check tools from the shell. Only `evaluate` so far.

`evaluate` scores claim matching on files in the CheckThat! 2020 Task 2 layout and needs no
database: it builds the index in memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pipeline.claims import Thresholds
from sampark.factcheck import cli
from sampark.factcheck.evaluation import SBERT, evaluate_files


class Command(BaseCommand):
    help = "Fact-check tools: import fact-checks, match a text, evaluate claim matching."
    requires_system_checks: list[str] = []  # evaluate must run without a configured database

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        evaluate = sub.add_parser(
            "evaluate", help="MAP@1/3/5 and success@1/5 on CheckThat!-format files"
        )
        evaluate.add_argument("--vclaims", type=Path, required=True)
        evaluate.add_argument("--queries", type=Path, required=True)
        evaluate.add_argument("--qrels", type=Path, required=True)
        evaluate.add_argument("--backend", choices=["lexical", "hybrid"], default="lexical")
        evaluate.add_argument(
            "--negatives",
            type=Path,
            help="messages that repeat no claim (id, text TSV): how many reach a band",
        )
        evaluate.add_argument("--json", action="store_true")
        cli.add_import_parser(sub)
        cli.add_match_parser(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "evaluate":
            self.evaluate(**options)
        elif options["what"] == "import":
            cli.run_import(options, self.stdout)
        elif options["what"] == "match":
            cli.run_match(options, self.stdout)

    def evaluate(self, **options: Any) -> None:
        for key in ("vclaims", "queries", "qrels", "negatives"):
            if options.get(key) is not None and not Path(options[key]).is_file():
                raise CommandError(f"--{key}: no such file {options[key]}")
        # Hybrid uses the configured embedder unless it is the model-free stub.
        conf = getattr(settings, "SAMPARK_EMBEDDER", None)
        if not conf or str(conf.get("BACKEND", "")).endswith(".hashing"):
            conf = SBERT
        try:
            result = evaluate_files(
                vclaims=options["vclaims"],
                queries=options["queries"],
                qrels=options["qrels"],
                backend=options["backend"],
                embedder=conf,
                negatives=options.get("negatives"),
                thresholds=_thresholds(options["backend"]),
            )
        except ImportError as exc:
            raise CommandError(f"the hybrid backend needs sampark[ml]: {exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key:<10} {value}")


def _thresholds(backend: str) -> Thresholds:
    """The configured bands of a backend (settings.SAMPARK_CLAIM_MATCH, as matching uses them)."""
    from sampark.factcheck.services import DEFAULT_THRESHOLDS

    conf = {**DEFAULT_THRESHOLDS, **getattr(settings, "SAMPARK_CLAIM_MATCH", {})}
    prefix = "HYBRID_" if backend == "hybrid" else ""
    return Thresholds(suggest=float(conf[prefix + "SUGGEST"]), auto=float(conf[prefix + "AUTO"]))
