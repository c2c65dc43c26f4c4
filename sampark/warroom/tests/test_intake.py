"""One way into the war room (issue #17): alerts, tips and new "auto" fact-check matches are taken
in by one worker step, once per signal; a story in two scripts is one incident."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from pipeline.types import RawPost
from sampark.devtools.demo import factcheck as demo_factcheck
from sampark.factcheck import services as factcheck_services
from sampark.factcheck.claimreview import ClaimReviewData
from sampark.factcheck.models import ClaimMatch
from sampark.monitoring import matching, tipreply
from sampark.monitoring import services as monitoring_services
from sampark.monitoring.enums import NarrativeStatus
from sampark.monitoring.models import Narrative, Post
from sampark.monitoring.tests.factories import process_all, public_source
from sampark.warroom import tasks
from sampark.warroom.enums import EventKind
from sampark.warroom.models import Incident, Intake
from sampark.warroom.services import incidents as incident_services

pytestmark = pytest.mark.django_db

EVM_EN = (
    "EVM machines can be hacked with a bluetooth device from outside the polling booth. "
    "An engineer showed it live, share this before it gets deleted."
)
EVM_HI = (
    "ईवीएम मशीन को बाहर से ब्लूटूथ डिवाइस से हैक किया जा सकता है, इंजीनियर ने लाइव दिखाया है, "
    "डिलीट होने से पहले सबको भेजें"
)


@pytest.fixture
def knowledge_base(tree) -> int:
    factcheck_services.match_index_reset()
    return demo_factcheck.load()


def ingest(text: str, *, ext: str) -> Narrative:
    services_source = public_source(name=f"X {ext}")
    monitoring_services.posts_ingest(
        source=services_source,
        posts=[RawPost(platform="x", external_id=ext, text=text, posted_at=timezone.now())],
    )
    process_all()
    post = Post.objects.get(source=services_source, external_id=ext)
    assert post.narrative_id is not None
    return Narrative.objects.get(id=post.narrative_id)


def test_a_new_auto_match_opens_one_incident_with_its_fact_check(knowledge_base):
    # given a narrative the matching stage found the same claim as a published fact-check
    narrative = ingest(EVM_EN, ext="1")
    matching.run_stage()
    assert ClaimMatch.objects.filter(narrative=narrative, band="auto").exists()
    # when the war-room step runs twice
    step = tasks.make_step("w")
    step()
    step()
    # then one incident is open for the narrative, triaged with the stored matches
    incident = Incident.objects.get(narrative=narrative)
    assert incident.match_band == "auto"
    assert incident.match_verdict == "false"
    assert incident.matches[0]["band"] == "auto"
    # and every auto match of the narrative was taken in once, onto that incident
    autos = ClaimMatch.objects.filter(narrative=narrative, band="auto").count()
    assert Intake.objects.filter(kind="match", incident=incident).count() == autos


def test_a_muted_narrative_match_is_taken_but_opens_nothing(knowledge_base):
    # given an auto match on a narrative the state muted
    narrative = ingest(EVM_EN, ext="1")
    matching.run_stage()
    Narrative.objects.filter(id=narrative.id).update(status=NarrativeStatus.MUTED)
    # when the intake runs
    tasks.open_from_matches()
    # then no incident, and the signal is not looked at again
    assert not Incident.objects.exists()
    assert Intake.objects.filter(kind="match", incident=None).exists()
    assert tasks.open_from_matches() == 0


def test_a_worker_killed_while_taking_a_match_loses_nothing(knowledge_base, monkeypatch):
    # given an auto match, and a worker that dies while opening its incident
    narrative = ingest(EVM_EN, ext="1")
    matching.run_stage()

    def die(**kw: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(incident_services, "incident_open_from_narrative", die)
        with pytest.raises(KeyboardInterrupt):
            tasks.open_from_matches()
    assert not Intake.objects.exists()
    # when the next worker runs
    tasks.open_from_matches()
    tasks.open_from_matches()
    # then the narrative has its incident, once
    assert Incident.objects.filter(narrative=narrative).count() == 1


def test_a_match_published_later_reaches_the_open_incident(knowledge_base):
    # given an incident open on a narrative no fact-check answers yet
    rumour = (
        "Engineers say the voting machines of the district can be switched by radio signals "
        "from outside the polling station, share widely"
    )
    narrative = ingest(rumour, ext="1")
    matching.run_stage()
    incident, _ = incident_services.incident_open_from_narrative(narrative_id=narrative.id)
    assert incident.match_band != "auto"
    # when a fact-check of that claim is imported, ten minutes later
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        factcheck_services.factcheck_upsert(
            data=ClaimReviewData(
                url="https://www.factly.in/voting-machines-radio-signals",
                claim_reviewed="Voting machines can be switched by radio signals from outside "
                "the polling station",
                rating="False",
                verdict="false",
                publisher="FACTLY",
            ),
            source="test",
        )
        # then the matching stage matches the narrative back, and the war room's step puts
        # the new match on the open incident (re-triaged), opening no second one
        assert matching.run_stage() == 1
        assert tasks.intake() >= 1
    incident.refresh_from_db()
    assert incident.match_band == "auto"
    assert incident.match_verdict == "false"
    assert Incident.objects.filter(narrative=narrative).count() == 1


def test_the_hindi_tip_joins_the_english_story_incident(knowledge_base, bob):
    # given the English EVM narrative, matched, with its incident open
    english = ingest(EVM_EN, ext="1")
    matching.run_stage()
    tasks.intake()
    incident = Incident.objects.get(narrative=english)
    # and the same claim in Hindi as its own narrative, matched and linked as one story
    hindi = ingest(EVM_HI, ext="2")
    matching.run_stage()
    hindi.refresh_from_db()
    assert hindi.story_id == english.id
    # when a Hindi tip about it reaches the war room, processed by the pipeline
    tip = monitoring_services.tip_submit(text=EVM_HI + " क्या यह सच है", user=bob)
    assert tip is not None
    process_all()
    Post.objects.filter(id=tip.id).update(metrics={tipreply.KEY: {"state": tipreply.State.QUEUED}})
    tasks.intake()
    # then the tip joined the story's open incident: no second incident
    assert Incident.objects.filter(narrative__in=[english, hindi]).count() == 1
    linked = incident.events.filter(kind=EventKind.LINKED, data__post_id=tip.id)
    assert linked.count() == 1
    assert Intake.objects.get(kind="tip", ref_id=tip.id).incident_id == incident.id
