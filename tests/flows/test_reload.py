"""/reload in the coordinators' group: new content goes live; broken content is refused."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conftest import shipped_content

from bot import content as bundle
from bot.content import default_content_dir
from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import audit


class _ShippedRisk:
    """Stands in for the risk compiler: its lexicons take over a second to compile, are covered
    by their own tests, and are not what these tests are about."""

    @staticmethod
    def load(_root: object) -> object:
        """The shipped, already compiled screen."""
        return shipped_content().risk


@pytest.fixture
async def editable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Sandbox, Path]]:
    """A bot serving a copy of the content that the test can edit."""
    shipped = shipped_content()  # parsed before the risk compiler is stood in for
    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(bundle, "RiskScreen", _ShippedRisk)
    box = Sandbox(
        sandbox_settings(tmp_path, content_dir=content),
        content=dataclasses.replace(shipped, directory=content),
    )
    await box.start()
    yield box, content
    await box.stop()
    assert box.violations == []


async def test_reload_swaps_in_valid_content(editable: tuple[Sandbox, Path]) -> None:
    sandbox, content = editable
    crisis = content / "locales" / "en" / "crisis.yaml"
    crisis.write_text(
        crisis.read_text("utf-8").replace(
            "I'm really glad you reached out.", "Thank you for writing."
        ),
        "utf-8",
    )
    ana, cleo = sandbox.user("Ana"), sandbox.group.coordinator("Cleo")
    assert "really glad" in (await ana.send("/crisis"))[0].text
    answer = (await cleo.send("/reload"))[0]
    assert "Content reloaded by Cleo" in answer.text and "countries" in answer.text
    assert "Thank you for writing." in (await ana.send("/crisis"))[0].text
    entry = (await audit.recent(sandbox.db))[0]
    assert (entry.action, entry.actor_name) == ("content_reloaded", "Cleo")


async def test_reload_keeps_old_content_when_a_field_is_missing_or_yaml_is_bad(
    editable: tuple[Sandbox, Path],
) -> None:
    sandbox, content = editable
    crisis = content / "crisis.yaml"
    crisis.write_text(crisis.read_text("utf-8").replace('emergency: "999"', "", 1), "utf-8")
    (content / "coping" / "anxious.yaml").write_text("id: anxious\nlabel: [unclosed\n", "utf-8")
    cleo = sandbox.group.coordinator("Cleo")
    answer = (await cleo.send("/reload"))[0]
    assert "Content not reloaded" in answer.text
    assert "crisis.yaml: countries > GB > emergency: Field required" in answer.text
    assert "coping/anxious.yaml" in answer.text and "not valid YAML" in answer.text
    ana = sandbox.user("Ana", language_code="en")
    assert "988" in (await ana.send("/crisis"))[0].text  # still served from the old content
    menu = (await ana.send("/cope"))[0]
    assert "😟 Anxious" in menu.button_labels
    assert (await audit.recent(sandbox.db))[0].action == "content_reload_refused"
