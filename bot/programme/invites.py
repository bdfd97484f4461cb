"""Invite links: `t.me/<bot>?start=<payload>` that preselect the role (and cohort).

The payload is `<id>_<m|e>[_<cohort>]-<signature>`: at most 64 characters of A-Za-z0-9_-
(Telegram's limit for a start parameter), signed with a key derived from the bot's secret key,
so nobody can make or alter one. The database row says whether it is used up (single use) and
when it expires (INVITE_DAYS). Nothing is stored about the person until they agree.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.clock import from_db
from storage import engagement, invites
from storage.invites import Invite

if TYPE_CHECKING:
    from bot.services import Services

ROLES = {"mentor": "m", "mentee": "e"}
COHORT = re.compile(r"^[A-Za-z0-9_]{1,24}$")
_PAYLOAD = re.compile(r"^(\d{1,12})_([me])(?:_([A-Za-z0-9_]{1,24}))?-([0-9a-f]{16})$")
PAYLOAD_MAX = 64


def _signature(key: bytes, body: str) -> str:
    derived = hmac.new(key, b"invite-link-v1", hashlib.sha256).digest()
    return hmac.new(derived, body.encode(), hashlib.sha256).hexdigest()[:16]


def make_payload(key: bytes, invite_id: int, role: str, cohort: str | None) -> str:
    """The signed start parameter for an invite."""
    body = f"{invite_id}_{ROLES[role]}" + (f"_{cohort}" if cohort else "")
    payload = f"{body}-{_signature(key, body)}"
    assert len(payload) <= PAYLOAD_MAX
    return payload


def parse_payload(key: bytes, payload: str) -> tuple[int, str, str | None] | None:
    """(invite id, role, cohort) from a genuine payload; None if forged, altered or not ours."""
    found = _PAYLOAD.match(payload or "")
    if found is None:
        return None
    body = payload.rsplit("-", 1)[0]
    if not hmac.compare_digest(found.group(4), _signature(key, body)):
        return None
    role = "mentor" if found.group(2) == "m" else "mentee"
    return int(found.group(1)), role, found.group(3)


async def create(
    services: Services, role: str, cohort: str | None, created_by: int, bot_username: str
) -> tuple[str, Invite]:
    """Store a new single-use invite and return its link."""
    now = services.clock.now()
    expires = now + timedelta(days=services.settings.invite_days)
    invite_id = await invites.add(
        services.db, role=role, cohort=cohort, created_by=created_by, now=now, expires_at=expires
    )
    invite = await invites.get(services.db, invite_id)
    assert invite is not None
    payload = make_payload(services.pseudonym_key, invite_id, role, cohort)
    return f"https://t.me/{bot_username}?start={payload}", invite


@dataclass(frozen=True)
class Checked:
    """What a /start payload turned out to be: "ok", "forged", "expired", "used" or "full"."""

    status: str
    invite: Invite | None = None


async def check(services: Services, payload: str) -> Checked:
    """Whether a /start payload is a usable invite, and if not, why."""
    parsed = parse_payload(services.pseudonym_key, payload)
    invite = await invites.get(services.db, parsed[0]) if parsed else None
    if invite is None:
        return Checked("forged")
    if invite.used_at is not None:
        return Checked("used", invite)
    expires = from_db(invite.expires_at)
    if expires is not None and services.clock.now() >= expires:
        return Checked("expired", invite)
    capacity = services.settings.programme_capacity
    if capacity and await invites.members_with_role(services.db) >= capacity:
        return Checked("full", invite)
    return Checked("ok", invite)


async def redeem(services: Services, invite_id: int, telegram_id: int) -> Invite | None:
    """Use the invite for someone who has just agreed; None if it was used or expired since."""
    now = services.clock.now()
    async with services.db.transaction() as connection:
        if not await invites.use(connection, invite_id, now):
            return None
        await engagement.record(
            connection, services.pseudonym_key, kind="invite_used", now=now, telegram_id=telegram_id
        )
    return await invites.get(services.db, invite_id)
