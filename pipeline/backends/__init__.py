"""Embedding backends for claim matching, chosen by a wagtail-style settings dict.

`load({"BACKEND": "pipeline.backends.hashing"})` returns that module's `Backend(**OPTIONS)`.
Every backend has `dim` and `encode(texts) -> float32 array (n, dim)` with L2-normalised rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import import_module
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

DEFAULT = {"BACKEND": "pipeline.backends.hashing", "OPTIONS": {}}


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors; equal texts give equal vectors."""

    dim: int

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


def load(conf: Mapping[str, Any] | None = None) -> Embedder:
    """The backend named by conf["BACKEND"] built with conf["OPTIONS"]."""
    conf = conf or DEFAULT
    module = import_module(str(conf["BACKEND"]))
    options: Any = conf.get("OPTIONS") or {}
    backend: Embedder = module.Backend(**options)
    return backend


def available(conf: Mapping[str, Any]) -> str | None:
    """None when the backend can be loaded, else why not (for a system check warning)."""
    try:
        module = import_module(str(conf["BACKEND"]))
        check = getattr(module, "missing", None)
        return check() if callable(check) else None
    except ImportError as exc:
        return str(exc)
