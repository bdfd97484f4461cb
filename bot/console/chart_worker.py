"""The dashboard chart drawn off the event loop, in one spawned process; the last PNG is kept."""

from __future__ import annotations

import asyncio
import hashlib
import pickle
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from bot.console.charts import render_dashboard
from bot.console.disclosure import Suppressed
from bot.console.reports import Report

_worker: ProcessPoolExecutor | None = None
# The last chart drawn, by a digest of everything it was drawn from: the figures only change
# when the weekly roll-ups do, so a repeated /dashboard costs no drawing.
_last: tuple[bytes, bytes] | None = None


def _render_pickled(inputs: bytes) -> bytes:
    report, titles = pickle.loads(inputs)  # pickled once by the bot: the same bytes are its key
    return render_dashboard(report, lambda number: titles.get(number, "?"))


def _warm() -> None:
    """Import matplotlib and draw once in the worker, so that the first real chart is quick."""
    render_dashboard(
        Report(weeks=[], cells=Suppressed({}, {}), weekly_mood={}, weekly_completion={}),
        lambda number: "",
    )


def start_worker() -> ProcessPoolExecutor | None:
    """The drawing process, started (and warmed up in the background) if it is not running.

    Spawned, not forked: forking a process that runs threads is unsafe. None if it cannot start.
    """
    global _worker
    if _worker is None:
        try:
            _worker = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
            _worker.submit(_warm)
        except (BrokenProcessPool, OSError):
            _worker = None
    return _worker


def stop_worker() -> None:
    """Stop the drawing process at shutdown, without waiting for a drawing in progress."""
    global _worker
    if _worker is None:
        return
    worker, _worker = _worker, None
    processes = list((getattr(worker, "_processes", None) or {}).values())  # no public way < 3.14
    worker.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


async def render_off_loop(report: Report, titles: dict[int, str]) -> bytes:
    """Draw in a worker process: drawing holds the GIL in long stretches, which in a thread
    still stalls the event loop (a crisis reply would wait). One worker, started after start-up
    or on the first /dashboard; a thread if it cannot run. The same figures give the same PNG."""
    global _worker, _last
    inputs = pickle.dumps((report, titles), protocol=pickle.HIGHEST_PROTOCOL)
    key = hashlib.sha256(inputs).digest()
    if _last is not None and _last[0] == key:
        return _last[1]
    loop = asyncio.get_running_loop()
    try:
        worker = start_worker()
        if worker is None:
            raise OSError("no worker process")
        png = await loop.run_in_executor(worker, _render_pickled, inputs)
    except (BrokenProcessPool, OSError):
        _worker = None
        png = await asyncio.to_thread(_render_pickled, inputs)
    _last = (key, png)
    return png
