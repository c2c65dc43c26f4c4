"""The demo: the whole real UP geography with a synthetic organisation, listening data,
fact-checks, booth groups, content and a war room on it (`sampark demo load`).

One module per app: `organisation` (people, positions, users), `monitoring`, `factcheck`,
`groups`, `content`, `warroom`, `notify`, `calls`, `results`, `recruit`, `privacy`. Each loader is
idempotent and seeded.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path

from django.conf import settings

from sampark.devtools.demo.organisation import (
    DEMO_PASSWORD,
    SEED,
    DemoReport,
    NameSource,
    PhoneSource,
    Scale,
    create_targets,
    create_users,
    demo_users_summary,
    load_organisation,
)
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people.models import Assignment, Person

logger = logging.getLogger(__name__)

__all__ = ["DEMO_PASSWORD", "DemoReport", "demo_users_summary", "load"]


def load(
    *, scale: str = "small", data_dir: Path | None = None, stdout: object = None
) -> DemoReport:
    """Load UP geography (idempotent) and, if not there yet, the synthetic organisation."""
    from sampark.geo.importer import import_state

    plan = Scale.named(scale)
    data = data_dir or (Path(settings.DATA_DIR) / "geo-up")
    geo = import_state(state="UP", data_dir=data, name="Uttar Pradesh")
    for problem in [*geo.errors, *geo.warnings]:
        logger.warning("geo import: %s", problem)
    if not geo.imported:
        raise RuntimeError(f"could not import the UP geography from {data}; see the errors above")
    report = DemoReport(scale=plan.name)
    report.booths = Unit.objects.filter(level=Level.BOOTH).count()
    if Person.objects.filter(source="demo").exists():
        logger.info("demo organisation already loaded; leaving it as it is")
        report.persons = Person.objects.filter(source="demo").count()
        report.assignments = Assignment.objects.filter(person__source="demo").count()
        report.users = demo_users_summary()
        return report
    rng = random.Random(SEED)  # noqa: S311  (seeded demo data, not security)
    phones, names = PhoneSource(rng), NameSource(rng)
    load_organisation(plan=plan, rng=rng, phones=phones, names=names, report=report)
    report.users = create_users(rng=rng, phones=phones, names=names)
    create_targets()
    from sampark.devtools.demo import calls as calls_demo
    from sampark.devtools.demo import content as content_demo
    from sampark.devtools.demo import events as events_demo
    from sampark.devtools.demo import factcheck as factcheck_demo
    from sampark.devtools.demo import groups as groups_demo
    from sampark.devtools.demo import invitations as invitations_demo
    from sampark.devtools.demo import monitoring as listening_demo
    from sampark.devtools.demo import notify as notify_demo
    from sampark.devtools.demo import privacy as privacy_demo
    from sampark.devtools.demo import recruit as recruit_demo
    from sampark.devtools.demo import signin as signin_demo
    from sampark.devtools.demo import warroom as warroom_demo
    from sampark.monitoring import processing

    listening_demo.load(rng=rng)
    # The demo's rumours go through the real pipeline now, so the war room opens on incidents.
    processor = processing.Processor()
    while processor.run_batch(owner="demo"):
        pass
    factcheck_demo.load()
    # Then the matching stage, as the worker would run it: narratives get their fact-checks
    # (and stories) before the war room opens incidents on them (issue #17).
    from sampark.monitoring import matching

    while matching.run_stage(limit=200):
        pass
    groups_demo.load(rng=rng)
    # The listening demo's group channels join the one registry of groups (issue #17).
    from sampark.groups import services as groups_services

    groups_services.export_sources_adopt()
    content_demo.load(rng=rng)
    warroom_demo.load(rng=rng)
    notify_demo.load()
    calls_demo.load(rng=rng)
    from sampark.devtools.demo import results as results_demo

    results_demo.load(data_dir=data)
    privacy_demo.load(rng=rng)
    recruit_demo.load()
    phone = signin_demo.load()
    invitations_demo.load()
    if phone:
        logger.info("sign in by phone at /login/phone/ as %s (the code is in the log)", phone)
    events_demo.load(rng=rng)
    from sampark.devtools.demo import training as training_demo

    training_demo.load(rng=rng)
    return report
