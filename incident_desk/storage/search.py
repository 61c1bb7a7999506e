"""Full-text search over title, description and comments: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 16
# A prefix of one or two letters expands to most of the vocabulary (a million-row 'p*' takes a
# second); shorter last words are matched whole, longer ones as you type.
MIN_PREFIX = 3


def create_search_index(store) -> None:
    if store.is_sqlite:
        # Standalone FTS5 table keyed by incident id; it keeps its own copy of the text so a
        # comment can be appended without re-reading the timeline.
        store.db.execute_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS incident_fts USING fts5("
            "title, description, comments, tokenize = 'unicode61 remove_diacritics 2')")
    else:
        store.db.execute_sql(
            "CREATE TABLE IF NOT EXISTS incident_fts (rowid BIGINT PRIMARY KEY REFERENCES incident(id)"
            " ON DELETE CASCADE, title TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',"
            " comments TEXT NOT NULL DEFAULT '')")
        store.db.execute_sql(
            "CREATE INDEX IF NOT EXISTS incident_fts_doc ON incident_fts USING GIN "
            "(to_tsvector('simple', title || ' ' || description || ' ' || comments))")


def index_incident(store, incident_id: int, title: str, description: str) -> None:
    db = store.db
    if store.is_sqlite:
        row = db.execute_sql("SELECT comments FROM incident_fts WHERE rowid = ?", (incident_id,)).fetchone()
        comments = row[0] if row else ""
        if row:
            db.execute_sql("DELETE FROM incident_fts WHERE rowid = ?", (incident_id,))
        db.execute_sql("INSERT INTO incident_fts (rowid, title, description, comments) VALUES (?, ?, ?, ?)",
                       (incident_id, title, description, comments))
    else:
        db.execute_sql(
            "INSERT INTO incident_fts (rowid, title, description) VALUES (%s, %s, %s) "
            "ON CONFLICT (rowid) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description",
            (incident_id, title, description))


def index_comment(store, incident_id: int, text: str) -> None:
    db = store.db
    if store.is_sqlite:
        row = db.execute_sql("SELECT title, description, comments FROM incident_fts WHERE rowid = ?",
                             (incident_id,)).fetchone()
        if row is None:
            return
        db.execute_sql("DELETE FROM incident_fts WHERE rowid = ?", (incident_id,))
        db.execute_sql("INSERT INTO incident_fts (rowid, title, description, comments) VALUES (?, ?, ?, ?)",
                       (incident_id, row[0], row[1], (row[2] + "\n" + text).strip()))
    else:
        db.execute_sql("UPDATE incident_fts SET comments = comments || ' ' || %s WHERE rowid = %s",
                       (text, incident_id))


def search_terms(text: str) -> list[str]:
    """Words of the user's text; punctuation and FTS syntax are never passed through."""
    return _TOKEN_RE.findall(text or "")[:MAX_TERMS]


def fts5_query(text: str, *, prefix_last: bool = True, any_term: bool = False) -> str | None:
    """An FTS5 MATCH string where every word is a quoted phrase, so input can't be syntax."""
    terms = search_terms(text)
    if not terms:
        return None
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    if prefix_last and len(terms[-1]) >= MIN_PREFIX:
        quoted[-1] += "*"
    return (" OR " if any_term else " ").join(quoted)


def tsquery(text: str, *, prefix_last: bool = True, any_term: bool = False) -> str | None:
    terms = [t.lower() for t in search_terms(text)]
    if not terms:
        return None
    # Words only (\w+), so no tsquery operator can get through; quote them anyway.
    quoted = ["'" + t.replace("'", "''") + "'" for t in terms]
    if prefix_last and len(terms[-1]) >= MIN_PREFIX:
        quoted[-1] += ":*"
    return (" | " if any_term else " & ").join(quoted)


def match_clause(store, text: str, *, any_term: bool = False):
    """(sql, params) selecting matching incident ids, shaped as the fast IN (subquery) form."""
    if store.is_sqlite:
        query = fts5_query(text, any_term=any_term)
        if query is None:
            return None
        return "SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?", [query]
    query = tsquery(text, any_term=any_term)
    if query is None:
        return None
    return ("SELECT rowid FROM incident_fts WHERE to_tsvector('simple', title || ' ' || description"
            " || ' ' || comments) @@ to_tsquery('simple', ?)", [query])


def similar_open_incidents(store, text: str, *, limit: int = 8) -> list[int]:
    """Ids of open incidents whose text shares words with ``text``, best match first."""
    if store.is_sqlite:
        query = fts5_query(text, prefix_last=True, any_term=True)
        if query is None:
            return []
        sql = ("SELECT f.rowid FROM incident_fts f JOIN incident i ON i.id = f.rowid "
               "WHERE incident_fts MATCH ? AND i.status < 50 ORDER BY bm25(incident_fts, 4.0, 1.0, 0.5) "
               "LIMIT ?")
        return [r[0] for r in store.db.execute_sql(sql, (query, limit))]
    query = tsquery(text, any_term=True)
    if query is None:
        return []
    sql = ("SELECT f.rowid FROM incident_fts f JOIN incident i ON i.id = f.rowid, "
           "to_tsquery('simple', %s) q WHERE to_tsvector('simple', f.title || ' ' || f.description || ' ' "
           "|| f.comments) @@ q AND i.status < 50 ORDER BY ts_rank(to_tsvector('simple', f.title), q) DESC "
           "LIMIT %s")
    return [r[0] for r in store.db.execute_sql(sql, (query, limit))]

