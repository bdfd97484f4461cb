"""/cope (feelings, strategies, anonymous helpfulness that ranks them), /resources and /refer."""

from __future__ import annotations

from bot.core.pseudonym import content_number
from bot.sandbox.harness import Sandbox
from storage import coping
from tests.safety_helpers import active_pair, engagement_values, joined


async def test_cope_feeling_strategy_and_another(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    menu = (await ana.send("/cope"))[0]
    assert "How are you feeling" in menu.text
    assert len(menu.button_labels) >= 10 and "😟 Anxious" in menu.button_labels
    await ana.click(menu, "Anxious")
    first = ana.bot_messages()[-1]
    assert first.id == menu.id  # edited in place
    assert "Slow breathing" in first.text and "1. " in first.text and "Source:" in first.text
    assert first.button_labels == [
        "🔄 Another idea",
        "💚 This helped",
        "🙅 Not for me",
        "↩️ Other feelings",
    ]
    await ana.click(first, "Another")
    second = ana.bot_messages()[-1]
    assert "5-4-3-2-1 grounding" in second.text
    await ana.click(second, "Other feelings")
    assert "How are you feeling" in ana.bot_messages()[-1].text


async def test_helpfulness_is_counted_once_anonymously_and_ranks_strategies(
    sandbox: Sandbox,
) -> None:
    ana, bo = sandbox.user("Ana"), sandbox.user("Bo")
    await joined(sandbox, ana)
    menu = (await ana.send("/cope"))[0]
    await ana.click(menu, "Anxious")
    await ana.click(ana.bot_messages()[-1], "Another")
    grounding = ana.bot_messages()[-1]
    assert "5-4-3-2-1" in grounding.text
    await ana.click(grounding, "This helped")
    assert "glad it helped" in ana.answers()[-1]["text"]
    after = ana.bot_messages()[-1]
    assert after.button_labels == ["🔄 Another idea", "↩️ Other feelings"]
    await ana.click(grounding, "This helped")  # the same old button again (second device)
    assert "expired" in ana.answers()[-1]["text"]
    assert (await coping.all_feedback(sandbox.db))["anxious-grounding-54321"] == (1, 0)
    assert await engagement_values(sandbox, "coping_helpful") == [
        content_number("anxious-grounding-54321")
    ]
    rows = await sandbox.db.fetch_all(
        "SELECT subject FROM engagement WHERE kind LIKE 'coping_%' ORDER BY id"
    )
    assert rows and all(row["subject"] is None for row in rows[1:])  # answers carry no pseudonym
    columns = {row[1] for row in await sandbox.db.fetch_all("PRAGMA table_info(coping_feedback)")}
    assert columns == {"strategy_id", "helpful", "not_helpful"}  # nobody's id is kept

    # Someone else now sees the strategy that helped first.
    menu = (await bo.send("/cope"))[0]
    await bo.click(menu, "Anxious")
    assert "5-4-3-2-1 grounding" in bo.bot_messages()[-1].text


async def test_not_for_me_counts_and_offers_something_else(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    menu = (await ana.send("/cope"))[0]
    await ana.click(menu, "Can't sleep")
    first = ana.bot_messages()[-1]
    await ana.click(first, "Not for me")
    assert "Here is something different" in ana.answers()[-1]["text"]
    second = ana.bot_messages()[-1]
    assert second.text != first.text and "💚 This helped" in second.button_labels
    assert len(await engagement_values(sandbox, "coping_not_helpful")) == 1
    feedback = await coping.all_feedback(sandbox.db)
    assert sum(counts[1] for counts in feedback.values()) == 1
    await ana.click(second, "This helped")  # the next strategy, on the same message, counts
    feedback = await coping.all_feedback(sandbox.db)
    assert sum(counts[0] for counts in feedback.values()) == 1


async def test_cope_in_spanish(sandbox: Sandbox) -> None:
    eva = sandbox.user("Eva", language_code="es")
    menu = (await eva.send("/cope"))[0]
    assert "¿Cómo te sientes" in menu.text and "😟 Con ansiedad" in menu.button_labels
    await eva.click(menu, "Con ansiedad")
    assert "Respiración lenta" in eva.bot_messages()[-1].text


async def test_resources_by_country_and_category(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    menu = (await ana.send("/resources"))[0]
    assert "Support services in United States" in menu.text
    assert "Alcohol and drugs" in menu.button_labels
    await ana.click(menu, "Alcohol and drugs")
    listing = ana.bot_messages()[-1]
    assert "SAMHSA National Helpline" in listing.text and "/crisis" in listing.text
    assert listing.button_labels == ["↩️ Categories"]
    await ana.click(listing, "Categories")
    assert "Support services in" in ana.bot_messages()[-1].text


async def test_resources_for_a_country_without_entries_points_worldwide(
    sandbox: Sandbox,
) -> None:
    zed = sandbox.user("Zed")
    await joined(sandbox, zed, country="AQ")
    reply = (await zed.send("/resources"))[0]
    # The programme's own entries still show; with none, the worldwide directories do.
    assert "Support services in AQ" in reply.text or "don't have services" in reply.text
    assert "/crisis" in reply.text


async def test_mentor_sends_a_referral_card_to_their_mentee(sandbox: Sandbox) -> None:
    ana, max_ = sandbox.user("Ana"), sandbox.user("Max")
    mentee = await joined(sandbox, ana, alias="Sunny", country="GB")
    mentor = await joined(sandbox, max_, role="mentor", alias="Max")
    assert "for mentors" in (await ana.send("/refer"))[0].text  # a mentee has no one to refer
    pair = await active_pair(sandbox, mentee, mentor)
    categories = (await max_.send("/refer"))[0]
    assert "Sunny" in categories.text and "United Kingdom" in categories.text
    await max_.click(categories, "Talking and emotional support")
    services = max_.bot_messages()[-1]
    await max_.click(services, services.button_labels[0])
    confirmation = max_.bot_messages()[-1]
    assert "Sent" in confirmation.text and confirmation.button_labels == []
    card = ana.bot_messages()[-1]
    assert "Your mentor Max thought this might help" in card.text
    assert services.button_labels[0][:20] in card.text
    assert await engagement_values(sandbox, "referral_sent") == [None]

    await max_.click(services, services.button_labels[0])  # same service again today
    assert "already received" in max_.bot_messages()[-1].text
    await sandbox.db.execute("UPDATE pairs SET status = 'ended' WHERE id = ?", (pair.id,))
    await max_.click(services, services.button_labels[0])
    assert "expired" in max_.answers()[-1]["text"]
    assert len([m for m in ana.bot_messages() if "might help" in m.text]) == 1
