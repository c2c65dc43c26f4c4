"""Fixtures of the war-room tests: analysts, a fact-check, an incident in District 1."""

from __future__ import annotations

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.factcheck import services as factcheck_services
from sampark.factcheck.enums import Verdict
from sampark.factcheck.models import FactCheck
from sampark.geo.models import Unit
from sampark.warroom.enums import Language
from sampark.warroom.models import Incident, Response, ResponseTemplate
from sampark.warroom.services import incidents as incident_services
from sampark.warroom.services import responses as response_services
from sampark.warroom.services import templates as template_services

CLAIM = "EVM machines can be hacked with a bluetooth device from outside the polling booth"
TEMPLATE_HI = (
    "दावा: {claim}\nयह दावा {verdict} है। {publisher} ने इसकी जाँच की है: {factcheck_url}\n"
    "{unknown} जैसे दूसरे कोष्ठक वैसे ही रहते हैं।"
)
TEMPLATE_EN = "Claim: {claim}. It is {verdict}; see {publisher}: {factcheck_url}"


@pytest.fixture(autouse=True)
def _fresh_match_index() -> None:
    """The fact-check index is cached per process; each test has its own table."""
    factcheck_services.match_index_reset()


@pytest.fixture
def analyst(tree: Tree) -> User:
    return make_user("dana", tree.state, Role.ANALYST)


@pytest.fixture
def analyst2(tree: Tree) -> User:
    return make_user("erin", tree.state, Role.ANALYST)


@pytest.fixture
def outsider_analyst(district2: Unit) -> User:
    """An analyst of District 2's war room: sees nothing of District 1's."""
    return make_user("frank", district2, Role.ANALYST)


@pytest.fixture
def fact_check(db: None) -> FactCheck:
    return FactCheck.objects.create(
        url="https://www.boomlive.in/fact-check/evm-bluetooth-hack",
        claim_reviewed=CLAIM,
        rating="False",
        verdict=Verdict.FALSE,
        publisher="BOOM",
        language="en",
        title="No, EVMs cannot be hacked with bluetooth",
    )


@pytest.fixture
def incident(bob: User, district1: Unit, fact_check: FactCheck) -> Incident:
    return incident_services.incident_open_manual(
        actor=bob, unit=district1, title=CLAIM, claim=CLAIM
    )


@pytest.fixture
def template_hi(alice: User) -> ResponseTemplate:
    return template_services.template_save(
        actor=alice, name="खंडन", language=Language.HINDI, body=TEMPLATE_HI, unit=None
    )


@pytest.fixture
def template_en(alice: User) -> ResponseTemplate:
    return template_services.template_save(
        actor=alice, name="Rebuttal", language=Language.ENGLISH, body=TEMPLATE_EN, unit=None
    )


@pytest.fixture
def submitted(
    bob: User,
    incident: Incident,
    fact_check: FactCheck,
    template_hi: ResponseTemplate,
    template_en: ResponseTemplate,
) -> Response:
    """A response by bob (District 1's in-charge), waiting for approval."""
    response = response_services.response_draft(
        incident_id=incident.id,
        author=bob,
        fact_check_id=fact_check.id,
        template_hi_id=template_hi.id,
        template_en_id=template_en.id,
    )
    return response_services.response_submit(response_id=response.id, actor=bob)
