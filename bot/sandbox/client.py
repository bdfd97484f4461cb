"""Script-like test client: `ana.send("/start")`, `ana.click(msg, "I agree")`, `ana.last_message()`."""

from __future__ import annotations

import copy
import itertools
import time
from dataclasses import dataclass
from typing import Any, Protocol

from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.html_check import parse_html


class Sandbox(Protocol):
    """What a participant needs of the sandbox (bot.sandbox.harness.Sandbox has it)."""

    fake: FakeTelegram

    async def deliver(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Hand one update to the bot and wait until it has been handled."""


_callback_ids = itertools.count(1)


@dataclass
class SandboxMessage:
    """A message in a chat, as the person would see it."""

    raw: dict[str, Any]

    @property
    def id(self) -> int:
        """Telegram message id."""
        return int(self.raw["message_id"])

    @property
    def html(self) -> str:
        """The text as sent (HTML)."""
        return str(self.raw.get("text") or self.raw.get("caption") or "")

    @property
    def text(self) -> str:
        """The text as displayed (HTML parsed away)."""
        if self.raw.get("parse_mode") == "HTML":
            return parse_html(self.html)
        return self.html

    @property
    def from_bot(self) -> bool:
        """True if the bot sent it."""
        return bool(self.raw.get("from", {}).get("is_bot"))

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """Inline keyboard rows of (label, callback data or url)."""
        markup = self.raw.get("reply_markup") or {}
        return [
            [(b["text"], b.get("callback_data") or b.get("url", "")) for b in row]
            for row in markup.get("inline_keyboard", [])
        ]

    @property
    def button_labels(self) -> list[str]:
        """All button labels, flattened."""
        return [label for row in self.buttons for label, _ in row]

    def __repr__(self) -> str:
        return f"<message {self.id}: {self.text[:60]!r} {self.button_labels}>"


class _Participant:
    """Common parts of a person in a private chat and of someone in the coordinators' group."""

    sandbox: Sandbox
    chat_id: int

    def _user(self) -> dict[str, Any]:
        raise NotImplementedError

    def _chat(self) -> dict[str, Any]:
        return self.sandbox.fake.chat(self.chat_id)

    def messages(self) -> list[SandboxMessage]:
        """Every message in the chat, oldest first."""
        # Snapshots: a test holding an old message keeps its old buttons, like a second device.
        return [SandboxMessage(copy.deepcopy(m)) for m in self.sandbox.fake.sent_to(self.chat_id)]

    def bot_messages(self) -> list[SandboxMessage]:
        """Only what the bot sent."""
        return [m for m in self.messages() if m.from_bot]

    def last_message(self) -> SandboxMessage:
        """The bot's most recent message in this chat."""
        sent = self.bot_messages()
        if not sent:
            raise AssertionError("the bot has sent nothing to this chat")
        return sent[-1]

    def last_with_buttons(self) -> SandboxMessage:
        """The bot's most recent message that has buttons."""
        for message in reversed(self.bot_messages()):
            if message.buttons:
                return message
        raise AssertionError("no message with buttons in this chat")

    async def _message(self, **content: Any) -> list[SandboxMessage]:
        before = len(self.bot_messages())
        message_id = self.sandbox.fake.next_message_id(self.chat_id)
        message = {
            "message_id": message_id,
            "from": self._user(),
            "chat": self._chat(),
            "date": int(time.time()),
            **content,
        }
        self.sandbox.fake.messages.setdefault(self.chat_id, {})[message_id] = message
        await self.sandbox.deliver({"message": message})
        return self.bot_messages()[before:]

    async def send(
        self, text: str, *, reply_to: SandboxMessage | None = None
    ) -> list[SandboxMessage]:
        """Type a message (commands get a BOT_COMMAND entity); returns the bot's new messages."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            content["reply_to_message"] = reply_to.raw
        return await self._message(**content)

    async def send_sticker(self) -> list[SandboxMessage]:
        """Send a sticker."""
        return await self._message(
            sticker={
                "file_id": "sticker-1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        )

    async def send_photo(self, caption: str | None = None) -> list[SandboxMessage]:
        """Send a photo (with an optional caption)."""
        content: dict[str, Any] = {
            "photo": [{"file_id": "photo-u1", "file_unique_id": "pu1", "width": 100, "height": 100}]
        }
        if caption:
            content["caption"] = caption
        return await self._message(**content)

    async def send_voice(self) -> list[SandboxMessage]:
        """Send a voice note."""
        return await self._message(
            voice={"file_id": "voice-1", "file_unique_id": "v1", "duration": 3}
        )

    async def edit(self, message: SandboxMessage, text: str) -> list[SandboxMessage]:
        """Edit one of this person's earlier messages."""
        before = len(self.bot_messages())
        edited = dict(message.raw, text=text, edit_date=int(time.time()))
        await self.sandbox.deliver({"edited_message": edited})
        return self.bot_messages()[before:]

    async def click(self, message: SandboxMessage, label: str) -> list[SandboxMessage]:
        """Press the button whose label contains `label`; returns the bot's new messages."""
        matches = [(text, data) for row in message.buttons for text, data in row if label in text]
        if not matches:
            raise AssertionError(f"no button {label!r} in {message!r}")
        return await self.press(message, matches[0][1])

    async def press(self, message: SandboxMessage, data: str) -> list[SandboxMessage]:
        """Send a callback query with any data (also forged data, for tests)."""
        before = len(self.bot_messages())
        await self.sandbox.deliver(
            {
                "callback_query": {
                    "id": str(next(_callback_ids)),
                    "from": self._user(),
                    "chat_instance": "ci",
                    "message": self.sandbox.fake.messages.get(self.chat_id, {}).get(
                        message.id, message.raw
                    ),
                    "data": data,
                }
            }
        )
        return self.bot_messages()[before:]

    def answers(self) -> list[dict[str, Any]]:
        """answerCallbackQuery calls made so far (toasts/alerts the person saw)."""
        return [
            params for method, params in self.sandbox.fake.calls if method == "answerCallbackQuery"
        ]


class SandboxUser(_Participant):
    """A person in a private chat with the bot."""

    def __init__(
        self, sandbox: Sandbox, user_id: int, name: str, language_code: str, username: str | None
    ) -> None:
        self.sandbox, self.id, self.name = sandbox, user_id, name
        self.language_code, self.username = language_code, username
        self.chat_id = user_id
        sandbox.fake.chats[user_id] = {"id": user_id, "type": "private", "first_name": name}
        if username:  # getChat returns it, as Telegram does
            sandbox.fake.chats[user_id]["username"] = username

    def _user(self) -> dict[str, Any]:
        user = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.name,
            "language_code": self.language_code,
        }
        if self.username:
            user["username"] = self.username
        return user

    async def block(self) -> None:
        """Block the bot: sends now fail with 403, and Telegram tells the bot."""
        self.sandbox.fake.blocked.add(self.id)
        await self._member_status("kicked", "member")

    async def unblock(self) -> None:
        """Unblock the bot."""
        self.sandbox.fake.blocked.discard(self.id)
        await self._member_status("member", "kicked")

    async def _member_status(self, new: str, old: str) -> None:
        bot = self.sandbox.fake._m_getMe({})
        stamp = int(time.time())
        await self.sandbox.deliver(
            {
                "my_chat_member": {
                    "chat": self._chat(),
                    "from": self._user(),
                    "date": stamp,
                    "old_chat_member": {"status": old, "user": bot}
                    | ({"until_date": 0} if old == "kicked" else {}),
                    "new_chat_member": {"status": new, "user": bot}
                    | ({"until_date": 0} if new == "kicked" else {}),
                }
            }
        )


