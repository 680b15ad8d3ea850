"""A value loaded once, on first use, behind a lock (the pattern of jieba's initialise)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
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


class ModelSlot(Lazy[T]):
    """A model read from an artefact file: the default one, loaded on first use, or another
    that :meth:`use` switches to (loaded there, once, and only when the path changes)."""

    def __init__(self, load: Callable[[Path], T], default: Path) -> None:
        super().__init__(lambda: load(self.path))
        self._load, self._default = load, default
        self.path = default

    def use(self, path: Path | None) -> None:
        """Score with the model at ``path`` from now on (None: the default one)."""
        path = self._default if path is None else Path(path)
        if path != self.path or not self.loaded:
            self.set(self._load(path))
            self.path = path
