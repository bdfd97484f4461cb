"""Helpers for the crisis-response flow tests: inject what the risk screen finds."""

from __future__ import annotations

import dataclasses

from bot.sandbox.harness import Sandbox
from bot.screen.risk import RiskKind, RiskResult, RiskScreen, Severity


class InjectedScreen:
    """The shipped screen, except for exact phrases whose result a test decides."""

    def __init__(self, real: RiskScreen, results: dict[str, RiskResult]) -> None:
        self.real = real
        self.results = results

    def screen(
        self, text: str, *, role: str | None = None, recent: tuple[str, ...] = ()
    ) -> RiskResult | None:
        """The injected result for this exact text, or the real screen's."""
        if text in self.results:
            return self.results[text]
        return self.real.screen(text)


def inject(sandbox: Sandbox, results: dict[str, RiskResult]) -> None:
    """Make the live content's screen return `results` for these exact texts."""
    assert sandbox.services is not None
    store = sandbox.services.content_store
    store.current = dataclasses.replace(
        store.current, risk=InjectedScreen(store.current.risk, results)
    )  # type: ignore[arg-type]


DANGER = "he hits me when he drinks and i am scared to go home"
GUIDANCE = "my mentee told me they want to die, what do i say"
CHECK = "last year i wanted to die but i got help"
RESULTS = {
    DANGER: RiskResult(Severity.HIGH, "test.danger", "en", kind=RiskKind.DANGER),
    GUIDANCE: RiskResult(Severity.HIGH, "test.guidance", "en", kind=RiskKind.GUIDANCE),
    CHECK: RiskResult(Severity.CHECK, "test.check", "en"),
}
