"""Settings from the environment and `.env`, validated once at start-up.

Every problem is reported together in one plain message (see `format_settings_error`), because
an operator fixing a deployment should not have to play whack-a-mole one setting at a time.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"

# How to fix each setting, shown next to its problem.
FIX_HINTS: dict[str, str] = {
    "BOT_TOKEN": "create a bot with @BotFather and put its token in .env as BOT_TOKEN=...",
    "COORDINATOR_CHAT_ID": (
        "make the coordinators' private group a supergroup with topics first (its id changes), "
        "run `python -m bot find-group` and add the bot to the group as an admin: it prints the "
        "id (a negative number like -1001234567890); set COORDINATOR_CHAT_ID=..."
    ),
    "DEFAULT_COUNTRY": "use a two-letter ISO country code such as US, GB or ES",
    "DEFAULT_TIMEZONE": "use an IANA time zone name such as Europe/London or America/New_York",
    "WEBHOOK_SECRET": "set WEBHOOK_SECRET to 1-256 characters of A-Z, a-z, 0-9, _ and -",
}


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr
    coordinator_chat_id: int
    database_path: Path = Path("data/companion.sqlite3")
    telegram_base_url: str = TELEGRAM_BASE_URL
    pseudonym_key_file: Path = Path("data/pseudonym.key")
    content_dir: Path | None = None
    default_country: str = "US"
    default_language: Literal["en", "es"] = "en"
    default_timezone: str = "UTC"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["plain", "json"] = "plain"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)  # None: no metrics
    metrics_listen: str = "127.0.0.1"
    sentry_dsn: SecretStr | None = None  # None: no error reporting
    sentry_environment: str = "production"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    share_crisis_text_with_coordinators: bool = False
    # Minutes between re-alerts of an unclaimed alert; the last gap repeats ("15,30,60": 15, 30
    # and 60 minutes, then hourly), at most ESCALATION_REALERTS_PER_DAY a day.
    escalation_realert_minutes: str = "15,30,60"
    escalation_realerts_per_day: int = Field(default=8, ge=1, le=96)
    escalation_claimed_remind_minutes: int = Field(default=120, ge=10, le=10080)
    # Coordinators (Telegram user ids) who started the bot in private: alerts go to them
    # while the coordinators' group cannot be reached.
    coordinator_fallback_ids: str = ""
    aftercare_enabled: bool = True
    aftercare_after_hours: int = Field(default=20, ge=1, le=168)
    program_weeks: int = Field(default=12, ge=1, le=104)
    minimum_age: int = Field(default=18, ge=13, le=99)
    digest_enabled: bool = True
    digest_weekday: int = Field(default=0, ge=0, le=6)
    digest_time: str = "09:00"
    rate_global_per_second: float = Field(default=25.0, gt=0)
    rate_chat_per_second: float = Field(default=1.0, gt=0)
    rate_group_per_minute: float = Field(default=20.0, gt=0)
    max_concurrent_updates: int = Field(default=64, ge=1, le=1024)
    invite_days: int = Field(default=14, ge=1, le=365)
    programme_capacity: int = Field(default=0, ge=0)  # members with a role; 0 = no limit
    retention_months: int = Field(default=12, ge=1, le=240)

    @field_validator("default_country")
    @classmethod
    def _country_code(cls, value: str) -> str:
        value = value.strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise ValueError("must be a two-letter ISO country code")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("coordinator_chat_id")
    @classmethod
    def _group_id(cls, value: int) -> int:
        if value >= 0:  # positive ids are people's private chats; groups are negative
            raise ValueError(
                "must be a group's id, a negative number (a positive id is a "
                "person's private chat, not a group)"
            )
        return value

    @field_validator("escalation_realert_minutes")
    @classmethod
    def _minutes_list(cls, value: str) -> str:
        gaps = [part.strip() for part in str(value).split(",") if part.strip()]
        if not gaps or not all(gap.isdigit() and 1 <= int(gap) <= 1440 for gap in gaps):
            raise ValueError("must be minutes between 1 and 1440, comma-separated (e.g. 15,30,60)")
        return ",".join(str(int(gap)) for gap in gaps)

    @field_validator("coordinator_fallback_ids")
    @classmethod
    def _id_list(cls, value: str) -> str:
        ids = [part.strip() for part in str(value).split(",") if part.strip()]
        if not all(part.lstrip("-").isdigit() for part in ids):
            raise ValueError("must be Telegram user ids, comma-separated")
        return ",".join(ids)

    @property
    def realert_gaps(self) -> list[int]:
        """Minutes between re-alerts, in order (the last repeats)."""
        return [int(gap) for gap in self.escalation_realert_minutes.split(",")]

    @property
    def fallback_ids(self) -> list[int]:
        """COORDINATOR_FALLBACK_IDS as numbers."""
        return [int(part) for part in self.coordinator_fallback_ids.split(",") if part]

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if ":" not in token or not token.split(":", 1)[0].isdigit():
            # Never echo the token back: it may be a real one pasted in the wrong place.
            raise ValueError("does not look like a bot token (expected digits:letters)")
        return SecretStr(token)

    @field_validator("digest_time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError("must be a local time as HH:MM")
        return f"{int(hours):02d}:{int(minutes):02d}"

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_URL is set, so WEBHOOK_SECRET is required too")
        if self.webhook_secret:
            secret = self.webhook_secret.get_secret_value()
            allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
            if not 1 <= len(secret) <= 256 or not set(secret) <= allowed:
                raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
        return self

    @property
    def token(self) -> str:
        """The bot token; only for building the Telegram client, never for logs."""
        return self.bot_token.get_secret_value()


class StorageSettings(BaseSettings):
    """Only where the database is: what `status`, `backup` and `restore` need (no token)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_path: Path = Path("data/companion.sqlite3")
    # What the health checks read when set (both optional: looking needs no full settings).
    coordinator_chat_id: int | None = None
    escalation_realert_minutes: str = "15,30,60"

    @property
    def realert_gaps(self) -> list[int]:
        """Minutes between re-alerts (an unreadable value falls back to the default's first gap)."""
        gaps = [part.strip() for part in self.escalation_realert_minutes.split(",")]
        return [int(gap) for gap in gaps if gap.isdigit() and int(gap) > 0] or [15]


