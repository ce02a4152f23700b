"""Where due harvests run: in the scheduler's own thread, or on ``catalog worker`` processes via Redis.

Both offer ``submit(source_id, name)``, ``active()`` (source ids this process is running or holds
waiting) and ``stop(grace)`` which returns ``(abandoned, unstarted)`` source ids.
"""

import queue
import threading

from catalog.scheduler import events
from catalog.scheduler.jobs import run_scheduled

QUEUE_NAME = "catalog-harvest"


class InProcess:
    """Runs submitted sources one at a time on a background thread of the scheduler."""

    def __init__(self, catalog):
        self.catalog = catalog
        self._waiting: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._queued: set[str] = set()
        self._current: str | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._work, name="harvest-runner", daemon=True)
        self._thread.start()

    def submit(self, source_id: str, name: str) -> None:
        with self._lock:
            self._queued.add(source_id)
        self._waiting.put((source_id, name))

    def active(self) -> set[str]:
        with self._lock:
            return self._queued | ({self._current} if self._current else set())

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                source_id, name = self._waiting.get(timeout=0.2)
            except queue.Empty:
                continue
            with self._lock:
                if self._stopping.is_set():
                    return
                self._queued.discard(source_id)
                self._current = source_id
            try:
                run_scheduled(self.catalog, source_id, name)
            except Exception:  # run_scheduled logged it as job.crashed; the thread serves the next source
                pass
            finally:
                with self._lock:
                    self._current = None

    def stop(self, grace: float) -> tuple[list[str], list[str]]:
        """Take no more work, give the running job ``grace`` seconds, and report what did not finish."""
        with self._lock:
            self._stopping.set()
            unstarted = sorted(self._queued)
            self._queued.clear()
        self._thread.join(grace)
        with self._lock:
            abandoned = [self._current] if self._thread.is_alive() and self._current else []
        return abandoned, unstarted


class Inline:
    """Runs each submitted source at once, in the caller's thread (``catalog scheduler once``)."""

    def __init__(self, catalog):
        self.catalog = catalog

    def submit(self, source_id: str, name: str) -> None:
        try:
            run_scheduled(self.catalog, source_id, name)
        except Exception:  # run_scheduled logged it as job.crashed; the tick goes on with the next due source
            pass

    def active(self) -> set[str]:
        return set()

    def stop(self, grace: float) -> tuple[list[str], list[str]]:
        return [], []


class RedisQueue:
    """Puts due sources on an RQ queue in Redis; ``catalog worker`` processes take them from there."""

    def __init__(self, url: str, job_timeout: int = 6 * 3600):
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(url)
        self.queue = Queue(QUEUE_NAME, connection=self.connection)
        self.job_timeout = job_timeout

    def submit(self, source_id: str, name: str) -> None:
        job = self.queue.enqueue("catalog.scheduler.jobs.run_queued", source_id, name, job_timeout=self.job_timeout,
                                 description=f"harvest {name}", result_ttl=3600, failure_ttl=7 * 86400)
        events.emit("job.enqueued", source=name, queue_job=job.id)

    def active(self) -> set[str]:
        return set()

    def stop(self, grace: float) -> tuple[list[str], list[str]]:
        self.connection.close()
        return [], []


def open_dispatcher(catalog):
    """A Redis queue when ``QUEUE_URL`` is set, otherwise the in-process runner."""
    url = catalog.config.get("QUEUE_URL")
    return RedisQueue(url) if url else InProcess(catalog)
