"""Settings validation and the command line's answers to bad configuration."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_or_create_key, load_settings

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456:ABCdefGhIJKlmnoPQRsTUVwxyZ0123456789"


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "COORDINATOR_CHAT_ID"}}
    clean.update(env)
    clean["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=cwd,
        timeout=60,
    )


def test_missing_settings_listed_together_exit_2_no_traceback(tmp_path: Path) -> None:
    result = run_cli(env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN is missing" in result.stderr
    assert "COORDINATOR_CHAT_ID is missing" in result.stderr
    assert "python -m bot demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_values_are_explained_without_echoing_the_token(tmp_path: Path) -> None:
    result = run_cli(
        env={
            "BOT_TOKEN": "oops-secret-value",
            "COORDINATOR_CHAT_ID": "abc",
            "DEFAULT_TIMEZONE": "Mars/Olympus",
        },
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "oops-secret-value" not in result.stderr
    for name in ("BOT_TOKEN", "COORDINATOR_CHAT_ID", "DEFAULT_TIMEZONE"):
        assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_webhook_requires_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("COORDINATOR_CHAT_ID", "-100123")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings(_env_file=None)


def test_valid_settings_and_secret_token_not_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("COORDINATOR_CHAT_ID", "-100123")
    monkeypatch.setenv("DEFAULT_COUNTRY", "gb")
    settings = load_settings(_env_file=None)
    assert settings.default_country == "GB"
    assert TOKEN not in repr(settings)


def test_key_file_created_0600_with_32_bytes(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "pseudonym.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_check_content_reports_file_entry_field(tmp_path: Path) -> None:
    import shutil

    broken = tmp_path / "content"
    shutil.copytree(REPO / "content", broken)
    crisis = broken / "crisis.yaml"
    crisis.write_text(crisis.read_text("utf-8").replace("emergency:", "emergncy:", 1), "utf-8")
    (broken / "locales" / "es" / "common.yaml").write_text("error: [unclosed", "utf-8")
    result = run_cli("check-content", "--dir", str(broken), env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert "crisis.yaml" in result.stderr and "emergency" in result.stderr
    assert "locales/es/common.yaml" in result.stderr and "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr
