"""Forum topics: when the coordinators' group is a forum, each pair gets a topic of its own.

Pairs' alerts and summaries then land in one thread per pair instead of one busy chat. A group
that is not a forum (the usual case) is detected once and everything goes to the main chat.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from storage import console
from storage.pairs import Pair

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


async def group_is_forum(services: Services, bot: Any) -> bool:
    """Whether the coordinators' group is a forum (asked once, then remembered)."""
    known = services.caches.group_is_forum
    if known is None:
        try:
            chat = await bot.get_chat(services.settings.coordinator_chat_id)
        except Exception:  # a failed lookup must never block pairing; try again next time
            log.warning("could not read the coordinators' group; no forum topic")
            return False
        known = bool(getattr(chat, "is_forum", False))
        services.caches.group_is_forum = known
    return bool(known)


async def pair_topic(services: Services, bot: Any, pair: Pair) -> int | None:
    """The pair's topic id, created on first use if the group is a forum; else None."""
    existing = pair.forum_topic_id or await console.forum_topic_of(services.db, pair.id)
    if existing:
        return existing
    if not await group_is_forum(services, bot):
        return None
    try:
        topic = await bot.create_forum_topic(
            services.settings.coordinator_chat_id, f"Pair {pair.code}"
        )
    except Exception:
        log.warning("could not create a forum topic for a pair")
        return None
    topic_id = int(topic.message_thread_id)
    await console.set_forum_topic(services.db, pair.id, topic_id)
    return topic_id
