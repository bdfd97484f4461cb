"""The demo's transcript: every bot message, edit, pop-up and change of buttons, printed once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.sandbox.client import GroupMember, SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox

Person = SandboxUser | GroupMember


class Transcript:
    """Prints what the bot sends, wherever it sends it (the state is set up by `Demo`)."""

    sandbox: Sandbox
    out: Callable[[str], None]
    files: Path
    people: dict[str, Person]
    names_by_chat: dict[int, str]
    seen: dict[tuple[int, int], int]
    saved: list[Path]
    current: str
    calls_seen: int
    pressed: tuple[int, int] | None
    last_buttons: dict[int, int]

    def show_new(self) -> None:
        """Print every bot message (or edit), pop-up and change of buttons not shown yet."""
        self._show_calls()
        for chat_id, messages in self.sandbox.fake.messages.items():
            for raw in list(messages.values()):
                if not raw.get("from", {}).get("is_bot"):
                    continue
                key, version = (chat_id, raw["message_id"]), raw.get("edited", 0) + 1
                if self.seen.get(key, 0) >= version:
                    continue
                edited = key in self.seen
                self.seen[key] = version
                self._print(chat_id, SandboxMessage(raw), edited)

    def _show_calls(self) -> None:
        """Pop-up answers to button presses, and edits that only change a message's buttons."""
        calls = self.sandbox.fake.calls
        for method, params in calls[self.calls_seen :]:
            if method == "answerCallbackQuery" and params.get("text"):
                kind = "alert" if params.get("show_alert") else "pop-up"
                person = self.people.get(self.current)
                who = self.names_by_chat.get(person.chat_id, self.current) if person else "?"
                self.out(f"\nbot → {who} ({kind}):\n  {params['text']}")
            elif method == "editMessageReplyMarkup" and "chat_id" in params:
                self._show_markup(int(params["chat_id"]), int(params["message_id"]))
        self.calls_seen = len(calls)

    def _show_markup(self, chat_id: int, message_id: int) -> None:
        raw = self.sandbox.fake.messages.get(chat_id, {}).get(message_id)
        if raw is None:
            return
        message = SandboxMessage(raw)
        who = self.names_by_chat.get(chat_id, str(chat_id))
        if message.button_labels:
            self.last_buttons[chat_id] = message_id
            numbered = [f"[{i}] {text}" for i, text in enumerate(message.button_labels, 1)]
            self.out(f"\nbot → {who} (buttons changed):\n  " + "  ".join(numbered))
            return
        if self.last_buttons.get(chat_id) == message_id:
            del self.last_buttons[chat_id]
        if self.pressed != (chat_id, message_id):  # the pressed message's buttons go: expected
            first = (message.text.splitlines() or ["[message]"])[0][:60]
            self.out(f"\nbot → {who} (buttons removed from “{first}”)")

    def _print(self, chat_id: int, message: SandboxMessage, edited: bool) -> None:
        if message.button_labels:
            self.last_buttons[chat_id] = message.id
        elif self.last_buttons.get(chat_id) == message.id:
            del self.last_buttons[chat_id]
        who = self.names_by_chat.get(chat_id, str(chat_id))
        label = f"bot → {who}" + (" (edited)" if edited else "")
        lines = message.text.splitlines()
        saved = self._save_file(message.raw)
        if saved is not None:
            lines.insert(0, f"[{saved[0]} saved as {saved[1]}]")
        elif not lines:
            lines = ["[copied message]"]
        self.out(f"\n{label}:\n" + "\n".join("  " + line for line in lines))
        numbered = [f"[{i}] {text}" for i, text in enumerate(message.button_labels, start=1)]
        if numbered:
            self.out("  " + "  ".join(numbered))

    def _save_file(self, raw: dict[str, Any]) -> tuple[str, str] | None:
        """Write a chart or an export the bot sent to a file; (what, path) for the transcript."""
        if raw.get("photo"):
            what, file_id, suffix = "chart", raw["photo"][-1]["file_id"], ".png"
        elif raw.get("document"):
            # The name the bot gave the file says what it is (.csv export, .json /mydata, .pdf).
            file_id = raw["document"]["file_id"]
            suffix = Path(raw["document"].get("file_name", "")).suffix
            if not suffix:  # no name: a PDF still says so in its first bytes
                pdf = self.sandbox.fake.files.get(file_id, b"").startswith(b"%PDF")
                suffix = ".pdf" if pdf else ".bin"
            what = {".csv": "export", ".json": "data", ".pdf": "report"}.get(suffix, "file")
        else:
            return None
        data = self.sandbox.fake.files.get(file_id, b"")
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / f"{len(self.saved) + 1:02d}-{what}{suffix}"
        path.write_bytes(data)
        self.saved.append(path)
        return what, f"{self.files.name}/{path.name}"

    def _unseen(self) -> bool:
        return any(
            raw.get("from", {}).get("is_bot")
            and self.seen.get((chat_id, raw["message_id"]), 0) < raw.get("edited", 0) + 1
            for chat_id, messages in self.sandbox.fake.messages.items()
            for raw in messages.values()
        )
