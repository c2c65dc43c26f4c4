"""The demo's results loader: import, strength snapshot, the state head subscribed."""

from __future__ import annotations

from pathlib import Path

from sampark.accounts.models import User
from sampark.devtools.demo import results as results_demo
from sampark.devtools.synthetic import Tree
from sampark.results.models import BoothStrength, BriefSubscription, Election
from sampark.results.tests.fixtures import write_files


def test_demo_results_load_twice_gives_one_of_each(tree: Tree, tmp_path: Path) -> None:
    # given the tree, results files and the demo's state head
    write_files(tree, tmp_path)
    head = User.objects.create_user(username="state-head", password="pw", unit=tree.state)
    # when the loader runs twice
    results_demo.load(data_dir=tmp_path)
    results_demo.load(data_dir=tmp_path)
    # then two elections, a snapshot row per booth, and one page-only subscription
    assert Election.objects.count() == 2
    assert BoothStrength.objects.count() == len(tree.booths)
    subscription = BriefSubscription.objects.get(user=head)
    assert subscription.email is False
