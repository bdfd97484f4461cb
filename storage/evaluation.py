"""Rows the evaluation report reads: exit-survey answers and aggregate intake answers.

The engagement log itself is read with storage.engagement.events. Nothing here returns a name,
an id or free text: survey answers are pseudonymous, intake answers come back as counts.
"""

from __future__ import annotations

import json
from collections import Counter

from storage.db import Database


async def survey_rows(db: Database, survey: str = "exit") -> list[tuple[str, str, str, str, float]]:
    """(hour, pair_ref, role, question, value) of every answer to a survey, oldest first."""
    rows = await db.fetch_all(
        "SELECT hour, pair_ref, role, question, value FROM survey_answers WHERE survey = ? "
        "ORDER BY id",
        (survey,),
    )
    return [(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]


async def needs(
    db: Database,
    joined_from: str | None = None,
    joined_to: str | None = None,
) -> dict[str, dict[str, int]]:
    """How many members named each focus area and speak each language (joined in the range)."""
    where, params = ["intake_done_at IS NOT NULL"], []
    if joined_from:
        where.append("created_at >= ?")
        params.append(joined_from)
    if joined_to:
        where.append("created_at < ?")
        params.append(joined_to)
    rows = await db.fetch_all(
        f"SELECT focus_areas, languages_spoken FROM members WHERE {' AND '.join(where)}", params
    )
    focus: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    for row in rows:
        for column, counter in ((row[0], focus), (row[1], languages)):
            try:
                values = json.loads(column or "[]")
            except ValueError:
                continue  # a damaged cell is left out, never guessed
            counter.update(str(value) for value in values if isinstance(value, str))
    return {"focus": dict(sorted(focus.items())), "languages": dict(sorted(languages.items()))}
