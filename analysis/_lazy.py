"""A value loaded once, on first use, behind a lock (the pattern of jieba's initialise)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    """Holds the result of `loader()`, computed at most once and only when first asked for."""

    def __init__(self, loader: Callable[[], T]) -> None:
        self._loader = loader
        self._lock = threading.Lock()
        self._value: T | None = None

    def get(self) -> T:
        """Return the loaded value, loading it on the first call."""
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._loader()
        return self._value

    def set(self, value: T) -> None:
        """Replace the value (tests and retraining use this)."""
        with self._lock:
            self._value = value

    @property
    def loaded(self) -> bool:
        """Whether the value has been loaded."""
        return self._value is not None
