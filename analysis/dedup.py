"""Near-duplicate signatures: 64-bit SimHash over character shingles, and a banded index.

Two texts whose signatures differ in at most `max_distance` bits (default 3) are treated as
copies or reposts. The index splits a signature into max_distance + 1 bands; by the pigeonhole
principle two signatures within max_distance bits share at least one band, so a lookup touches
only the items in a few buckets, not the corpus.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from analysis.text import normalize

BITS = 64
MAX_DISTANCE = 3
SHINGLE = 3
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
_POWERS = (1 << np.arange(BITS - 1, -1, -1, dtype=np.uint64)).astype(np.uint64)


def _chars(text: str) -> str:
    return "".join(_KEEP.findall(normalize(text).lower()))


def char_count(text: str) -> int:
    """Number of letters, digits and CJK characters (what the signature is made of)."""
    return len(_chars(text))


def shingles(text: str, size: int = SHINGLE) -> list[str]:
    """Character shingles of the normalised text, punctuation and spaces dropped."""
    chars = _chars(text)
    if len(chars) <= size:
        return [chars] if chars else []
    return [chars[i:i + size] for i in range(len(chars) - size + 1)]


def _mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: spreads each 64-bit value over all bits (wrapping arithmetic)."""
    z = values + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _shingle_hashes(chars: str) -> np.ndarray:
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - len(codes), dtype=np.uint64)])
    with np.errstate(over="ignore"):
        h = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
        for offset in range(SHINGLE):
            h = _mix64(h ^ codes[offset:len(codes) - SHINGLE + 1 + offset])
        return h


def simhash(text: str) -> int:
    """The 64-bit SimHash of a text (0 for a text without letters, digits or CJK)."""
    chars = _chars(text)
    if not chars:
        return 0
    hashes = _shingle_hashes(chars)
    bits = np.unpackbits(hashes.astype(">u8").view(np.uint8)).reshape(len(hashes), BITS)
    votes = bits.sum(axis=0) * 2 > len(hashes)
    return int(np.dot(votes.astype(np.uint64), _POWERS))


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two signatures."""
    return (a ^ b).bit_count()


def is_near_duplicate(a: int, b: int, max_distance: int = MAX_DISTANCE) -> bool:
    """Whether two non-empty signatures are within max_distance bits."""
    return a != 0 and b != 0 and hamming(a, b) <= max_distance


def _bands(signature: int, count: int) -> list[tuple[int, int]]:
    out, shift = [], 0
    for i in range(count):
        width = BITS // count + (1 if i < BITS % count else 0)
        out.append((i, (signature >> shift) & ((1 << width) - 1)))
        shift += width
    return out


class SimHashIndex:
    """Signatures by key, with near-duplicate lookup through band buckets."""

    def __init__(self, items: Iterable[tuple[str, int]] = (),
                 max_distance: int = MAX_DISTANCE) -> None:
        self.max_distance = max_distance
        self._signatures: dict[str, int] = {}
        self._buckets: dict[tuple[int, int], list[str]] = defaultdict(list)
        for key, signature in items:
            self.add(key, signature)

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: str, signature: int) -> None:
        """Index a signature under key (empty signatures are ignored)."""
        if signature == 0 or key in self._signatures:
            return
        self._signatures[key] = signature
        for band in _bands(signature, self.max_distance + 1):
            self._buckets[band].append(key)

    def remove(self, key: str) -> None:
        """Forget a key."""
        signature = self._signatures.pop(key, None)
        if signature is not None:
            for band in _bands(signature, self.max_distance + 1):
                self._buckets[band].remove(key)

    def query(self, signature: int) -> list[tuple[str, int]]:
        """Keys within the index's max_distance bits, nearest first, as (key, distance)."""
        max_distance = self.max_distance
        if signature == 0:
            return []
        seen: dict[str, int] = {}
        for band in _bands(signature, self.max_distance + 1):
            for key in self._buckets.get(band, ()):
                if key not in seen:
                    seen[key] = hamming(signature, self._signatures[key])
        hits = [(k, d) for k, d in seen.items() if d <= max_distance]
        return sorted(hits, key=lambda kd: (kd[1], kd[0]))

    def items(self) -> list[tuple[str, int]]:
        """All (key, signature) pairs, for serialising."""
        return list(self._signatures.items())
