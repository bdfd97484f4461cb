"""A fake Telegram Bot API: chats, messages, updates, validation and fault injection.

It answers the way Telegram does ({"ok": ..., "result"/"description"}, with the same status codes)
so the real PTB client, its error mapping and our rate limiter all run unchanged against it.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

from bot.sandbox.fake_faults import Faults, Limits
from bot.sandbox.fake_faults import SandboxTimeout as SandboxTimeout
from bot.sandbox.fake_methods import BOT_ID, BotApiMethods
from bot.sandbox.spec import ApiSpec, RequestViolation, check_limits, load_spec, spec_path

BOT_USERNAME = "companion_sandbox_bot"
SEND_METHODS = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendSticker",
    "sendVoice",
    "sendVideo",
    "sendAudio",
    "sendAnimation",
    "copyMessage",
}


class FakeTelegram(BotApiMethods):
    """In-memory Telegram: what the bot sent, what users did, and every violation."""

    def __init__(self, *, spec: ApiSpec | bool | None = True) -> None:
        self.spec: ApiSpec | None = load_spec(spec_path()) if spec is True else (spec or None)
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.violations: list[tuple[str, str]] = []
        self.faults = Faults()
        self.limits = Limits()
        self.counts_429 = 0
        self.blocked: set[int] = set()
        self.kicked_from: set[int] = set()  # groups the bot was removed from (403 there)
        self.migrated: dict[int, int] = {}  # group id -> its supergroup id (400 + migrate_to)
        # Button presses answered so far: query id -> True if the bot saw that answer succeed.
        self.answered_presses: dict[str, bool] = {}
        self.chat_members: dict[int, dict[int, str]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        # Chats Telegram answers "chat not found" for (a wrong id, or a group without the bot).
        self.unknown_chats: set[int] = set()
        self.files: dict[str, bytes] = {}
        self.updates: list[dict[str, Any]] = []
        self.confirmed_offset = 0
        self.on_call: list[Callable[[str, dict[str, Any]], None]] = []
        self._update_ids = itertools.count(1)
        self.first_message_id = 1
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._new_update = asyncio.Event()
        self._send_times: dict[int, list[float]] = {}
        self._global_times: list[float] = []
        self.clock: Callable[[], float] = time.monotonic
        self.topics = itertools.count(100)

    # ---- the bot side -------------------------------------------------------------------
    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call with (HTTP status, JSON body)."""
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        if method != "getUpdates":
            self.calls.append((method, params))
            for listener in self.on_call:
                listener(method, params)
        fault = self._pick_fault(method)
        if fault in {"429", "500"}:
            return self._fault_response(fault)
        try:
            if self.spec is not None:
                self.spec.check_call(method, params)
            check_limits(method, params)
        except RequestViolation as exc:
            self.violations.append((method, str(exc)))
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        if fault == "timeout":
            raise SandboxTimeout(delivered=False)
        if method == "answerCallbackQuery":
            refused = self._answer_once(str(params.get("callback_query_id")), fault)
            if refused:
                return refused
        chat_id = params.get("chat_id")
        if self.unknown_chats and self._names_unknown_chat(params):
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: chat not found",
            }
        gone = self._group_gone(chat_id)
        if gone:
            return gone
        if method in SEND_METHODS and isinstance(chat_id, int):
            if chat_id in self.blocked:
                return 403, {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            flood = self._flood_check(chat_id)
            if flood:
                return flood
        result = await self._dispatch(method, params)
        if fault == "timeout_delivered":
            raise SandboxTimeout(delivered=True)
        if isinstance(result, tuple):
            return result
        return 200, {"ok": True, "result": result}

    def _group_gone(self, chat_id: Any) -> tuple[int, dict[str, Any]] | None:
        """Telegram's answers for a group the bot left, or one that became a supergroup."""
        if chat_id in self.kicked_from:
            return 403, {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was kicked from the supergroup chat",
            }
        if chat_id in self.migrated:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": self.migrated[chat_id]},
            }
        return None

    def _pick_fault(self, method: str) -> str | None:
        if method in {"getUpdates", "getMe", "setMyCommands", "deleteWebhook"}:
            return None
        if self.faults.queued:
            return self.faults.queued.pop(0)
        roll = self.faults.random.random()
        if roll < self.faults.rate_429:
            return "429"
        if roll < self.faults.rate_429 + self.faults.rate_5xx:
            return "500"
        if roll < self.faults.rate_429 + self.faults.rate_5xx + self.faults.rate_timeout:
            return "timeout"
        return None

    def _fault_response(self, fault: str) -> tuple[int, dict[str, Any]]:
        if fault == "429":
            self.counts_429 += 1
            after = self.faults.retry_after
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {after}",
                "parameters": {"retry_after": after},
            }
        return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}

    def _flood_check(self, chat_id: int) -> tuple[int, dict[str, Any]] | None:
        """Telegram's limits: global per second, per chat per second (small burst), group per minute."""
        if not self.limits.enforce:
            return None
        now = self.clock()
        self._global_times = [t for t in self._global_times if now - t < 1.0]
        chat_times = [t for t in self._send_times.get(chat_id, []) if now - t < 60.0]
        per_second = sum(1 for t in chat_times if now - t < 1.0)
        too_many = len(self._global_times) >= self.limits.global_per_second or (
            per_second >= max(self.limits.chat_burst, self.limits.chat_per_second)
        )
        if chat_id < 0 and len(chat_times) >= self.limits.group_per_minute:
            too_many = True
        if too_many:
            return self._fault_response("429")
        self._global_times.append(now)
        chat_times.append(now)
        self._send_times[chat_id] = chat_times
        return None

    def _answer_once(self, query_id: str, fault: str | None) -> tuple[int, dict[str, Any]] | None:
        """Telegram takes one answer per button press and refuses the next. A second answer
        after one the bot saw succeed is a bug (recorded as a violation); after a timeout the
        bot cannot know, so retrying is fair."""
        if query_id in self.answered_presses:
            if self.answered_presses[query_id]:
                self.violations.append(("answerCallbackQuery", "a button press answered twice"))
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": (
                    "Bad Request: query is too old and response timeout expired or query ID is invalid"
                ),
            }
        self.answered_presses[query_id] = fault != "timeout_delivered"
        return None

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return True
        return await handler(params) if asyncio.iscoroutinefunction(handler) else handler(params)

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Companion (sandbox)",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        if offset > self.confirmed_offset:
            self.confirmed_offset = offset
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        pending = [u for u in self.updates if u["update_id"] >= self.confirmed_offset]
        if not pending and params.get("timeout"):
            self._new_update.clear()
            try:
                await asyncio.wait_for(
                    self._new_update.wait(), timeout=min(float(params["timeout"]), 1.0)
                )
            except TimeoutError:
                return []
            pending = [u for u in self.updates if u["update_id"] >= self.confirmed_offset]
        return pending[: int(params.get("limit", 100) or 100)]

    def _store(self, chat_id: int, message: dict[str, Any]) -> dict[str, Any]:
        self.messages.setdefault(chat_id, {})[message["message_id"]] = message
        return message

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count per chat, like Telegram's."""
        return next(self._message_ids.setdefault(chat_id, itertools.count(self.first_message_id)))

    def _bot_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": self.next_message_id(chat_id),
            "from": self._m_getMe({}),
            "chat": self.chat(chat_id),
            "date": int(time.time()),
            **content,
        }
        for key in ("reply_markup", "message_thread_id", "protect_content", "parse_mode"):
            if key in params:
                message[key] = params[key]
        if "inline_keyboard" not in message.get("reply_markup", {"inline_keyboard": []}):
            del message["reply_markup"]  # Telegram's Message carries inline keyboards only
        if "reply_parameters" in params:
            message["reply_to_message_id"] = params["reply_parameters"].get("message_id")
        return self._store(chat_id, message)

    # ---- the user side ------------------------------------------------------------------
    def chat(self, chat_id: int) -> dict[str, Any]:
        """The Chat object for an id (private chats for positive ids)."""
        if chat_id not in self.chats:
            if chat_id > 0:
                self.chats[chat_id] = {
                    "id": chat_id,
                    "type": "private",
                    "first_name": f"User{chat_id}",
                }
            else:
                self.chats[chat_id] = {
                    "id": chat_id,
                    "type": "supergroup",
                    "title": f"Group {chat_id}",
                }
        return self.chats[chat_id]

    def push_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (and return it, for in-process delivery)."""
        update = {"update_id": next(self._update_ids), **payload}
        self.updates.append(update)
        self._new_update.set()
        return update

    def _find(self, params: dict[str, Any]) -> dict[str, Any] | None:
        return self.messages.get(int(params.get("chat_id", 0)), {}).get(
            int(params.get("message_id", 0))
        )

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message currently in a chat, oldest first (bot's and user's)."""
        return list(self.messages.get(chat_id, {}).values())