class SandboxGroup:
    """The coordinators' group; `as_member(...)` gives a person who posts in it."""

    def __init__(self, sandbox: Sandbox, chat_id: int) -> None:
        self.sandbox, self.chat_id = sandbox, chat_id
        sandbox.fake.chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": "Coordinators"}

    def coordinator(
        self, name: str = "Cleo", user_id: int | None = None, status: str = "member"
    ) -> GroupMember:
        """A coordinator who is a member of the group (as getChatMember will say)."""
        person = GroupMember(
            self.sandbox,
            self.chat_id,
            user_id or 900_000 + len(name) * 7919 + sum(map(ord, name)),
            name,
        )
        self.sandbox.fake.chat_members.setdefault(self.chat_id, {})[person.id] = status
        return person

    def messages(self) -> list[SandboxMessage]:
        """Everything in the group."""
        return [SandboxMessage(m) for m in self.sandbox.fake.sent_to(self.chat_id)]

    def bot_messages(self) -> list[SandboxMessage]:
        """What the bot posted in the group."""
        return [m for m in self.messages() if m.from_bot]


class GroupMember(_Participant):
    """Someone posting in a group chat (coordinators' group, or another group for tests)."""

    def __init__(self, sandbox: Sandbox, chat_id: int, user_id: int, name: str) -> None:
        self.sandbox, self.chat_id, self.id, self.name = sandbox, chat_id, user_id, name

    def _user(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.name, "language_code": "en"}

    def remove_from_group(self) -> None:
        """They leave or are removed: getChatMember now says 'left'."""
        self.sandbox.fake.chat_members.setdefault(self.chat_id, {})[self.id] = "left"
