"""How each generated fuzz action becomes real updates: texts, commands, presses, media, groups."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from bot.sandbox.client import GroupMember, SandboxMessage, SandboxUser, _Participant
from bot.sandbox.fuzz_parts import CHANNEL_ID, FuzzStats
from bot.sandbox.harness import Sandbox


class FuzzMoves:
    """The `_do_<kind>` actions of a `Fuzzer`, over the cast it assembled."""

    sandbox: Sandbox
    stats: FuzzStats
    users: list[SandboxUser]
    group_people: list[GroupMember]
    strangers: list[GroupMember]
    prefixes: list[list[str]]

    def _user(self, who: int) -> SandboxUser:
        return self.users[who % len(self.users)]

    def _command_text(self, spec: tuple[str, str, str, bool]) -> tuple[str, bool]:
        name, argument, suffix, with_entity = spec
        if suffix == "UPPER":
            name, suffix = name.upper(), ""
        return f"/{name}{suffix} {argument}".rstrip(
            " "
        ) if argument else f"/{name}{suffix}", with_entity

    async def _send(self, person: _Participant, spec: Any, **extra: Any) -> None:
        if isinstance(person, SandboxUser) and person.id in self.sandbox.fake.blocked:
            await person.unblock()  # writing to a bot unblocks it, as in Telegram
            self.stats.updates += 1
        if isinstance(spec, tuple):
            text, with_entity = self._command_text(spec)
            content: dict[str, Any] = {"text": text}
            if with_entity:
                length = len(text.split()[0].encode("utf-16-le")) // 2 if text.split() else 1
                content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        else:
            content = {"text": spec}
        await person._message(**content, **extra)
        self.stats.updates += 1

    async def _do_text(self, who: int, text: str) -> None:
        await self._send(self._user(who), text)

    async def _do_command(self, who: int, spec: tuple[str, str, str, bool]) -> None:
        await self._send(self._user(who), spec)

    async def _press(
        self, person: _Participant, messages: list[SandboxMessage], pick: int, button: int
    ) -> None:
        with_buttons = [m for m in messages if m.buttons]
        if not with_buttons:
            return
        message = with_buttons[pick % len(with_buttons)]
        flat = [data for row in message.buttons for _, data in row if data]
        if not flat:
            return
        await person.press(message, flat[button % len(flat)])
        self.stats.updates += 1

    async def _do_press_current(self, who: int, button: int) -> None:
        person = self._user(who)
        messages = person.bot_messages()[-1:]
        await self._press(person, messages, 0, button)

    async def _do_press_stale(self, who: int, pick: int, button: int) -> None:
        person = self._user(who)
        await self._press(person, person.bot_messages(), pick, button)

    async def _anchor(self, person: _Participant) -> SandboxMessage:
        sent = person.bot_messages()
        if sent:
            return sent[-1]
        return SandboxMessage(
            {
                "message_id": 1,
                "chat": person._chat(),
                "date": 0,
                "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
            }
        )

    async def _do_press_forged(self, who: int, data: str) -> None:
        person = self._user(who)
        await person.press(await self._anchor(person), data or "x")
        self.stats.updates += 1

    async def _do_press_signed_odd(self, who: int, spec: tuple[int, list[str]]) -> None:
        """A correctly signed button with arguments no handler ever produced (old versions, bugs)."""
        pick, arguments = spec
        if not self.prefixes:
            return
        prefix = self.prefixes[pick % len(self.prefixes)]
        assert self.sandbox.services is not None
        try:
            data = self.sandbox.services.signer.sign(*prefix, *arguments)
        except ValueError:  # too long to be signed: Telegram could not carry it either
            return
        person: _Participant = self._user(who)
        if prefix[0] == "co":
            person = self.group_people[who % len(self.group_people)]
        await person.press(await self._anchor(person), data)
        self.stats.signed_odd_updates.add(self.sandbox.fake.updates[-1]["update_id"])
        self.stats.updates += 1

    async def _do_media(self, who: int, kind: str, caption: str | None) -> None:
        person = self._user(who)
        if kind == "sticker":
            await person.send_sticker()
        elif kind == "photo":
            await person.send_photo(caption[:1024] if caption else None)
        else:
            await person.send_voice()
        self.stats.updates += 1

    async def _do_edit(self, who: int, pick: int, text: str) -> None:
        person = self._user(who)
        own = [
            SandboxMessage(m)
            for m in self.sandbox.fake.sent_to(person.chat_id)
            if not m.get("from", {}).get("is_bot") and m.get("text")
        ]
        if not own:
            return
        await person.edit(own[pick % len(own)], text)
        self.stats.updates += 1

    async def _do_reply_to(self, who: int, pick: int, text: str) -> None:
        person = self._user(who)
        sent = person.bot_messages()
        if not sent:
            return
        await self._send(person, text, reply_to_message=sent[pick % len(sent)].raw)

    async def _do_group(self, who: int, spec: Any) -> None:
        await self._send(self.group_people[who % len(self.group_people)], spec)

    async def _do_group_press(self, who: int, pick: int, button: int) -> None:
        person = self.group_people[who % len(self.group_people)]
        await self._press(person, self.sandbox.group.bot_messages()[-12:], pick, button)

    async def _do_other_group(self, spec: Any) -> None:
        await self._send(self.strangers[0], spec)

    async def _do_channel_post(self, spec: Any) -> None:
        text = self._command_text(spec)[0] if isinstance(spec, tuple) else spec
        chat = {"id": CHANNEL_ID, "type": "channel", "title": "Some channel"}
        await self.sandbox.deliver(
            {
                "channel_post": {
                    "message_id": self.sandbox.fake.next_message_id(CHANNEL_ID),
                    "chat": chat,
                    "sender_chat": chat,
                    "date": int(time.time()),
                    "text": text,
                }
            }
        )
        self.stats.updates += 1

    async def _do_block(self, who: int, blocked: bool) -> None:
        person = self._user(who)
        if blocked and person.id not in self.sandbox.fake.blocked:
            await person.block()
            self.stats.updates += 1
        elif not blocked and person.id in self.sandbox.fake.blocked:
            await person.unblock()
            self.stats.updates += 1

    async def _do_advance(self, minutes: int) -> None:
        await self.sandbox.advance(timedelta(minutes=minutes))
