"""Pages to import volunteers from a file and export them (namespace "imports").

Upload (file, unit, verify) -> mapping step (columns as detected, correctable) -> queued task
-> job page that polls its status. Users need the import/export capability (403); a job or a
unit outside the user's subtree does not exist for them (404, checked first).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import access_unit, scope_root, visible_units
from sampark.core.http import request_user as _user
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people import exporter, importer
from sampark.people.models import ImportJob, PositionKind

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
SHOWN_ERRORS = 200


def _require(user: User, capability: str) -> None:
    if not user.can(capability):
        raise PermissionDenied


def import_units(*, user: User) -> QuerySet[Unit]:
    """Units an import can target: the user's own unit and the districts and ACs under it."""
    root = scope_root(user=user)
    return (
        visible_units(user=user)
        .filter(Q(id=root.pk) | Q(level__in=(Level.DISTRICT, Level.AC)))
        .order_by("path")
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    scope = forms.TypedChoiceField(label=gettext_lazy("Import into"), coerce=int)
    verify = forms.BooleanField(
        label=gettext_lazy("I have checked these volunteers: mark their positions verified"),
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        units = import_units(user=user)
        self.fields["scope"].choices = [(u.pk, f"{u.path} · {u.display_name}") for u in units]  # type: ignore[attr-defined]
        if not user.can(Capability.VERIFY_WORKERS):
            del self.fields["verify"]
        self.header: list[str] = []

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        try:
            self.header, _rows = importer.read_preview(upload, filename=upload.name, rows=0)
        except importer.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        upload.seek(0)
        return upload


class MappingForm(forms.Form):
    default_position = forms.ChoiceField(
        label=gettext_lazy("Position for rows without one"), required=False
    )
    notice_version = forms.CharField(
        label=gettext_lazy("Consent notice version (when the file has a consent column)"),
        required=False,
        max_length=20,
    )

    def __init__(
        self, *args: Any, header: list[str], detected: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header = header
        choices = [("", _("— ignore —")), *((k, str(v)) for k, v in importer.FIELD_LABELS.items())]
        for index, column in enumerate(header):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=column or f"#{index + 1}",
                choices=choices,
                required=False,
                initial=detected.get(column, ""),
            )
        kinds = PositionKind.objects.order_by("level", "order", "code")
        self.fields["default_position"].choices = [  # type: ignore[attr-defined]
            ("", _("— none —")),
            *((k.code, f"{k.name_en} · {k.name_hi}") for k in kinds),
        ]

    def column_fields(self) -> list[tuple[int, str, forms.BoundField]]:
        return [(i, c, self[f"col_{i}"]) for i, c in enumerate(self.header)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        columns = {
            column: data.get(f"col_{index}") or "" for index, column in enumerate(self.header)
        }
        try:
            chosen = importer.resolve_columns(self.header, columns)
        except importer.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if "consent" in chosen and not (data.get("notice_version") or "").strip():
            self.add_error(
                "notice_version", _("Give the notice version the consent was collected under.")
            )
        data["columns"] = columns
        return data


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The upload form, the user's recent imports, and the export form."""
    user = _user(request)
    _require(user, Capability.IMPORT_EXPORT)
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        scope = access_unit(user=user, unit_id=form.cleaned_data["scope"])
        upload_file = form.cleaned_data["file"]
        job = importer.import_job_create(
            scope=scope,
            actor=user,
            filename=upload_file.name,
            file=upload_file,
            settings={
                **importer.job_settings(columns={}, verify=bool(form.cleaned_data.get("verify"))),
                "confirmed": False,
            },
        )
        return redirect("imports:mapping", job_id=job.pk)
    context = {
        "form": form,
        "jobs": importer.import_jobs_visible(user=user)[:20],
        "export_units": form.fields["scope"].choices,  # type: ignore[attr-defined]
    }
    return render(request, "people/pages/import_upload.html", context)


@login_required
def mapping(request: HttpRequest, job_id: int) -> HttpResponse:
    """Confirm or correct the detected columns, then queue the import."""
    user = _user(request)
    job = importer.access_import_job(user=user, job_id=job_id)
    _require(user, Capability.IMPORT_EXPORT)
    if (job.mapping or {}).get("confirmed", True):
        return redirect("imports:detail", job_id=job.pk)
    try:
        with job.file.open("rb") as handle:
            header, sample = importer.read_preview(handle, filename=job.filename)
    except importer.ImportFileError as exc:  # the job page shows why, never a 500
        importer.import_job_fail(job=job, error=exc)
        return redirect("imports:detail", job_id=job.pk)
    detected = importer.detect_mapping(header)
    form = MappingForm(request.POST or None, header=header, detected=detected)
    if request.method == "POST" and form.is_valid():
        options = (job.mapping or {}).get("options") or {}
        settings = importer.job_settings(
            columns=form.cleaned_data["columns"],
            verify=bool(options.get("verify")),
            default_position=form.cleaned_data.get("default_position") or "",
            notice_version=(form.cleaned_data.get("notice_version") or "").strip(),
        )
        importer.import_job_queue(job=job, settings={**settings, "confirmed": True})
        return redirect("imports:detail", job_id=job.pk)
    samples = [[row[i] if i < len(row) else "" for row in sample] for i in range(len(header))]
    context = {
        "job": job,
        "form": form,
        "rows": [(field, samples[i]) for i, _c, field in form.column_fields()],
    }
    return render(request, "people/pages/import_mapping.html", context)


@login_required
def detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """Status, counts and the first errors of one import; polls while it runs."""
    user = _user(request)
    job = importer.access_import_job(user=user, job_id=job_id)
    _require(user, Capability.IMPORT_EXPORT)
    if not (job.mapping or {}).get("confirmed", True):
        return redirect("imports:mapping", job_id=job.pk)
    counts = importer.job_counts(job)
    context = {
        "job": job,
        "counts": counts,
        # Stored language-neutral: each reason is shown in the page's language.
        "errors": [importer.localised(e) for e in (job.errors or [])[:SHOWN_ERRORS]],
        "more_errors": max(0, len(job.errors or []) - SHOWN_ERRORS) + counts["errors_omitted"],
        "polling": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
        # A finished import's people may be invited to sign in (content's invitations page).
        "can_invite": job.status == ImportJob.Status.DONE and user.can(Capability.DISTRIBUTE),
    }
    name = (
        "people/partials/import_status.html"
        if getattr(request, "htmx", False)
        else "people/pages/import_detail.html"
    )
    return render(request, name, context)


@login_required
def errors_csv(request: HttpRequest, job_id: int) -> StreamingHttpResponse:
    """The job's row errors as CSV: line, column, value, reason."""
    user = _user(request)
    job = importer.access_import_job(user=user, job_id=job_id)
    _require(user, Capability.IMPORT_EXPORT)
    omitted = importer.job_errors_omitted(job)

    language = translation.get_language()

    def lines() -> Iterator[str]:
        # Streamed after the view returns: keep the request's language for the reasons.
        with translation.override(language):
            yield from _error_lines(job.errors or [], omitted)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


def _error_lines(errors: list[dict[str, Any]], omitted: int) -> Iterator[str]:
    writer = csv.writer(exporter.Echo())
    yield "\ufeff"
    yield writer.writerow(["line", "column", "value", "reason"])
    for stored in errors:
        error = importer.localised(stored)
        yield writer.writerow(
            [
                error["line"],
                error["column"],
                exporter.safe_cell(str(error["value"])),
                error["reason"],
            ]
        )
    if omitted:
        yield writer.writerow(
            ["", "", "", _("%(count)s more errors were not stored.") % {"count": omitted}]
        )


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    """Volunteers of a unit in the user's subtree, as CSV (streamed) or XLSX."""
    user = _user(request)
    _require(user, Capability.IMPORT_EXPORT)
    raw_unit = request.GET.get("unit") or ""
    if raw_unit:
        if not raw_unit.isdigit():
            return HttpResponse(_("Unknown unit."), status=400)
        unit = access_unit(user=user, unit_id=int(raw_unit))
    else:
        unit = scope_root(user=user)
    fmt = request.GET.get("format") or "csv"
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(_("Format must be csv or xlsx."), status=400)
    masked = not user.can(Capability.SEE_PHONES)
    exporter.record_export(actor=user, unit=unit, fmt=fmt, masked=masked)
    stem = f"volunteers-{unit.path.replace('/', '-')}-{timezone.localdate():%Y%m%d}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exporter.export_csv(unit=unit, masked=masked), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    exporter.export_xlsx(unit=unit, masked=masked, out=out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{stem}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
