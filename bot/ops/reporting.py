"""Optional error reporting to Sentry (`pip install .[sentry]`, SENTRY_DSN set) and JSON logs.

Sentry gets what the log gets and no more: log records at ERROR become events, INFO and up
breadcrumbs; no stack-frame variables (they would hold member text), no request bodies, no
default integrations (the HTTP one records request URLs, which hold the token), and every
string of every event passes through the same token masking as the log lines.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # sentry-sdk is an optional extra: its types are needed only to check
    from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

TOKEN_MASK = "[bot token]"


def scrub(value: Any, token: str) -> Any:
    """`value` with the token masked in every string, however deeply nested."""
    if isinstance(value, str):
        return value.replace(token, TOKEN_MASK) if token else value
    if isinstance(value, dict):
        return {key: scrub(item, token) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item, token) for item in value]
    return value


def _without_frame_variables(event: Event) -> Event:
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    event.pop("extra", None)  # LogRecord extras: whatever a caller attached
    event.pop("request", None)
    return event


def setup_sentry(
    dsn: str, token: str, *, environment: str = "production", transport: Any = None
) -> None:
    """Start reporting ERROR log records and unhandled exceptions to Sentry."""
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration

    def before_send(event: Event, hint: Hint) -> Event:
        return scrub(_without_frame_variables(event), token)

    def before_breadcrumb(crumb: Breadcrumb, hint: BreadcrumbHint) -> Breadcrumb:
        crumb.pop("data", None)
        return scrub(crumb, token)

    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        default_integrations=False,
        auto_enabling_integrations=False,
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        **options,
    )


class JsonFormatter(logging.Formatter):
    """One JSON object per line (time, level, logger, message, exception): for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line (the token filter has already run on the message)."""
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
