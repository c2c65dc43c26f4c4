"""Writing modules: the module's texts and roles, its lessons, its quiz, publishing.

Needs `manage_training` on the module's unit (403 after the scoped lookup: 404 outside reach).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_capability
from sampark.accounts.selectors import scope_root
from sampark.core.http import request_user as _user
from sampark.training import forms, selectors, services
from sampark.training.errors import TrainingError
from sampark.training.models import Module


def _managed(user: User, module_id: int) -> Module:
    module = selectors.access_module(user=user, module_id=module_id)
    if not selectors.can_manage(user=user, module=module):
        raise PermissionDenied(_("Your role may not change this module."))
    return module


@login_required
@require_http_methods(["GET", "POST"])
def module_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unit = scope_root(user=user)
    require_capability(user, Capability.MANAGE_TRAINING)
    form = forms.ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            module = services.module_create(actor=user, unit=unit, **form.cleaned_data)
        except TrainingError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Module saved as a draft: add lessons and questions."))
            return redirect("training:edit", module_id=module.id)
    return render(request, "training/pages/module_new.html", {"form": form, "unit": unit})


def _edit_context(
    user: User,
    module: Module,
    form: forms.ModuleForm | None = None,
    lesson_form: forms.LessonForm | None = None,
    question_form: forms.QuestionForm | None = None,
) -> dict[str, object]:
    initial = {
        "title_hi": module.title_hi,
        "title_en": module.title_en,
        "body_hi": module.body_hi,
        "body_en": module.body_en,
        "pass_mark": module.pass_mark,
        "roles": [r.role for r in module.requirements.all()],
    }
    lessons = selectors.lessons(module=module)
    return {
        "module": module,
        "form": form or forms.ModuleForm(initial=initial),
        "lesson_form": lesson_form or forms.LessonForm(kits=selectors.kit_choices(user=user)),
        "question_form": question_form or forms.QuestionForm(),
        "lessons": lessons,
        "kits": selectors.kits_of(lessons=lessons),
        "questions": selectors.questions(module=module),
    }


@login_required
@require_http_methods(["GET", "POST"])
def module_edit(request: HttpRequest, module_id: int) -> HttpResponse:
    user = _user(request)
    module = _managed(user, module_id)
    form = forms.ModuleForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            services.module_update(module_id=module.id, actor=user, **form.cleaned_data)
        except TrainingError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Module saved."))
            return redirect("training:edit", module_id=module.id)
    return render(request, "training/pages/module_edit.html", _edit_context(user, module, form))


@login_required
@require_POST
def lesson_add(request: HttpRequest, module_id: int) -> HttpResponse:
    user = _user(request)
    module = _managed(user, module_id)
    form = forms.LessonForm(request.POST, request.FILES, kits=selectors.kit_choices(user=user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.lesson_add(
                module_id=module.id,
                actor=user,
                title_hi=data["title_hi"],
                title_en=data["title_en"],
                text_hi=data["text_hi"],
                text_en=data["text_en"],
                video_url=data["video_url"],
                kit_id=data["kit"],
                image=data["image"] or None,
            )
        except TrainingError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Lesson added."))
            return redirect("training:edit", module_id=module.id)
    context = _edit_context(user, module, lesson_form=form)
    return render(request, "training/pages/module_edit.html", context, status=400)


@login_required
@require_POST
def question_add(request: HttpRequest, module_id: int) -> HttpResponse:
    user = _user(request)
    module = _managed(user, module_id)
    form = forms.QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(
                module_id=module.id,
                actor=user,
                text_hi=form.cleaned_data["text_hi"],
                text_en=form.cleaned_data["text_en"],
                multi=form.cleaned_data["multi"],
                choices=form.choices(),
            )
        except TrainingError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("training:edit", module_id=module.id)
    context = _edit_context(user, module, question_form=form)
    return render(request, "training/pages/module_edit.html", context, status=400)


def _posted_id(request: HttpRequest, name: str) -> int:
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


@login_required
@require_POST
def lesson_remove(request: HttpRequest, module_id: int) -> HttpResponse:
    user = _user(request)
    module = _managed(user, module_id)
    try:
        services.lesson_remove(
            module_id=module.id, lesson_id=_posted_id(request, "lesson_id"), actor=user
        )
    except TrainingError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("training:edit", module_id=module.id)


@login_required
@require_POST
def question_remove(request: HttpRequest, module_id: int) -> HttpResponse:
    user = _user(request)
    module = _managed(user, module_id)
    try:
        services.question_remove(
            module_id=module.id, question_id=_posted_id(request, "question_id"), actor=user
        )
    except TrainingError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("training:edit", module_id=module.id)


@login_required
@require_POST
def module_publish(request: HttpRequest, module_id: int) -> HttpResponse:
    user = _user(request)
    module = _managed(user, module_id)
    try:
        if request.POST.get("action") == "withdraw":
            services.module_withdraw(module_id=module.id, actor=user)
            messages.success(request, _("Module withdrawn: takers no longer see it."))
        else:
            services.module_publish(module_id=module.id, actor=user)
            messages.success(request, _("Module published."))
    except TrainingError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("training:edit", module_id=module.id)
