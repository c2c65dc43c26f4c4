"""Import errors, stored language-neutral and shown in the reader's language (issue #11).

An error is a dict `{"line", "column", "value", "code", "reason"}` whose `reason` is the English
text; a message with parameters also keeps its English `msgid` and its `params`. The job page,
the errors CSV and the console render it again in their own language (`localised`), so a job
run for a Hindi-speaking uploader reads in English on an English page and the other way round.
A parameter is either data from the file, shown as it is, or a `{language: text}` dict for a
name that exists in each language (a position, a level, a field label).

Jobs stored before this change have their reason already translated and no msgid: they are
shown as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

# The language whose text is stored as `reason`: the msgids are English.
STORED_LANGUAGE = "en"


def per_language(text: Promise | str) -> dict[str, str]:
    """A translatable text in each of the site's languages."""
    names: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names[code] = str(text)
    return names


def _neutral(value: Any) -> Any:
    if isinstance(value, Promise):
        return per_language(value)
    if isinstance(value, int | str | dict):
        return value
    return str(value)


def _pick(value: Any, language: str) -> Any:
    if not isinstance(value, dict):
        return value
    return (
        value.get(language)
        or value.get(language.split("-")[0])
        or value.get(STORED_LANGUAGE)
        or next(iter(value.values()), "")
    )


def row_error(
    line: int, column: str, value: str, code: str, msgid: str, params: Mapping[str, Any]
) -> dict[str, Any]:
    """An error as stored: `msgid` is the English message (marked with gettext_noop)."""
    error: dict[str, Any] = {"line": line, "column": column, "value": value, "code": code}
    if not params:
        error["reason"] = msgid
        return error
    neutral = {key: _neutral(v) for key, v in params.items()}
    error["reason"] = msgid % {key: _pick(v, STORED_LANGUAGE) for key, v in neutral.items()}
    error["msgid"] = msgid
    error["params"] = neutral
    return error


def unexpected_error(line: int, exc: BaseException) -> dict[str, Any]:
    """A row that broke the validation in a way no rule foresaw: the row fails, not the file."""
    msgid = gettext_noop("This row cannot be read (%(error)s).")
    return row_error(line, "", "", "row_unreadable", msgid, {"error": type(exc).__name__})


def reason(error: Mapping[str, Any]) -> str:
    """The error's reason in the active language."""
    msgid = str(error.get("msgid") or error.get("reason") or "")
    if not msgid:
        return ""
    text = gettext(msgid)
    params = error.get("params")
    if not params:
        return text
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        return text % {key: _pick(v, language) for key, v in params.items()}
    except (KeyError, TypeError, ValueError):
        # A translation that lost a placeholder: the stored English text is still right.
        return str(error.get("reason") or "")


def localised(error: Mapping[str, Any]) -> dict[str, Any]:
    """The error as pages, the CSV and the console show it: the reason in the active language."""
    return {
        "line": error.get("line", ""),
        "column": error.get("column", ""),
        "value": error.get("value", ""),
        "code": error.get("code", ""),
        "reason": reason(error),
    }


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, or its columns cannot be mapped).

    It keeps its English message and parameters, so a failed job stores them language-neutral;
    `str()` gives the message in the active language.
    """

    def __init__(self, msgid: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = dict(params or {})

    def __str__(self) -> str:
        text = gettext(self.msgid)
        if not self.params:
            return text
        return text % {
            key: str(v) if isinstance(v, Promise) else v for key, v in self.params.items()
        }

    def as_error(self) -> dict[str, Any]:
        """The job error that records this failure (line 0: the whole file)."""
        return row_error(0, "", "", "file", self.msgid, self.params)
