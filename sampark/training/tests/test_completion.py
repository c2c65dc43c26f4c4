"""Completion rolled up by unit, and the pages' scope (404 outside, 403 without the role)."""

from __future__ import annotations

from django.test import Client

from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.training import selectors, services
from sampark.training.models import Module
from sampark.training.tests.fixtures import right_answers, volunteer_on


def test_completion_rolls_up_from_booth_to_state(
    tree: Tree, district1: Unit, sita: User, content_module: Module
) -> None:
    # given two volunteers on District 1's booths, one of whom passed
    other_booth = tree.booths[1] if tree.booths[1].district_id == district1.id else tree.booths[0]
    volunteer_on(other_booth, "Ram", "+919812345602")
    services.quiz_submit(
        module_id=content_module.id, user=sita, answers=right_answers(content_module)
    )
    # when the state's completion is read
    state = selectors.completion_by_unit(unit=tree.state)
    # then the district module counts District 1's two holders, one passed
    tally = state.modules[content_module.id]
    assert (tally.holders, tally.completed, tally.pct) == (2, 1, 50.0)
    by_id = {c.id: c for c in state.children}
    assert by_id[district1.id].modules[content_module.id].holders == 2
    assert by_id[tree.districts[1].id].modules[content_module.id].holders == 0
    # and at the booth level each booth is its own row
    booth = selectors.completion_by_unit(unit=sita.unit)  # type: ignore[arg-type]
    assert booth.modules[content_module.id].completed == 1


def test_a_module_counts_only_its_roles(tree: Tree, sita: User, factcheck_module: Module) -> None:
    # the fact-check module is required of analysts, who hold no positions
    state = selectors.completion_by_unit(unit=tree.state)
    assert state.modules[factcheck_module.id].holders == 0


def test_completion_by_level_one_query_per_module(
    tree: Tree, sita: User, content_module: Module, django_assert_max_num_queries: object
) -> None:
    modules = selectors.required_modules(unit=tree.state)
    with django_assert_max_num_queries(2 + 3 * len(modules)):  # type: ignore[operator]
        selectors.completion_by_unit(unit=tree.state, modules=modules)


def test_completion_page_drills_down(
    client: Client, alice: User, district1: Unit, sita: User, content_module: Module
) -> None:
    client.force_login(alice)
    response = client.get("/training/completion/")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"/training/completion/units/{district1.id}/" in page.content.decode()
    assert client.get(f"/training/completion/units/{district1.id}/").status_code == 200


def test_outsiders_get_404(
    client: Client, bob: User, district2: Unit, charlie: User, content_module: Module
) -> None:
    # bob (District 1) asks for District 2's completion
    client.force_login(bob)
    assert client.get(f"/training/completion/units/{district2.id}/").status_code == 404
    # charlie (a District 2 volunteer) asks for District 1's module, on the web and the app
    client.force_login(charlie)
    for url in (
        f"/training/{content_module.id}/",
        f"/training/{content_module.id}/quiz/",
        f"/training/{content_module.id}/edit/",
        f"/app/training/{content_module.id}/",
        f"/app/training/{content_module.id}/quiz/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/app/training/{content_module.id}/quiz/").status_code == 404


def test_a_volunteer_may_not_edit(client: Client, sita: User, content_module: Module) -> None:
    client.force_login(sita)
    assert client.get(f"/training/{content_module.id}/").status_code == 200
    assert client.get(f"/training/{content_module.id}/edit/").status_code == 403
    assert client.get("/training/completion/").status_code == 403


def test_volunteer_takes_the_quiz_in_the_app(
    client: Client, sita: User, content_module: Module
) -> None:
    client.force_login(sita)
    assert content_module.title_en in client.get("/app/training/").content.decode()
    client.cookies["django_language"] = "hi"
    assert content_module.title_hi in client.get("/app/training/").content.decode()
    answers = right_answers(content_module)
    data = {f"q{qid}": [str(c) for c in cids] for qid, cids in answers.items()}
    response = client.post(f"/app/training/{content_module.id}/quiz/", data)
    assert response.status_code == 200
    assert 'data-testid="passed"' in response.content.decode()
    assert selectors.completion_of(user=sita, module_id=content_module.id) is not None


def test_garbage_answers_are_an_unanswered_quiz(
    client: Client, sita: User, content_module: Module
) -> None:
    client.force_login(sita)
    response = client.post(
        f"/app/training/{content_module.id}/quiz/", {"qx": "1", "q99999999999999": "a", "q1": "-3"}
    )
    assert response.status_code == 200
    assert 'data-testid="failed"' in response.content.decode()


def test_manager_writes_a_module_through_the_pages(client: Client, bob: User) -> None:
    client.force_login(bob)
    response = client.post(
        "/training/new/",
        {
            "title_hi": "सोशल मीडिया",
            "title_en": "Social media use",
            "body_hi": "परिचय",
            "body_en": "Intro",
            "pass_mark": "60",
            "roles": ["volunteer"],
        },
    )
    assert response.status_code == 302
    module = Module.objects.get()
    edit = f"/training/{module.id}/"
    r = client.post(
        edit + "lessons/",
        {"title_hi": "पाठ", "title_en": "Lesson", "video_url": "http://insecure.example/v"},
    )
    assert r.status_code == 400  # http is refused, with the form shown again
    r = client.post(edit + "lessons/", {"title_hi": "पाठ", "title_en": "Lesson"})
    assert r.status_code == 302
    r = client.post(
        edit + "questions/",
        {
            "text_hi": "प्रश्न",
            "text_en": "Question",
            "c1_hi": "हाँ",
            "c1_en": "Yes",
            "c1_ok": "on",
            "c2_hi": "नहीं",
            "c2_en": "No",
        },
    )
    assert r.status_code == 302
    client.post(edit + "publish/", {"action": "publish"})
    module.refresh_from_db()
    assert module.status == "published"
    assert client.get(edit + "edit/").status_code == 200


def test_completed_by_booth_counts_holders_who_passed_all(
    tree: Tree, alice: User, sita: User, content_module: Module, factcheck_module: Module
) -> None:
    from sampark.training.tests.fixtures import build_module

    # given a state-wide volunteer module too, and sita passing only the district one
    state_module = build_module(alice, tree.state, title="Social media", roles=["volunteer"])
    services.quiz_submit(
        module_id=content_module.id, user=sita, answers=right_answers(content_module)
    )
    assert selectors.completed_by_booth(unit=tree.state) == {}
    # when she passes the state module as well
    services.quiz_submit(module_id=state_module.id, user=sita, answers=right_answers(state_module))
    # then her booth counts one trained volunteer
    assert selectors.completed_by_booth(unit=tree.state) == {sita.unit_id: 1}
