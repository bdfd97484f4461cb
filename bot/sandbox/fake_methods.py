"""The Bot API methods FakeTelegram answers (sending, editing, members, topics) and its id
bookkeeping (unknown chats, carrying on after an earlier run), as a mixin.

Kept apart from fake_telegram.py, which holds the transport side: validation, faults, flood
limits and the update queue.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

BOT_ID = 5_000_000_001  # the sandbox bot's user id (getMe)


class NamedFile(bytes):
    """An uploaded file's bytes with the file name the bot gave it (Telegram keeps it too)."""

    filename: str | None = None

    @classmethod
    def of(cls, content: bytes, filename: str | None) -> NamedFile:
        """Wrap uploaded bytes with their name."""
        named = cls(content)
        named.filename = filename
        return named


class BotApiMethods:
    """`_m_<method>` handlers; FakeTelegram provides the state they read and write."""

    messages: dict[int, dict[int, dict[str, Any]]]
    files: dict[str, bytes]
    chat_members: dict[int, dict[int, str]]
    topics: itertools.count[int]
    _bot_message: Callable[..., dict[str, Any]]
    _find: Callable[[dict[str, Any]], dict[str, Any] | None]
    chat: Callable[[int], dict[str, Any]]
    unknown_chats: set[int]
    first_message_id: int
    _update_ids: itertools.count[int]
    _message_ids: dict[int, itertools.count[int]]

    def continue_from(self, next_update_id: int, next_message_id: int) -> None:
        """Carry on where an earlier run against the same database stopped: Telegram never
        reuses an update id (the bot drops seen ones as replays) nor a chat's message ids."""
        self._update_ids = itertools.count(max(1, next_update_id))
        self.first_message_id = max(1, next_message_id)
        self._message_ids.clear()

    def highest_ids(self) -> tuple[int, int]:
        """(the last update id handed out, the highest message id in any chat)."""
        probe = next(self._update_ids)
        self._update_ids = itertools.count(probe)
        message_ids = [mid for chat in self.messages.values() for mid in chat]
        return probe - 1, max(message_ids, default=self.first_message_id - 1)

    def _names_unknown_chat(self, params: dict[str, Any]) -> bool:
        """Whether the call names a chat in `unknown_chats` (directly or in a command scope)."""
        scope = params.get("scope")
        if isinstance(scope, str):
            scope = json.loads(scope)
        ids = [params.get("chat_id"), scope.get("chat_id") if isinstance(scope, dict) else None]
        return any(value is not None and int(value) in self.unknown_chats for value in ids)

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_message(params, text=params["text"], parse_mode=params.get("parse_mode"))

    def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"photo-{len(self.files) + 1}"
        photo = params.get("photo")
        self.files[file_id] = photo if isinstance(photo, bytes) else b""
        return self._bot_message(
            params,
            photo=[{"file_id": file_id, "file_unique_id": file_id, "width": 1, "height": 1}],
            caption=params.get("caption"),
        )

    def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"doc-{len(self.files) + 1}"
        document = params.get("document")
        self.files[file_id] = document if isinstance(document, bytes) else b""
        meta = {"file_id": file_id, "file_unique_id": file_id}
        if isinstance(document, NamedFile) and document.filename:
            meta["file_name"] = str(document.filename)
        return self._bot_message(params, document=meta, caption=params.get("caption"))

    def _m_copyMessage(self, params: dict[str, Any]) -> Any:
        source = self.messages.get(int(params["from_chat_id"]), {}).get(int(params["message_id"]))
        if source is None:
            return _bad_request("message to copy not found")
        content = {
            k: v
            for k, v in source.items()
            if k in {"text", "photo", "sticker", "voice", "caption", "document", "video"}
        }
        copied = self._bot_message(
            params, **content, copied_from=(source["chat"]["id"], source["message_id"])
        )
        return {"message_id": copied["message_id"]}

    def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._find(params)
        if message is None:
            return _bad_request("message to edit not found")
        if message.get("text") == params["text"] and message.get("reply_markup") == params.get(
            "reply_markup"
        ):
            return _bad_request("message is not modified")
        message["text"] = params["text"]
        message["parse_mode"] = params.get("parse_mode")
        message.pop("reply_markup", None)
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        message["edited"] = message.get("edited", 0) + 1
        return message

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._find(params)
        if message is None:
            return _bad_request("message to edit not found")
        message.pop("reply_markup", None)
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def _m_deleteMessage(self, params: dict[str, Any]) -> bool:
        self.messages.get(int(params["chat_id"]), {}).pop(int(params["message_id"]), None)
        return True

    def _m_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        # The bot itself is an admin of a group unless a test says otherwise.
        default = "administrator" if int(params["user_id"]) == BOT_ID else "left"
        status = self.chat_members.get(int(params["chat_id"]), {}).get(
            int(params["user_id"]), default
        )
        user = {"id": int(params["user_id"]), "is_bot": False, "first_name": "Member"}
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "administrator":
            member.update(
                {
                    key: True
                    for key in (
                        "can_be_edited",
                        "is_anonymous",
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_promote_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                    )
                }
            )
            member["is_anonymous"] = False
            member["can_be_edited"] = False
        if status == "restricted":
            member.update({"is_member": True, "until_date": 0})
        if status == "kicked":
            member["until_date"] = 0
        return member

    def _m_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = dict(self.chat(int(params["chat_id"])))
        chat.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return chat

    def _m_createForumTopic(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_thread_id": next(self.topics),
            "name": params["name"],
            "icon_color": 7322096,
        }


def _bad_request(reason: str) -> tuple[int, dict[str, Any]]:
    """Telegram's answer to a request it refuses: 400 and "Bad Request: <reason>"."""
    return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {reason}"}
