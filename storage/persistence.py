"""PTB persistence backed by the bot's own SQLite database (conversation states only).

Only ConversationHandler states are persisted: everything else the bot knows lives in proper
tables. `update_conversation` writes immediately, so a flow survives a crash right after the
update that moved it (PTB's periodic flush would lose up to `update_interval` of progress).
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from storage.db import Database

# Same shapes as PTB's (private) type aliases; redeclared so we do not import PTB internals.
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]


class SqlitePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Stores ConversationHandler states in the `conversations` table."""

    def __init__(self, database: Database) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=60,
        )
        self.database = database

    async def get_conversations(self, name: str) -> ConversationDict:
        """All stored states of one conversation handler."""
        rows = await self.database.fetch_all(
            "SELECT key, state FROM conversations WHERE name = ?", (name,)
        )
        return {tuple(json.loads(row["key"])): json.loads(row["state"]) for row in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Write one state change at once (None ends the conversation)."""
        key_text = json.dumps(list(key))
        if new_state is None:
            await self.database.execute(
                "DELETE FROM conversations WHERE name = ? AND key = ?", (name, key_text)
            )
        else:
            await self.database.execute(
                "INSERT INTO conversations (name, key, state) VALUES (?, ?, ?) "
                "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
                (name, key_text, json.dumps(new_state)),
            )

    async def flush(self) -> None:
        """Nothing buffered: every change is written when it happens."""

    # The data stores below are switched off in store_data; PTB still requires the methods.
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        """Not persisted."""
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        """Not persisted."""
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        """Not persisted."""
        return {}

    async def get_callback_data(self) -> None:
        """Not persisted."""
        return None

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def update_callback_data(self, data: Any) -> None:
        """Not persisted."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Not persisted."""

    async def drop_user_data(self, user_id: int) -> None:
        """Not persisted."""

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Not persisted."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Not persisted."""


async def forget_conversations(database: Database, telegram_id: int) -> None:
    """Delete every stored flow state whose key contains this user's id (used by /forget)."""
    rows = await database.fetch_all("SELECT name, key FROM conversations")
    async with database.transaction() as connection:
        for row in rows:
            if telegram_id in json.loads(row["key"]):
                await connection.execute(
                    "DELETE FROM conversations WHERE name = ? AND key = ?",
                    (row["name"], row["key"]),
                )
