"""Anonymous helpfulness counts per coping strategy (no member reference, ever)."""

from __future__ import annotations

from storage.db import Database


async def record(db: Database, strategy_id: str, *, helpful: bool) -> None:
    """Count one answer to "did this help?"."""
    column = "helpful" if helpful else "not_helpful"
    await db.execute(
        f"INSERT INTO coping_feedback (strategy_id, {column}) VALUES (?, 1) "
        f"ON CONFLICT (strategy_id) DO UPDATE SET {column} = {column} + 1",
        (strategy_id,),
    )


async def all_feedback(db: Database) -> dict[str, tuple[int, int]]:
    """(helpful, not helpful) for every strategy that has any answers."""
    rows = await db.fetch_all("SELECT strategy_id, helpful, not_helpful FROM coping_feedback")
    return {row["strategy_id"]: (row["helpful"], row["not_helpful"]) for row in rows}
