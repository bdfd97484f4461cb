"""Time, voice and role in a message: is a risk phrase the writer's own, here and now?

Works on ``normalise``d text (lower case, no accents or apostrophes), English and Spanish:

- ``past``: a story told in the past ("two years ago", "used to", "back then", "hace dos anos",
  "antes", "cuando era", "queria", "estuve"): lowered to a gentle check, never dropped.
- ``reported``: someone else's words or a story ("my mentee said", "in the film", "mi amiga
  dijo", "la serie"): a gentle check too.
- ``present``: the writer, now ("now", "again", "tonight", "i want", "ahora", "otra vez",
  "quiero"): present-tense distress after a past story still counts, so it cancels the above.
- ``asks_how``: a question about how to respond to someone else ("what do i say", "que le digo").
"""

from __future__ import annotations

import re


def _words(*patterns: str) -> re.Pattern[str]:
    """One regex of alternatives, each matched as whole words."""
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


# Distant time only: a bare past verb ("i tried ... last night") may be an act of an hour ago.
_PAST = _words(
    r"\w+ (?:years?|months?|yrs?) ago",
    r"(?:years?|months?) back",
    "used to",
    "back then",
    "back when",
    "at the time",
    "in the past",
    "at that time",
    "as a (?:kid|teen|teenager|child)",
    r"when i was (?:\w+ )?(?:\d+|young|little|younger|a kid|a teen\w*|in \w+)",
    "last year",
    r"in (?:19|20)\d\d",
    "that (?:year|period|winter|summer)",
    "in my (?:teens|twenties|20s)",
    "(?:days|years|months|weeks) (?:clean|sober|free)",
    "(?:clean|sober) (?:for|since)",
    "in recovery",
    "my recovery",
    "survived",
    "back in the day",
    "my old self",
    r"(?:free|clean|sober) (?:of it |from it )?for \w+ (?:years?|months)",
    "(?:for|during) (?:most of )?my (?:teens|twenties|childhood|youth|teenage years)",
    r"hace (?:\w+ )?(?:anos?|meses|mucho(?: tiempo)?)",
    r"en (?:ese|aquel) (?:entonces|tiempo|"
    "momento|ano|epoca)",
    "cuando (?:era|tenia|estaba|vivia|estudiaba) ",
    "solia",
    "el ano pasado",
    r"antes (?:yo )?(?:era|tenia|estaba|queria|pensaba|sentia|me \w+ia|solia|vivia)",
    "de (?:chic[oa]|adolescente|joven|nin[oa]|pequen[oa])",
    r"llevo (?:\w+ )?(?:anos?|meses|dias|semanas) (?:limpi|sobri|sin)\w*",
    "en recuperacion",
    "mi recuperacion",
    "sobrevivi",
)
_MEDIA = (
    r"(?:movie|film|show|series|tv show|book|song|lyrics|episode|season|game|news story|"
    r"article|documentary|podcast|novel|character|anime|manga|play|headline|the news)"
)
_MEDIA_ES = (
    r"(?:pelicula|peli|serie|libro|cancion|letra|capitulo|episodio|temporada|juego|videojuego|"
    r"noticia|noticias|articulo|documental|podcast|novela|personaje|telenovela)"
)
_REPORTED = _words(
    r"(?:he|she|they|someone|somebody|my \w+|a \w+) (?:said|says|told|tells|texted|posted|wrote|"
    r"mentioned|keeps? saying|was saying|is saying|admitted|confided)",
    r"my (?:mentee|mentor|friend|bf|gf|sister|brother|mom|mum|mother|dad|father|cousin|partner|son|"
    r"daughter|coworker|colleague|roommate|flatmate|neighbou?r|aunt|uncle|client|student|niece|"
    r"nephew)(?: \w+)? (?:said|says|told|texted|wrote|is|was|keeps|wants|has|thinks)",
    r"(?:the|a|this|that|in|on|watching|watched|reading|read|about|new) " + _MEDIA,
    r"(?:dijo|dice|me conto|me escribio|me dijo|publico|comento|confeso|anda diciendo)",
    r"mi (?:mentee|mentorad[oa]|mentoread[oa]|aprendiz|amig[oa]|herman[oa]|mama|papa|madre|"
    r"padre|prim[oa]|pareja|novi[oa]|hij[oa]|compa\w*|vecin[oa]|ti[oa]|alumn[oa]|cliente|"
    r"sobrin[oa])(?: \w+)? (?:dijo|dice|esta|quiere|tiene|piensa|me)",
    r"(?:la|el|una|un|esa|ese|esta|este|en|viendo|vi|leyendo|lei|sobre) " + _MEDIA_ES,
)
# Words said *to the writer* ("the voices tell me to", "me dicen que") are not someone else's story.
_COMMANDED = _words(
    r"(?:tell|tells|told|telling|say|says|said|saying|order|orders|want|wants) me to",
    "voices?",
    r"me (?:dicen|dice|decia|decian|ordenan|ordena|piden|pide|obligan|obliga) que",
    "voz",
    "voces",
)
_PRESENT = _words(
    "now",
    "right now",
    "rn",
    "today",
    "tonight",
    "still",
    "again",
    "lately",
    "these days",
    "anymore",
    "any more",
    "this week",
    "im",
    "i am",
    "i want",
    "i wanna",
    "i feel",
    "i cant",
    "i keep",
    "i need",
    "i will",
    "ill",
    "im going",
    "gonna",
    "ive been",
    "i have been",
    "ahora",
    "hoy",
    "esta noche",
    "todavia",
    "aun",
    "otra vez",
    "de nuevo",
    "ultimamente",
    "estos dias",
    "ya no",
    "quiero",
    "estoy",
    "me siento",
    "no puedo",
    "voy a",
    "sigo",
    "necesito",
    "no aguanto",
    "esta semana",
)
_ASKS_HOW = _words(
    r"(?:what|how) (?:do|should|can|could|would) i (?:do|say|respond|answer|help|handle|react|"
    r"reply|support|approach)",
    "what do i tell",
    "how to (?:respond|help|handle|react|support)",
    "any advice",
    "what should i",
    "is it ok to ask",
    r"que (?:hago|le digo|le respondo|debo hacer|deberia hacer|puedo hacer|le contesto)",
    r"como (?:le )?(?:respondo|ayudo|contesto|reacciono|apoyo|manejo)",
    "algun consejo",
    "que me recomiendan",
    "que me aconsejas",
)


