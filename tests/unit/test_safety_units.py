"""Pure safety pieces: crisis and referral texts for every country and language, ranking, buttons."""

from __future__ import annotations

import pytest
from conftest import shipped_content
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.referrals import CATEGORIES
from bot.content import Content
from bot.core.callbacks import CallbackSigner
from bot.core.i18n import Translator
from bot.programme.coping import position_after, ranked, score
from bot.safety.crisis_view import render_crisis
from bot.safety.resources_view import render_category
from bot.sandbox.html_check import parse_html, utf16_length

TELEGRAM_MAX = 4096


@pytest.fixture(scope="module")
def content() -> Content:
    """The shipped content."""
    return shipped_content()


def test_crisis_message_for_every_country_in_every_language(content: Content) -> None:
    """Valid HTML within Telegram's limit, emergency number before any line, in every language."""
    t = Translator(content.locales)
    assert t.languages == ["en", "es"]
    for language in t.languages:
        for code, country in content.crisis.countries.items():
            for not_safe, gentle in ((False, False), (True, False), (False, True)):
                html = render_crisis(
                    t, language, content.crisis, code, not_safe=not_safe, gentle=gentle
                )
                shown = parse_html(html)
                assert utf16_length(shown) < TELEGRAM_MAX, (language, code)
                emergency = shown.index(country.emergency)
                first_line = shown.index(country.lines[0].name)
                assert emergency < first_line, (language, code)


@pytest.mark.parametrize("code", ["AQ", None, "", "zz"])
def test_unknown_country_falls_back_to_international_in_every_language(
    content: Content, code: str | None
) -> None:
    """No lines for the country: say so, and list the international directories."""
    t = Translator(content.locales)
    for language in t.languages:
        shown = parse_html(render_crisis(t, language, content.crisis, code))
        assert t(language, "crisis.unknown_country") in shown
        for resource in content.crisis.international:
            assert resource.name in shown


def test_every_referral_category_fits_one_message(content: Content) -> None:
    """Each country x category listing is valid HTML under 4096 characters, in both languages."""
    t = Translator(content.locales)
    directory = content.referrals
    for language in t.languages:
        for code in [*directory.countries, "AQ"]:
            for category in CATEGORIES:
                entries = directory.for_country(code, category)
                html = render_category(t, language, directory.label(category, language), entries)
                assert utf16_length(parse_html(html)) < TELEGRAM_MAX, (language, code, category)


def test_every_button_payload_fits_telegram(content: Content) -> None:
    """Feeling, strategy and referral ids all fit in signed callback data."""
    sign = CallbackSigner(b"k" * 32).sign
    for feeling in content.coping.feelings.values():
        sign("cope", "n", feeling.id, len(feeling.strategies))
        for strategy in feeling.strategies:
            sign("cope", "r", strategy.id, "y")
    entries = [entry for items in content.referrals.countries.values() for entry in items]
    for entry in [*entries, *content.referrals.programme]:
        sign("ref", "s", "PABCD", entry.id)
    sign("co", "esc", "out", 10**9, "false_alarm")


def test_unrated_strategies_keep_file_order_and_ratings_reorder(content: Content) -> None:
    """Without answers the content's order stands; a helpful one rises above the others."""
    feeling = content.coping.feelings["anxious"]
    ids = [strategy.id for strategy in feeling.strategies]
    assert [strategy.id for strategy in ranked(feeling, {})] == ids
    reordered = ranked(feeling, {ids[2]: (3, 0), ids[0]: (0, 2)})
    assert reordered[0].id == ids[2] and reordered[-1].id == ids[0]
    assert position_after(reordered, reordered[-1].id) == 0
    assert position_after(reordered, "not-there") == 0


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=100),
)
def test_more_helpful_answers_never_score_lower(helpful: int, not_helpful: int, extra: int) -> None:
    """Scores are in (0, 1); another "helped" raises it, another "not for me" lowers it."""
    base = score(helpful, not_helpful)
    assert 0 < base < 1
    assert score(helpful + extra, not_helpful) > base
    assert score(helpful, not_helpful + extra) < base


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "d"]), st.tuples(st.integers(0, 50), st.integers(0, 50))
    )
)
def test_ranking_is_a_permutation(feedback: dict[str, tuple[int, int]]) -> None:
    """Ranking never drops or repeats a strategy."""
    feeling = shipped_content().coping.feelings["low"]
    keyed = {feeling.strategies[ord(k) - 97].id: v for k, v in feedback.items()}
    result = ranked(feeling, keyed)
    assert sorted(s.id for s in result) == sorted(s.id for s in feeling.strategies)
    scores = [score(*keyed.get(s.id, (0, 0))) for s in result]
    assert scores == sorted(scores, reverse=True)


def test_unverified_lines_are_shown_with_a_caution(content: Content) -> None:
    """Every line marked unverified carries the caution next to it, in every language."""
    t = Translator(content.locales)
    flagged = [
        (code, line)
        for code, country in content.crisis.countries.items()
        for line in country.lines
        if line.unverified
    ]
    assert flagged, "the shipped file marks its uncertain lines"
    for language in t.languages:
        caution = parse_html(t(language, "crisis.unverified"))
        for code, line in flagged:
            shown = parse_html(render_crisis(t, language, content.crisis, code))
            row = next(text for text in shown.splitlines() if line.name in text)
            assert caution in row, (language, code, line.name)
