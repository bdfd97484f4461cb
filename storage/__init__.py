"""Persistence: aiosqlite connection, migrations, repositories returning dataclasses."""
