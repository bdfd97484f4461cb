"""Update processing that keeps each chat's updates in order but runs different chats at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own semaphore is taken *before* do_process_update, so if it were the bound, one chat that
# floods us could fill every slot with updates that only wait for that chat's lock and starve
# everyone else. We therefore give PTB a generous ceiling and enforce the real bound ourselves,
# after the per-chat lock, where it counts only updates that can actually run.
_PTB_CEILING = 100_000


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (user id for chat-less updates), or None."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently (at most `max_running`), one chat in order."""

    def __init__(self, max_running: int) -> None:
        super().__init__(max_concurrent_updates=_PTB_CEILING)
        self.max_running = max_running
        self._running = asyncio.Semaphore(max_running)
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._waiters: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this chat's earlier updates, then for a free slot, then run."""
        key = chat_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        lock = self._chat_locks.setdefault(key, asyncio.Lock())
        self._waiters[key] = self._waiters.get(key, 0) + 1
        try:
            # asyncio.Lock wakes waiters first-in first-out, and tasks reach this line in the
            # order PTB created them, so a chat's updates run in arrival order.
            async with lock, self._running:
                await coroutine
        finally:
            self._waiters[key] -= 1
            if self._waiters[key] == 0:
                # Forget idle chats so the dict does not grow with every chat ever seen.
                del self._waiters[key]
                del self._chat_locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
