"""When a source is due: cron expressions or CKAN's frequency words, with a per-source jitter.

Pure: no store, no clock of its own. Every function takes the time it reasons about, as naive
UTC like the store keeps it; cron fields are read in the operator's time zone.

    parse("DAILY")                 -> a Schedule (MANUAL gives one that never fires)
    Schedule.next_after(moment)    -> the first run strictly after ``moment``, jitter included
    jitter_seconds(key, ...)       -> a stable offset for one source, so agencies are not all hit at once
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from catalog.errors import BadRequest

# CKAN's words, as cron expressions (BIWEEKLY has no cron form: every second Monday, counted from an anchor).
WORDS = {
    "HOURLY": "0 * * * *",
    "DAILY": "0 0 * * *",
    "WEEKLY": "0 0 * * 1",
    "MONTHLY": "0 0 1 * *",
}
BIWEEKLY = "BIWEEKLY"
MANUAL = "MANUAL"
_BIWEEKLY_ANCHOR = dt.datetime(1970, 1, 5)  # a Monday at midnight
_TWO_WEEKS = dt.timedelta(days=14)


class ScheduleError(BadRequest):
    """A schedule that is neither a cron expression nor one of the known words."""


class Clock:
    """The real clock; tests pass an object with the same ``now()`` that they move by hand."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def jitter_seconds(key: str, limit: float) -> float:
    """A stable offset in [0, limit) seconds derived from ``key`` (a source id): the same on every machine."""
    if limit <= 0:
        return 0.0
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % int(limit * 1000) / 1000.0


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: ``expression`` is cron (5 fields, or 6 with seconds last), BIWEEKLY or MANUAL."""

    text: str
    expression: str | None
    timezone: str = "UTC"
    jitter: float = 0.0

    @property
    def manual(self) -> bool:
        return self.expression is None

    def with_jitter(self, key: str, limit: float) -> "Schedule":
        """This schedule shifted by the stable offset of ``key``, at most a tenth of its shortest gap."""
        if self.manual:
            return self
        gap = self._gap()
        bound = min(limit, gap.total_seconds() / 10)
        return Schedule(self.text, self.expression, self.timezone, jitter_seconds(key, bound))

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        """The first run strictly after ``moment`` (naive UTC), or None for MANUAL."""
        if self.manual:
            return None
        offset = dt.timedelta(seconds=self.jitter)
        return self._base_after(moment - offset) + offset

    def _base_after(self, moment: dt.datetime) -> dt.datetime:
        if self.expression == BIWEEKLY:
            periods = (moment - _BIWEEKLY_ANCHOR) // _TWO_WEEKS + 1
            return _BIWEEKLY_ANCHOR + periods * _TWO_WEEKS
        zone = ZoneInfo(self.timezone)
        local = moment.replace(tzinfo=dt.UTC).astimezone(zone)
        following = croniter(self.expression, local, second_at_beginning=False).get_next(dt.datetime)
        return following.astimezone(dt.UTC).replace(tzinfo=None)

    def _gap(self) -> dt.timedelta:
        """The shortest time between two runs, over the next few of them."""
        if self.expression == BIWEEKLY:
            return _TWO_WEEKS
        start = _BIWEEKLY_ANCHOR
        runs = [start]
        for _ in range(4):
            runs.append(self._base_after(runs[-1]))
        return min(b - a for a, b in zip(runs[1:], runs[2:]))


def parse(text: str | None, timezone: str = "UTC") -> Schedule:
    """The schedule ``text`` names; empty means MANUAL. ScheduleError names what is wrong."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"Unknown time zone {timezone!r} for schedules") from None
    cleaned = " ".join((text or "").split())
    word = cleaned.upper()
    if not cleaned or word == MANUAL:
        return Schedule(MANUAL, None, timezone)
    if word == BIWEEKLY:
        return Schedule(word, BIWEEKLY, timezone)
    if word in WORDS:
        return Schedule(word, WORDS[word], timezone)
    fields = cleaned.split(" ")
    if len(fields) not in (5, 6) or not croniter.is_valid(cleaned, second_at_beginning=False):
        known = ", ".join([MANUAL, *WORDS, BIWEEKLY])
        raise ScheduleError(f"schedule: {text!r} is neither a cron expression (5 fields) nor one of {known}")
    return Schedule(cleaned, cleaned, timezone)
