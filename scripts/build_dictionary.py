"""Extract the English→Hindi word pairs the claim matcher uses from FreeDict's eng-hin dictionary.

The source is Debian's `dict-freedict-eng-hin` (FreeDict English-Hindi 1.6, from the IIIT
Hyderabad "Shabdanjali" dictionary, GPL-2.0-or-later). The project ships only the extract,
`pipeline/data/eng-hin.tsv` (GPL-2.0-or-later, usable under the project's AGPL-3.0-or-later),
so neither CI nor a deployment needs the Debian package. Regenerate after a new release:

    apt-get install dict-freedict-eng-hin
    python scripts/build_dictionary.py            # reads /usr/share/dictd/freedict-eng-hin.*

or `python scripts/build_dictionary.py --deb FILE.deb` on a downloaded package.

What is kept: single-word English headwords (letters only), and for each its Hindi renderings
of at most three words ("गिरफ्तार~करना" → "गिरफ्तार करना"), in the order the dictionary gives them,
deduplicated across parts of speech. Descriptions longer than that ("वाहन के दो पहियों …") are
definitions, not translations, and are dropped. Example sentences are dropped.
"""

from __future__ import annotations

import argparse
import gzip
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "pipeline" / "data" / "eng-hin.tsv"
DICTD = Path("/usr/share/dictd")
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_HEADWORD = re.compile(r"[a-z]{2,}")
_SENSE = re.compile(r"^\s*\d+\.\s+(.*)$")
_DEVANAGARI = re.compile(r"^[\u0900-\u097f\u200c\u200d ]+$")
MAX_WORDS = 3

HEADER = """\
# English→Hindi word pairs for claim matching (pipeline.lexicon.dictionary).
# Extracted by scripts/build_dictionary.py from FreeDict English-Hindi 1.6 (Debian package
# dict-freedict-eng-hin), itself from the English-Hindi dictionary of the Language Technologies
# Research Centre, IIIT Hyderabad. Copyright (C) 1999-2017 by various authors.
# License: GNU General Public License version 2.0 or (at your option) any later version.
# Format: headword<TAB>hindi|hindi|... (NFC; multi-word renderings separated by spaces)
"""


def _b64(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + _B64.index(char)
    return value


def _sources(deb: Path | None) -> tuple[Path, Path]:
    if deb is None:
        return DICTD / "freedict-eng-hin.index", DICTD / "freedict-eng-hin.dict.dz"
    target = Path(tempfile.mkdtemp(prefix="freedict-"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
    base = target / "usr" / "share" / "dictd"
    return base / "freedict-eng-hin.index", base / "freedict-eng-hin.dict.dz"


def renderings(entry: str) -> list[str]:
    """The Hindi renderings of one dictionary entry (all its senses), in order."""
    out: list[str] = []
    for line in entry.splitlines():
        sense = _SENSE.match(line)
        if not sense:
            continue
        for part in sense.group(1).split(","):
            text = unicodedata.normalize("NFC", part.replace("~", " ")).strip()
            text = " ".join(text.split())
            if text and _DEVANAGARI.match(text) and len(text.split()) <= MAX_WORDS:
                out.append(text)
    return out


def extract(index: Path, data: Path) -> dict[str, list[str]]:
    raw = gzip.decompress(data.read_bytes())
    pairs: dict[str, list[str]] = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        word, offset, length = line.split("\t")
        if not _HEADWORD.fullmatch(word):
            continue
        start = _b64(offset)
        entry = raw[start : start + _b64(length)].decode("utf-8")
        found = pairs.setdefault(word, [])
        for text in renderings(entry):
            if text not in found:
                found.append(text)
    return {word: found for word, found in sorted(pairs.items()) if found}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", type=Path, help="a dict-freedict-eng-hin .deb to read")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    index, data = _sources(args.deb)
    if not index.exists():
        print(f"{index} is missing: apt-get install dict-freedict-eng-hin", file=sys.stderr)
        return 1
    pairs = extract(index, data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER)
        for word, found in pairs.items():
            out.write(f"{word}\t{'|'.join(found)}\n")
    print(f"{len(pairs)} headwords, {sum(map(len, pairs.values()))} renderings → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
