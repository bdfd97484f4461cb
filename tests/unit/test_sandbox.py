"""The sandbox refuses what Telegram would refuse, and injects the failures we must survive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.core.i18n import escape
from bot.sandbox.fake_telegram import FakeTelegram, SandboxTimeout
from bot.sandbox.harness import SANDBOX_TOKEN
from bot.sandbox.html_check import HtmlError, parse_html
from bot.sandbox.request import SandboxRequest
from bot.sandbox.spec import load_spec, spec_path


def test_html_rules() -> None:
    assert parse_html("<b>hi</b> &amp; <i>you</i> &lt;3") == "hi & you <3"
    for bad in ("a < b", "AT&T", "<b>open", "<script>x</script>", "<b><i>x</b></i>", "&bogus;"):
        with pytest.raises(HtmlError):
            parse_html(bad)
    assert parse_html('<a href="https://x.org/?a=1&amp;b=2">x</a>') == "x"


@given(st.text(max_size=300))
def test_escaped_text_always_parses_back_to_itself(text: str) -> None:
    assert parse_html(escape(text)) == text


async def call(fake: FakeTelegram, method: str, **params: object) -> object:
    bot = Bot(SANDBOX_TOKEN, request=SandboxRequest(fake), base_url="http://sandbox.invalid/bot")
    async with bot:
        return await bot.do_api_request(method, api_kwargs=params)  # type: ignore[arg-type]


async def send(fake: FakeTelegram, **params: object) -> object:
    bot = Bot(SANDBOX_TOKEN, request=SandboxRequest(fake), base_url="http://sandbox.invalid/bot")
    async with bot:
        return await bot.send_message(**params)  # type: ignore[arg-type]


async def test_limits_and_html_are_enforced_and_recorded() -> None:
    fake = FakeTelegram()
    await send(fake, chat_id=1, text="x" * 4096)
    with pytest.raises(BadRequest, match="too long"):
        await send(fake, chat_id=1, text="x" * 4097)
    with pytest.raises(BadRequest, match="parse entities"):
        await send(fake, chat_id=1, text="1 < 2", parse_mode="HTML")
    # Length counts what is shown, after the HTML is parsed (like Telegram).
    await send(fake, chat_id=1, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await send(fake, chat_id=1, text="hi", reply_markup=markup)
    assert len(fake.violations) == 3


@pytest.mark.skipif(spec_path() is None, reason="the Bot API description is not on this machine")
@pytest.mark.filterwarnings("ignore:Please use 'Bot")  # do_api_request on purpose, to send junk
async def test_full_spec_check_when_available() -> None:
    fake = FakeTelegram()
    assert fake.spec is not None and load_spec(spec_path()) is fake.spec
    with pytest.raises(BadRequest, match="unknown parameter"):
        await call(fake, "sendMessage", chat_id=1, text="hi", colour="red")
    with pytest.raises(BadRequest, match="required parameter 'text'"):
        await call(fake, "sendMessage", chat_id=1)
    with pytest.raises(BadRequest, match="does not exist"):
        await call(fake, "sendTelepathy", chat_id=1)
    with pytest.raises(BadRequest, match="is not"):
        await call(fake, "sendMessage", chat_id=1, text="x", disable_notification="yes")


async def test_injected_faults_map_to_ptb_errors() -> None:
    fake = FakeTelegram(spec=False)
    fake.faults.queued = ["429", "500", "timeout"]
    with pytest.raises(RetryAfter):
        await send(fake, chat_id=1, text="a")
    with pytest.raises(NetworkError):
        await send(fake, chat_id=1, text="b")
    with pytest.raises(TimedOut):
        await send(fake, chat_id=1, text="c")
    assert fake.sent_to(1) == []  # none of them arrived
    fake.faults.queued = ["timeout_delivered"]
    with pytest.raises(TimedOut):
        await send(fake, chat_id=1, text="d")
    assert [m["text"] for m in fake.sent_to(1)] == ["d"]  # timed out, but Telegram got it
    fake.blocked.add(2)
    with pytest.raises(Forbidden):
        await send(fake, chat_id=2, text="e")


async def test_a_press_answered_twice_is_refused_and_recorded_unless_a_timeout_hid_the_first() -> (
    None
):
    fake = FakeTelegram()
    assert (await fake.handle("answerCallbackQuery", {"callback_query_id": "1"}))[0] == 200
    status, body = await fake.handle("answerCallbackQuery", {"callback_query_id": "1"})
    assert status == 400 and "query ID is invalid" in body["description"]
    assert fake.violations == [("answerCallbackQuery", "a button press answered twice")]
    fake.faults.queued = ["timeout_delivered"]
    with pytest.raises(SandboxTimeout):
        await fake.handle("answerCallbackQuery", {"callback_query_id": "2"})
    assert (await fake.handle("answerCallbackQuery", {"callback_query_id": "2"}))[0] == 400
    assert len(fake.violations) == 1  # the bot could not know the first one had landed
