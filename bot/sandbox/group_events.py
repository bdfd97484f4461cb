"""What can happen to the bot in a group, for tests and the demo: added, removed, muted,
and the group becoming a supergroup (a new chat id)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.harness import Sandbox

_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
    "can_react_to_messages",
)


def _member(bot: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember object for the bot with this status."""
    member: dict[str, Any] = {"status": status, "user": bot}
    if status == "kicked":
        member["until_date"] = 0
    if status == "restricted":  # muted: a member who may not send anything
        member |= {"is_member": True, "until_date": 0} | dict.fromkeys(_RIGHTS, False)
    if status == "administrator":
        member |= {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": True,
            "can_manage_video_chats": False,
            "can_restrict_members": False,
            "can_promote_members": False,
            "can_change_info": False,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
        }
    return member


async def bot_status(
    sandbox: Sandbox, chat_id: int, old: str, new: str, title: str = "Coordinators"
) -> None:
    """Telegram tells the bot its status in a group changed (my_chat_member)."""
    fake = sandbox.fake
    if new in ("left", "kicked"):
        fake.kicked_from.add(chat_id)
    else:
        fake.kicked_from.discard(chat_id)
    fake.chats.setdefault(chat_id, {"id": chat_id, "type": "supergroup", "title": title})
    bot = fake._m_getMe({})
    admin = {"id": 777, "is_bot": False, "first_name": "Admin"}
    await sandbox.deliver(
        {
            "my_chat_member": {
                "chat": fake.chat(chat_id),
                "from": admin,
                "date": int(time.time()),
                "old_chat_member": _member(bot, old),
                "new_chat_member": _member(bot, new),
            }
        }
    )


def remove_bot_quietly(sandbox: Sandbox, chat_id: int) -> None:
    """The bot is out of the group but the update telling it so was lost (sends fail 403)."""
    sandbox.fake.kicked_from.add(chat_id)


def migrate(sandbox: Sandbox, chat_id: int, new_chat_id: int) -> None:
    """The group becomes a supergroup: the old id answers 400 with migrate_to_chat_id."""
    sandbox.fake.migrated[chat_id] = new_chat_id
    sandbox.fake.chats[new_chat_id] = {
        "id": new_chat_id,
        "type": "supergroup",
        "title": "Coordinators",
    }
