"""A process's memory of results it worked out lately, for work that is asked for again with the same content."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most `size` values by key, the oldest kept forgotten first; shared by the process's threads (the server's
    request threads and its build thread)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept for key, or None."""
        with self._lock:
            return self._kept.get(key)

    def keep(self, key: K, value: V) -> V:
        """Keep value for key (forgetting the oldest beyond the size) and return it."""
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self._size:
                del self._kept[next(iter(self._kept))]
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._kept.clear()
