"""Training pages for staff (issue #14): my modules, a module's lessons, the quiz, the
certificate, the public check of a certificate, and completion by unit.

An id in the path is looked up first (`access_*`, 404 outside the user's reach), and only then
is a capability checked (403). Volunteers take the same modules in the phone app (app/views).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sampark.accounts.enums import TRAINING_ROLLUP_PAGES
from sampark.accounts.permissions import require_any
from sampark.accounts.selectors import scope_root
from sampark.core.http import request_user as _user
from sampark.geo import selectors as geo_selectors
from sampark.training import pages, selectors
from sampark.training.pdf import pretty_code


@login_required
@require_GET
def module_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "training/pages/list.html",
        {
            "mine": selectors.my_modules(user=user),
            "managed": list(selectors.managed_modules(user=user)[:200]),
            "can_manage": user.can("manage_training") and user.unit_id is not None,
            "can_rollup": user.can_any(TRAINING_ROLLUP_PAGES) and user.unit_id is not None,
        },
    )


@login_required
@require_GET
def module_detail(request: HttpRequest, module_id: int) -> HttpResponse:
    module = selectors.access_module(user=_user(request), module_id=module_id)
    return render(request, "training/pages/module.html", pages.module_context(request, module))


@login_required
@require_http_methods(["GET", "POST"])
def module_quiz(request: HttpRequest, module_id: int) -> HttpResponse:
    module = selectors.access_module(user=_user(request), module_id=module_id)
    status, context = pages.take_quiz(
        request,
        module,
        quiz_url=reverse("training:quiz", kwargs={"module_id": module.id}),
        certificate_url=reverse("training:certificate", kwargs={"module_id": module.id}),
    )
    return render(request, "training/pages/quiz.html", context, status=status)


@login_required
@require_GET
def module_certificate(request: HttpRequest, module_id: int) -> HttpResponse:
    user = _user(request)
    module = selectors.access_module(user=user, module_id=module_id)
    return pages.certificate_response(
        selectors.completion_of(user=user, module_id=module.id), request
    )


@login_required
@require_GET
def lesson_image(request: HttpRequest, module_id: int) -> FileResponse:
    """A lesson's image (`?sha=`), served through the module's scope, never from MEDIA_URL."""
    module = selectors.access_module(user=_user(request), module_id=module_id)
    lesson = selectors.lesson_image(module=module, sha=request.GET.get("sha", "")[:64])
    response = FileResponse(lesson.image.open("rb"), content_type=lesson.image_mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Public: is this certificate real? (the code is unguessable; a wrong one says so)."""
    code = request.GET.get("code", "").strip()[:32]
    found = selectors.completion_by_code(code=code) if code else None
    return render(
        request,
        "training/pages/verify.html",
        {"code": code, "completion": found, "pretty": pretty_code(found.code) if found else ""},
        status=200 if found or not code else 404,
    )


# --- completion by unit -----------------------------------------------------------------------


@login_required
@require_GET
def completion_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    root = scope_root(user=user)
    require_any(user, TRAINING_ROLLUP_PAGES)
    return redirect("training:completion", unit_id=root.id)


@login_required
@require_GET
def completion_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = _user(request)
    unit, rollup, modules = selectors.completion_for_user(user=user, unit_id=unit_id)
    require_any(user, TRAINING_ROLLUP_PAGES)
    return render(
        request,
        "training/pages/completion.html",
        {
            "unit": unit,
            "rollup": rollup,
            "modules": modules,
            "crumbs": geo_selectors.breadcrumbs(user=user, unit=unit),
        },
    )
