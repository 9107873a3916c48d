"""How long she waits after wrong passwords: a pure rule with the clock passed in.

The key file's scrypt already makes each try cost ~0.3 s; this slowdown is for the window, so
that someone at her unlocked-then-locked laptop cannot try password after password. The
first ``FREE_TRIES`` tries cost nothing (typos happen); then every further wrong password
doubles the wait, from 2 s up to at most 60 s. A right password starts over.
"""

from __future__ import annotations

FREE_TRIES = 5
FIRST_WAIT = 2.0
MAX_WAIT = 60.0


def wait_after(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong passwords in a row.

    The first ``FREE_TRIES`` (5) tries are free: after 0–4 failures there is no wait. After
    the 5th failure the wait is 2 s, then it doubles with every further failure (4, 8, 16,
    32 s) and is capped at 60 s. Never negative, never falling as failures grow."""
    if failures < FREE_TRIES:
        return 0.0
    exponent = failures - FREE_TRIES
    if exponent >= 6:  # 2 · 2**5 = 64 > 60: capped from here on (and no huge powers)
        return MAX_WAIT
    return min(MAX_WAIT, FIRST_WAIT * 2.0 ** exponent)


class UnlockThrottle:
    """The failures so far and when the next try is allowed. ``now`` is any monotonic clock
    in seconds (``time.monotonic`` in the window; a fake in tests). One throttle may be
    shared by the unlock dialog and the lock screen so that locking again does not reset it."""

    def __init__(self) -> None:
        self.failures = 0
        self._next_try_at: float | None = None

    def record_failure(self, now: float) -> float:
        """A wrong password at ``now``; returns the seconds until the next try."""
        self.failures += 1
        wait = wait_after(self.failures)
        self._next_try_at = now + wait if wait > 0 else None
        return wait

    def record_success(self) -> None:
        self.failures = 0
        self._next_try_at = None

    def seconds_left(self, now: float) -> float:
        """Seconds until the next try is allowed (0: now; at most 60)."""
        if self._next_try_at is None:
            return 0.0
        # never more than the wait itself, even for a clock that went backwards
        return min(wait_after(self.failures), max(0.0, self._next_try_at - now))
