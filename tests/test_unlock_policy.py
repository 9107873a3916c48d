"""The slowdown after wrong passwords (five free tries, then 2 s doubling up to 60 s) and the
setting "Sperren nach N Minuten"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuemmerer.domain.errors import ValidationError
from kuemmerer.domain.unlock_policy import FREE_TRIES, MAX_WAIT, UnlockThrottle, wait_after
from kuemmerer.services import lock_settings, settings

failures = st.integers(min_value=0, max_value=10_000)


def test_five_tries_are_free_then_the_wait_doubles_from_two_seconds_up_to_a_minute():
    assert [wait_after(n) for n in range(13)] == [0, 0, 0, 0, 0, 2, 4, 8, 16, 32, 60, 60, 60]
    assert FREE_TRIES == 5


@given(failures)
def test_the_wait_is_never_negative_and_never_over_a_minute(n):
    assert 0 <= wait_after(n) <= MAX_WAIT


@given(failures, failures)
def test_more_failures_never_mean_a_shorter_wait(a, b):
    low, high = sorted((a, b))
    assert wait_after(low) <= wait_after(high)


def test_the_throttle_counts_failures_on_the_given_clock_and_a_success_starts_over():
    throttle = UnlockThrottle()
    for t in range(4):
        throttle.record_failure(100.0 + t)
        assert throttle.seconds_left(100.0 + t) == 0
    assert throttle.record_failure(110.0) == 2  # the fifth wrong password
    assert throttle.seconds_left(110.0) == 2
    assert throttle.seconds_left(111.5) == 0.5
    assert throttle.seconds_left(112.0) == 0
    throttle.record_failure(112.0)
    assert throttle.seconds_left(112.0) == 4
    throttle.record_success()
    assert throttle.seconds_left(112.0) == 0 and throttle.failures == 0
    throttle.record_failure(200.0)
    assert throttle.seconds_left(200.0) == 0  # free again


@given(st.lists(st.floats(min_value=0, max_value=1e6), max_size=30), st.floats(min_value=0, max_value=2e6))
def test_the_seconds_left_are_never_negative_nor_over_a_minute(times, now):
    throttle = UnlockThrottle()
    for t in sorted(times):
        throttle.record_failure(t)
    assert 0 <= throttle.seconds_left(now) <= MAX_WAIT


# ------------------------------------------------------------- "Sperren nach N Minuten"

def test_the_lock_time_is_ten_minutes_until_she_sets_it(uow):
    assert lock_settings.get_lock_minutes(uow) == 10
    assert lock_settings.set_lock_minutes(uow, 0) == 0  # "nie"
    assert lock_settings.get_lock_minutes(uow) == 0
    assert lock_settings.set_lock_minutes(uow, "240") == 240
    assert lock_settings.get_lock_minutes(uow) == 240


@pytest.mark.parametrize(("value", "message"), [
    (-1, lock_settings.OUT_OF_RANGE),
    (241, lock_settings.OUT_OF_RANGE),
    ("zehn", "Bitte eine ganze Zahl eingeben."),
    (None, "Bitte ausfüllen."),
    (True, "Bitte eine ganze Zahl eingeben."),
])
def test_a_lock_time_out_of_range_is_refused_in_german_and_nothing_is_stored(uow, value, message):
    lock_settings.set_lock_minutes(uow, 15)
    with pytest.raises(ValidationError) as caught:
        lock_settings.set_lock_minutes(uow, value)
    assert caught.value.errors == {"lock_minutes": message}
    assert lock_settings.get_lock_minutes(uow) == 15


def test_a_stored_lock_time_that_makes_no_sense_reads_as_the_default(uow):
    settings.set_value(uow, lock_settings.KEY, "kaputt")
    assert lock_settings.get_lock_minutes(uow) == 10
    settings.set_value(uow, lock_settings.KEY, 10_000)
    assert lock_settings.get_lock_minutes(uow) == 10
