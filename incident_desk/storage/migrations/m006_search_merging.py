"""Schema 6: the search index merges its segments in the background, not inside a user's commit."""

from __future__ import annotations

# FTS5 normally merges index segments inside whichever INSERT crosses the threshold: at a million
# incidents one log in seventy paid 20-30 ms for it. With automerge off, the Checkpointer thread
# does small merge steps between commits; crisismerge stays as the backstop if nothing merges.
SETTINGS = (("automerge", 0), ("crisismerge", 64))


def upgrade(store) -> None:
    if not store.is_sqlite:
        return
    for name, value in SETTINGS:
        store.db.execute_sql(f"INSERT INTO incident_fts(incident_fts, rank) VALUES('{name}', {int(value)})")
