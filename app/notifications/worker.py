"""The background worker: sends the outbox and runs the periodic jobs. `qpi worker` runs it as a
process; `qpi serve` also runs one in a thread unless QPI_WORKER_IN_PROCESS=false. Any number may
run at once: the outbox's claims keep them from sending anything twice."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable

from sqlalchemy import Engine

from app.config import Settings
from app.notifications.outbox import DeliveryReport, send_due

log = logging.getLogger("qpi.worker")

Job = Callable[[Engine, Settings], object]


def _jobs() -> list[tuple[Job, float]]:
    """Jobs that queue work or tidy up, with how often they run (seconds): each takes (engine, settings)."""
    from app.accounts.housekeeping import clean_up
    from app.contacts.reminders import send_reminders

    return [(clean_up, 3600.0), (send_reminders, 60.0)]


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def run_jobs(engine: Engine, settings: Settings, last_run: dict[str, float], now: float) -> None:
    for job, every in _jobs():
        name = getattr(job, "__qualname__", repr(job))
        if now - last_run.get(name, float("-inf")) < every:
            continue
        last_run[name] = now
        try:
            job(engine, settings)
        except Exception:  # one failing job must not stop mail from going out
            log.exception("periodic job %s failed", name)


def run_once(
    engine: Engine, settings: Settings, identity: str, last_run: dict[str, float] | None = None
) -> DeliveryReport:
    run_jobs(engine, settings, {} if last_run is None else last_run, time.monotonic())
    return send_due(engine, settings, identity)


class Worker:
    def __init__(self, engine: Engine, settings: Settings, identity: str | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.identity = identity or worker_id()
        self.stop_event = threading.Event()
        self.last_run: dict[str, float] = {}

    def run(self, *, until_idle: bool = False) -> DeliveryReport:
        total = DeliveryReport()
        while not self.stop_event.is_set():
            try:
                report = run_once(self.engine, self.settings, self.identity, self.last_run)
            except Exception:  # the database may be briefly away; keep trying
                log.exception("worker round failed")
                report = DeliveryReport()
            total.sent += report.sent
            total.retried += report.retried
            total.failed += report.failed
            if until_idle and report.sent == 0 and report.retried == 0:
                return total
            self.stop_event.wait(self.settings.worker_poll_seconds)
        return total

    def stop(self) -> None:
        self.stop_event.set()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="qpi-worker", daemon=True)
        thread.start()
        return thread
