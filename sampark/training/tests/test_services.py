"""Modules, quizzes, completions and prerequisites (issue #14)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.training import selectors, services
from sampark.training.errors import TrainingError
from sampark.training.models import Attempt, Completion, Module
from sampark.training.tests.fixtures import right_answers, wrong_answers

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_it_needs_both_languages(alice: User, tree: Tree) -> None:
    # when a module is written in English only
    with pytest.raises(TrainingError):
        services.module_create(
            actor=alice, unit=tree.state, title_hi="", title_en="X", body_hi="क", body_en="b"
        )
    # then nothing is saved
    assert not Module.objects.exists()


def test_a_volunteer_may_not_write_modules(charlie: User, district2: Unit) -> None:
    with pytest.raises(PermissionDenied):
        services.module_create(
            actor=charlie, unit=district2, title_hi="क", title_en="a", body_hi="ख", body_en="b"
        )


def test_a_district_incharge_may_not_write_state_modules(bob: User, tree: Tree) -> None:
    with pytest.raises(PermissionDenied):
        services.module_create(
            actor=bob, unit=tree.state, title_hi="क", title_en="a", body_hi="ख", body_en="b"
        )


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://youtu.be/abc", True),
        ("http://youtu.be/abc", False),
        ("javascript:alert(1)", False),
        ("https://user:pw@example.com/v", False),
        ("ftp://example.com/v", False),
    ],
    ids=["https_case", "http_case", "javascript_case", "credentials_case", "ftp_case"],
)
def test_video_links_are_https_only(url: str, ok: bool) -> None:
    if ok:
        assert services.check_video_url(url) == url
    else:
        with pytest.raises(TrainingError):
            services.check_video_url(url)


def test_lesson_image_is_typed_by_its_bytes(alice: User, factcheck_module: Module) -> None:
    # given a PNG named .txt, and a text file named .png
    png = SimpleUploadedFile("notes.txt", PNG, content_type="text/plain")
    fake = SimpleUploadedFile("photo.png", b"<html>hello</html>", content_type="image/png")
    # when both are added as lesson images
    lesson = services.lesson_add(
        module_id=factcheck_module.id, actor=alice, title_hi="चित्र", title_en="Picture", image=png
    )
    with pytest.raises(TrainingError):
        services.lesson_add(
            module_id=factcheck_module.id,
            actor=alice,
            title_hi="चित्र",
            title_en="Picture",
            image=fake,
        )
    # then the real PNG is kept as image/png and the fake is refused
    assert lesson.image_mime == "image/png"
    assert len(lesson.image_sha256) == 64


def test_a_too_large_image_is_refused_before_reading(alice: User, factcheck_module: Module) -> None:
    big = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    big.size = services.MAX_IMAGE_BYTES + 1
    with pytest.raises(TrainingError) as exc:
        services.lesson_add(
            module_id=factcheck_module.id, actor=alice, title_hi="क", title_en="a", image=big
        )
    assert exc.value.code == "size"


def test_changing_a_published_module_bumps_its_version(
    alice: User, factcheck_module: Module
) -> None:
    before = factcheck_module.version
    services.module_update(
        module_id=factcheck_module.id,
        actor=alice,
        title_hi="नया",
        title_en="New",
        body_hi="क",
        body_en="b",
        pass_mark=80,
        roles=[Role.ANALYST, Role.VOLUNTEER],
    )
    factcheck_module.refresh_from_db()
    assert factcheck_module.version == before + 1
    assert {r.role for r in factcheck_module.requirements.all()} == {"analyst", "volunteer"}


def test_single_choice_needs_exactly_one_right_answer(
    alice: User, factcheck_module: Module
) -> None:
    with pytest.raises(TrainingError):
        services.question_add(
            module_id=factcheck_module.id,
            actor=alice,
            text_hi="क",
            text_en="a",
            multi=False,
            choices=[services.ChoiceIn("क", "a", True), services.ChoiceIn("ख", "b", True)],
        )


def test_a_wrong_quiz_fails_and_records_the_attempt(sita: User, content_module: Module) -> None:
    attempt = services.quiz_submit(
        module_id=content_module.id, user=sita, answers=wrong_answers(content_module)
    )
    assert (attempt.score, attempt.passed) == (0, False)
    assert attempt.person_id == sita.person_id
    assert not Completion.objects.exists()


def test_a_partly_right_multi_choice_answer_is_wrong(sita: User, content_module: Module) -> None:
    # given the multi-choice question answered with only one of its two right choices
    answers = right_answers(content_module)
    multi = next(q for q in content_module.questions.all() if q.multi)
    answers[multi.id] = set(list(answers[multi.id])[:1])
    # when submitted (pass mark 100%)
    attempt = services.quiz_submit(module_id=content_module.id, user=sita, answers=answers)
    # then half the questions are right and the quiz is not passed
    assert (attempt.score, attempt.passed) == (50, False)


def test_passing_gives_one_completion(sita: User, content_module: Module) -> None:
    # when the volunteer passes twice
    for _ in range(2):
        services.quiz_submit(
            module_id=content_module.id, user=sita, answers=right_answers(content_module)
        )
    # then two attempts and one completion with a verification code, in their name
    assert Attempt.objects.filter(person=sita.person, passed=True).count() == 2
    completion = Completion.objects.get()
    assert completion.person_id == sita.person_id
    assert completion.name == "सीता देवी"
    assert len(completion.code) == services.CODE_LENGTH
    assert selectors.completion_by_code(code=completion.code[:5] + "-" + completion.code[5:])


def test_choices_of_another_question_do_not_count(sita: User, content_module: Module) -> None:
    q1, q2 = list(content_module.questions.prefetch_related("choices"))
    # all of q2's choices posted under q1
    answers = {q1.id: {c.id for c in q2.choices.all()}}
    attempt = services.quiz_submit(module_id=content_module.id, user=sita, answers=answers)
    assert attempt.score == 0
    assert attempt.answers == {str(q1.id): []}


def test_a_draft_cannot_be_taken(
    alice: User, sita: User, content_module: Module, bob: User
) -> None:
    services.module_withdraw(module_id=content_module.id, actor=bob)
    with pytest.raises(TrainingError):
        services.quiz_submit(
            module_id=content_module.id, user=sita, answers=right_answers(content_module)
        )


def test_staff_without_a_person_complete_as_users(analyst: User, factcheck_module: Module) -> None:
    services.quiz_submit(
        module_id=factcheck_module.id, user=analyst, answers=right_answers(factcheck_module)
    )
    completion = Completion.objects.get()
    assert (completion.person_id, completion.user_id) == (None, analyst.id)


# --- prerequisites ----------------------------------------------------------------------------


def test_missing_prerequisites_until_passed(analyst: User, factcheck_module: Module) -> None:
    assert selectors.missing_prerequisites(user=analyst, role=Role.ANALYST) == [factcheck_module]
    services.quiz_submit(
        module_id=factcheck_module.id, user=analyst, answers=right_answers(factcheck_module)
    )
    assert selectors.missing_prerequisites(user=analyst, role=Role.ANALYST) == []


def test_a_district_module_binds_only_its_district(
    content_module: Module, sita: User, charlie: User
) -> None:
    # District 1's module is required of its volunteers, not of District 2's
    assert selectors.missing_prerequisites(user=sita, role=Role.VOLUNTEER) == [content_module]
    assert selectors.missing_prerequisites(user=charlie, role=Role.VOLUNTEER) == []


def test_a_draft_module_is_required_of_nobody(
    alice: User, analyst: User, factcheck_module: Module
) -> None:
    services.module_withdraw(module_id=factcheck_module.id, actor=alice)
    assert selectors.missing_prerequisites(user=analyst, role=Role.ANALYST) == []


# --- scope ------------------------------------------------------------------------------------


def test_modules_visible_by_scope(
    alice: User,
    bob: User,
    charlie: User,
    sita: User,
    content_module: Module,
    factcheck_module: Module,
) -> None:
    assert set(selectors.modules_visible(user=sita)) == {content_module, factcheck_module}
    # District 2's volunteer sees the state module only
    assert set(selectors.modules_visible(user=charlie)) == {factcheck_module}
    # the state head manages both; bob manages District 1's only
    assert set(selectors.managed_modules(user=alice)) == {content_module, factcheck_module}
    assert set(selectors.managed_modules(user=bob)) == {content_module}


def test_a_draft_is_seen_only_by_its_managers(
    bob: User, sita: User, tree: Tree, district1: Unit
) -> None:
    draft = services.module_create(
        actor=bob, unit=district1, title_hi="क", title_en="a", body_hi="ख", body_en="b"
    )
    assert draft in selectors.modules_visible(user=bob)
    assert draft not in selectors.modules_visible(user=sita)
    ac_incharge = make_user("ac", tree.acs[0], Role.AC_INCHARGE)
    # an AC in-charge below the district: a draft above them does not exist
    assert draft not in selectors.modules_visible(user=ac_incharge)


def test_a_published_module_keeps_its_last_lesson(alice: User, factcheck_module: Module) -> None:
    (lesson,) = factcheck_module.lessons.all()
    with pytest.raises(TrainingError):
        services.lesson_remove(module_id=factcheck_module.id, lesson_id=lesson.id, actor=alice)
    # a question of two may go, the last may not
    first, second = factcheck_module.questions.all()
    services.question_remove(module_id=factcheck_module.id, question_id=first.id, actor=alice)
    with pytest.raises(TrainingError):
        services.question_remove(module_id=factcheck_module.id, question_id=second.id, actor=alice)
