"""My training: the modules that apply to the volunteer, a module's lessons, the quiz and the
certificate. The rules are the training app's; this is its phone screen (like My events)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sampark.app.views.common import no_person
from sampark.core.http import request_user as _user
from sampark.training import pages as training_pages
from sampark.training import selectors as training_selectors


@login_required
@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.person_id is None:
        return no_person(request)
    rows = training_selectors.my_modules(user=user)
    return render(request, "app/pages/training.html", {"rows": rows})


@login_required
@require_GET
def training_module(request: HttpRequest, module_id: int) -> HttpResponse:
    module = training_selectors.access_module(user=_user(request), module_id=module_id)
    context = training_pages.module_context(request, module)
    return render(request, "app/pages/training_module.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def training_quiz(request: HttpRequest, module_id: int) -> HttpResponse:
    module = training_selectors.access_module(user=_user(request), module_id=module_id)
    status, context = training_pages.take_quiz(
        request,
        module,
        quiz_url=reverse("app:training_quiz", kwargs={"module_id": module.id}),
        certificate_url=reverse("app:training_certificate", kwargs={"module_id": module.id}),
    )
    return render(request, "app/pages/training_quiz.html", context, status=status)


@login_required
@require_GET
def training_certificate(request: HttpRequest, module_id: int) -> HttpResponse:
    user = _user(request)
    module = training_selectors.access_module(user=user, module_id=module_id)
    completion = training_selectors.completion_of(user=user, module_id=module.id)
    return training_pages.certificate_response(completion, request)
