"""What a module's pages show and do, shared by the staff web and the volunteer phone app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from sampark.core.http import request_user as _user
from sampark.training import forms, selectors, services
from sampark.training.errors import TrainingError
from sampark.training.pdf import certificate_pdf

if TYPE_CHECKING:
    from sampark.training.models import Completion, Module


def module_context(request: HttpRequest, module: Module) -> dict[str, object]:
    """What a module's page shows, on the web and in the phone app."""
    user = _user(request)
    lessons = selectors.lessons(module=module)
    return {
        "module": module,
        "lessons": lessons,
        "kits": selectors.kits_of(lessons=lessons),
        "completion": selectors.completion_of(user=user, module_id=module.id),
        "attempts": selectors.attempts_of(user=user, module_id=module.id),
        "can_manage": selectors.can_manage(user=user, module=module),
    }


def take_quiz(
    request: HttpRequest, module: Module, *, quiz_url: str, certificate_url: str
) -> tuple[int, dict[str, object]]:
    """GET: the questions; POST: score the answers. Returns (status, context)."""
    user = _user(request)
    context: dict[str, object] = {
        "module": module,
        "questions": selectors.questions(module=module),
        "quiz_url": quiz_url,
        "certificate_url": certificate_url,
        "completion": selectors.completion_of(user=user, module_id=module.id),
    }
    if request.method == "POST":
        try:
            attempt = services.quiz_submit(
                module_id=module.id, user=user, answers=forms.parse_answers(request.POST)
            )
        except TrainingError as exc:
            context["error"] = " ".join(exc.messages)
            return 409, context
        context["attempt"] = attempt
        context["completion"] = selectors.completion_of(user=user, module_id=module.id)
    return 200, context


def certificate_response(completion: Completion | None, request: HttpRequest) -> HttpResponse:
    if completion is None:
        raise PermissionDenied(_("Pass the module's quiz first."))
    pdf = certificate_pdf(completion, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{completion.module_id}-{completion.code}.pdf"'
    )
    return response
