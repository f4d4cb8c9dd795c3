"""The core's persistence: SQLite schema, migrations and repositories."""
