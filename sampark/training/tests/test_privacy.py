"""A person's attempts and completions are in their download and go with their erasure."""

from __future__ import annotations

from sampark.accounts.models import User
from sampark.people import privacy
from sampark.people.privacy import Subject
from sampark.training import services
from sampark.training.models import Attempt, Completion, Module
from sampark.training.tests.fixtures import right_answers, wrong_answers


def test_export_and_erase(sita: User, content_module: Module, analyst: User) -> None:
    # given a failed and a passed attempt of a volunteer, and an analyst's pass
    for answers in (wrong_answers(content_module), right_answers(content_module)):
        services.quiz_submit(module_id=content_module.id, user=sita, answers=answers)
    services.quiz_submit(
        module_id=content_module.id, user=analyst, answers=right_answers(content_module)
    )
    subject = Subject(person_id=sita.person_id, phone="+919812345601")
    # when the volunteer's data is exported
    data = privacy.exporters()["training"](subject)
    # then both attempts and the completion are in it
    assert [a["passed"] for a in data["training_attempts"]] == [False, True]
    assert len(data["training_completions"]) == 1
    # and erasure removes theirs only
    assert privacy.erasers()["training"](subject) == 3
    assert not Attempt.objects.filter(person=sita.person).exists()
    assert Completion.objects.filter(user=analyst).count() == 1
