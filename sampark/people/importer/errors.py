"""Import errors: a row's problem as `{"line", "column", "value", "code", "reason"}`, and the
error that stops a whole file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext


def row_error(
    line: int, column: str, value: str, code: str, msgid: str, params: Mapping[str, Any]
) -> dict[str, Any]:
    """An error with its reason translated into the active language."""
    reason = gettext(msgid)
    if params:
        reason = reason % {key: _text(v) for key, v in params.items()}
    return {"line": line, "column": column, "value": value, "code": code, "reason": reason}


def _text(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return value["en"]
    return value


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, or its columns cannot be mapped)."""

    def __init__(self, msgid: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = dict(params or {})

    def __str__(self) -> str:
        text = gettext(self.msgid)
        if not self.params:
            return text
        return text % {key: _text(v) for key, v in self.params.items()}