class SettingsError(Exception):
    """Raised with a ready-to-print message listing every settings problem."""


def load_settings(**overrides: Any) -> Settings:  # Any: pydantic checks them, not the caller
    """Read settings, turning validation errors into one readable SettingsError."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(format_settings_error(exc)) from None


def format_settings_error(exc: ValidationError) -> str:
    """One message naming every missing or invalid setting and how to fix it."""
    lines = ["The bot cannot start: its settings are incomplete or invalid.", ""]
    for error in exc.errors():
        name = str(error["loc"][0]).upper() if error["loc"] else "SETTINGS"
        problem = (
            "is missing"
            if error["type"] == "missing"
            else error["msg"].removeprefix("Value error, ")
        )
        hint = FIX_HINTS.get(name)
        lines.append(f"  - {name} {problem}" + (f" ({hint})" if hint else ""))
    lines += [
        "",
        "Set them in the environment or in a .env file (see .env.example).",
        "To try the bot without Telegram, run:  python -m bot demo",
    ]
    return "\n".join(lines)


def ensure_private_file(path: Path) -> None:
    """Create the parent folder and tighten a file to owner-only (0600) permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and stat.S_IMODE(path.stat().st_mode) != 0o600:
        path.chmod(0o600)


def load_or_create_key(path: Path) -> bytes:
    """The pseudonymisation key: 32 random bytes created once with mode 0600, kept outside the DB."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    key = path.read_bytes()
    if len(key) < 32:
        raise SettingsError(
            f"The key file {path} holds fewer than 32 bytes; restore it from backup."
        )
    return key