# A clause ending in a speech verb introduces a quote: the next clause is someone else's words.
_QUOTE_INTRO = re.compile(
    r"\b(?:said|says|say|told me|tells me|wrote|writes|posted|texted|goes|dijo|dice|dicen|"
    r"me dijo|me dice|escribio|puso|publico|me escribio)"
    r"(?: (?:todo el tiempo|siempre|always|all the time|a lot|again|otra vez|ayer|yesterday|"
    r"today|hoy|once|una vez))?$"
)


def introduces_quote(text: str) -> bool:
    """Whether a clause ends by introducing someone else's words ("my mum said")."""
    return _QUOTE_INTRO.search(text) is not None and _COMMANDED.search(text) is None


def past(text: str) -> bool:
    """A past-tense or recovery framing."""
    return _PAST.search(text) is not None


def reported(text: str) -> bool:
    """Someone else's words or situation, or a film/book/news story (not words said to me)."""
    return _REPORTED.search(text) is not None and _COMMANDED.search(text) is None


def present(text: str) -> bool:
    """The writer speaking about now."""
    return _PRESENT.search(text) is not None


def asks_how(text: str) -> bool:
    """A question about how to respond to someone."""
    return _ASKS_HOW.search(text) is not None


def framed(text: str, inherited: bool = False, *, voice: bool = True) -> bool:
    """Past or reported (its own words, or ``inherited`` from the message), and not about now.

    ``voice=False`` ignores reported speech: danger from someone else is always about them.
    """
    return (inherited or past(text) or (voice and reported(text))) and not present(text)


class Frames:
    """Each text's past / reported / present flags, each worked out once and only when asked
    (for one message only)."""

    def __init__(self) -> None:
        self._past: dict[str, bool] = {}
        self._reported: dict[str, bool] = {}
        self._present: dict[str, bool] = {}

    def past(self, text: str) -> bool:
        """As ``past``."""
        found = self._past.get(text)
        if found is None:
            found = self._past[text] = past(text)
        return found

    def reported(self, text: str) -> bool:
        """As ``reported``."""
        found = self._reported.get(text)
        if found is None:
            found = self._reported[text] = reported(text)
        return found

    def present(self, text: str) -> bool:
        """As ``present``."""
        found = self._present.get(text)
        if found is None:
            found = self._present[text] = present(text)
        return found

    def framed(self, text: str, inherited: bool = False, *, voice: bool = True) -> bool:
        """As ``framed``."""
        return (
            inherited or self.past(text) or (voice and self.reported(text))
        ) and not self.present(text)
