"""Schedule logic: cron and CKAN's words, time zones, stable jitter; every time is given, none is waited for."""

import datetime as dt

import pytest

from catalog import schedule
from catalog.schedule import ScheduleError, jitter_seconds, parse

T = dt.datetime(2026, 11, 28, 21, 30)  # naive UTC, 04:30 on the 29th in Malang (UTC+7)


@pytest.mark.parametrize("text, expected", [
    ("HOURLY", dt.datetime(2026, 11, 28, 22, 0)),
    ("daily", dt.datetime(2026, 11, 29, 0, 0)),
    ("WEEKLY", dt.datetime(2026, 11, 30, 0, 0)),  # Monday
    ("MONTHLY", dt.datetime(2026, 12, 1, 0, 0)),
    ("BIWEEKLY", dt.datetime(2026, 12, 7, 0, 0)),
    ("*/5 * * * *", dt.datetime(2026, 11, 28, 21, 35)),
    ("* * * * * */2", dt.datetime(2026, 11, 28, 21, 30, 2)),
])
def test_next_run_in_utc(text, expected):
    assert parse(text).next_after(T) == expected


def test_words_and_cron_fields_are_read_in_the_operator_time_zone():
    # Midnight in Malang is 17:00 UTC the day before.
    assert parse("DAILY", "Asia/Jakarta").next_after(T) == dt.datetime(2026, 11, 29, 17, 0)
    assert parse("30 6 * * *", "Asia/Jakarta").next_after(T) == dt.datetime(2026, 11, 28, 23, 30)


def test_next_run_is_strictly_after_the_moment():
    daily = parse("DAILY")
    first = daily.next_after(T)
    assert daily.next_after(first) == first + dt.timedelta(days=1)


def test_biweekly_runs_every_fourteen_days():
    biweekly = parse("BIWEEKLY")
    first = biweekly.next_after(T)
    assert biweekly.next_after(first) - first == dt.timedelta(days=14)
    assert first.weekday() == 0


@pytest.mark.parametrize("text", [None, "", "MANUAL", "manual"])
def test_manual_never_fires(text):
    parsed = parse(text)
    assert parsed.manual and parsed.next_after(T) is None
    assert parsed.with_jitter("a", 900).next_after(T) is None


@pytest.mark.parametrize("text", ["sometimes", "61 * * * *", "* * *", "* * * * * * *", "0 0 31 2 * x"])
def test_unreadable_schedules_name_the_field(text):
    with pytest.raises(ScheduleError, match="schedule:"):
        parse(text)


def test_unknown_time_zone_is_refused():
    with pytest.raises(ScheduleError, match="Mars/Olympus"):
        parse("DAILY", "Mars/Olympus")


def test_jitter_is_stable_per_source_and_spreads_sources():
    assert jitter_seconds("source-a", 900) == jitter_seconds("source-a", 900)
    offsets = {jitter_seconds(f"source-{n}", 900) for n in range(20)}
    assert len(offsets) == 20 and all(0 <= o < 900 for o in offsets)
    assert jitter_seconds("source-a", 0) == 0


def test_jitter_shifts_runs_but_never_past_a_tenth_of_the_interval():
    hourly = parse("HOURLY").with_jitter("source-a", 900)
    assert 0 < hourly.jitter < 360
    run = hourly.next_after(T)
    assert dt.datetime(2026, 11, 28, 22, 0) < run < dt.datetime(2026, 11, 28, 22, 6)
    assert hourly.next_after(run) - run == dt.timedelta(hours=1)
    daily = parse("DAILY").with_jitter("source-a", 900)
    assert 0 < daily.jitter < 900


def test_jittered_slot_just_passed_gives_the_next_one():
    every_minute = parse("* * * * *").with_jitter("source-b", 30)
    run = every_minute.next_after(T)
    # The 21:30 slot, shifted by the jitter, is still ahead of 21:30:00.
    assert run == T + dt.timedelta(seconds=every_minute.jitter) > T
    assert every_minute.next_after(run) == run + dt.timedelta(minutes=1)


def test_the_real_clock_gives_naive_utc():
    moment = schedule.Clock().now()
    assert moment.tzinfo is None
    assert abs(moment - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(seconds=5)
