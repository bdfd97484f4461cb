"""Optional Prometheus metrics (`pip install .[metrics]`, METRICS_PORT set): off by default.

While off, every function here returns at once and prometheus_client is never imported. Labels
are kinds, lanes, Bot API methods and error class names only: never a chat, a member or text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.clock import to_db

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from storage.db import Database

UPDATE_KINDS = ("message", "edited_message", "callback_query", "my_chat_member", "chat_member")
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
CLAIM_BUCKETS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400)


class _Metrics:
    """The instruments, registered in one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        self.registry = registry
        self.updates = Counter(
            "companion_updates_handled", "Updates handled, by kind", ["kind"], registry=registry
        )
        self.latency = Histogram(
            "companion_reply_latency_seconds",
            "From an update's arrival to its handlers finished (replies sent)",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.sends = Counter(
            "companion_bot_api_calls",
            "Bot API calls that succeeded, by method",
            ["method"],
            registry=registry,
        )
        self.failures = Counter(
            "companion_bot_api_failures",
            "Bot API calls that failed, by method and error",
            ["method", "error"],
            registry=registry,
        )
        self.backlog = Gauge(
            "companion_outbox_backlog",
            "Outbox rows due and not yet sent, by lane",
            ["lane"],
            registry=registry,
        )
        self.alerts_open = Gauge(
            "companion_alerts_open",
            "Crisis alerts not yet resolved, by status",
            ["status"],
            registry=registry,
        )
        self.time_to_claim = Histogram(
            "companion_alert_time_to_claim_seconds",
            "From a crisis alert to a coordinator claiming it",
            buckets=CLAIM_BUCKETS,
            registry=registry,
        )


_metrics: _Metrics | None = None


def enable(registry: CollectorRegistry | None = None) -> CollectorRegistry:
    """Create the instruments (in `registry`, or a fresh one) and start recording."""
    from prometheus_client import CollectorRegistry

    global _metrics
    _metrics = _Metrics(registry or CollectorRegistry())
    return _metrics.registry


def disable() -> None:
    """Stop recording (tests)."""
    global _metrics
    _metrics = None


def enabled() -> bool:
    """Whether metrics are being recorded."""
    return _metrics is not None


def serve(listen: str, port: int) -> None:
    """Expose /metrics on listen:port (a thread of prometheus_client's own)."""
    from prometheus_client import start_http_server

    assert _metrics is not None
    start_http_server(port, addr=listen, registry=_metrics.registry)


def update_kind(update: object) -> str:
    """Which kind of update this is (the label)."""
    for kind in UPDATE_KINDS:
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def update_handled(update: object, started: float) -> None:
    """Count an update and its latency (`started` from time.monotonic())."""
    if _metrics is None:
        return
    kind = update_kind(update)
    _metrics.updates.labels(kind).inc()
    _metrics.latency.labels(kind).observe(time.monotonic() - started)


Call = Callable[..., Coroutine[Any, Any, Any]]


def counted(callback: Call, method: str) -> Call:
    """Wrap a Bot API call so its success or failure is counted (unchanged while off)."""
    if _metrics is None or method == "getUpdates":
        return callback
    metrics = _metrics

    async def call(*args: Any, **kwargs: Any) -> Any:
        try:
            result = await callback(*args, **kwargs)
        except Exception as exc:
            metrics.failures.labels(method, type(exc).__name__).inc()
            raise
        metrics.sends.labels(method).inc()
        return result

    return call


def claimed(seconds: float) -> None:
    """A coordinator claimed an alert this long after it was raised."""
    if _metrics is not None:
        _metrics.time_to_claim.observe(seconds)


async def refresh(db: Database, now: datetime) -> None:
    """Update the gauges read from the database (the sweep calls this every round)."""
    if _metrics is None:
        return
    backlog = dict.fromkeys(("crisis", "interactive", "relay", "scheduled", "broadcast"), 0)
    for lane, count in await db.fetch_all(
        "SELECT lane, COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') "
        "AND not_before <= ? GROUP BY lane",
        (to_db(now),),
    ):
        backlog[lane] = count
    for lane, count in backlog.items():
        _metrics.backlog.labels(lane).set(count)
    alerts = {"open": 0, "claimed": 0}
    for status, count in await db.fetch_all(
        "SELECT status, COUNT(*) FROM escalations WHERE status != 'resolved' GROUP BY status"
    ):
        alerts[status] = count
    for status, count in alerts.items():
        _metrics.alerts_open.labels(status).set(count)
