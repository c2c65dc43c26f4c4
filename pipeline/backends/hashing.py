"""A cheap deterministic embedder for tests and model-free installs: signed feature hashing of
word skeletons and their character 3-grams (so मोदी, modi and modee land on the same features).
No semantics beyond shared words; it only stands in for a real model in the hybrid code path.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from pipeline.text import tokens
from pipeline.translit import skeleton


class Backend:
    """Feature-hashing embedder (no model, no randomness: crc32 of each feature)."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _features(self, text: str) -> list[str]:
        out: list[str] = []
        for token in tokens(text):
            word = skeleton(token)
            if not word:
                continue
            out.append("w:" + word)
            padded = f"<{word}>"
            out.extend("c:" + padded[i : i + 3] for i in range(len(padded) - 2))
        return out

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                h = zlib.crc32(feature.encode())
                out[row, h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        result: npt.NDArray[np.float32] = out / norms
        return result
