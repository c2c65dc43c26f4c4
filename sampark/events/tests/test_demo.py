import random

from conftest import make_user
from sampark.devtools.demo import events as events_demo
from sampark.events.models import Event, Season


def test_the_demo_plans_a_season_and_opens_two_workshops(numbered):
    # given the demo's state head
    make_user("state-head", numbered.state, "state_head")
    # when the events demo loads (twice: it is idempotent)
    events_demo.load(rng=random.Random(1))
    events_demo.load(rng=random.Random(1))
    # then one season with a workshop per district, two of them open
    assert Season.objects.count() == 1
    assert Event.objects.count() == len(numbered.districts)
    assert Event.objects.filter(status="open").count() == 2
