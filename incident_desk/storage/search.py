"""Full-text search over title, description and comments: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 16
# A prefix of one or two letters expands to most of the vocabulary (a million-row 'p*' takes a
# second); shorter last words are matched whole, longer ones as you type.
MIN_PREFIX = 3
# One step of FTS5's incremental merge, at most ? pages. A positive count merges only a level holding
# 'usermerge' (4) segments or more, or continues a merge already begun; a negative one would start an
# incremental optimize, rewriting the whole index into one segment round after round.
_MERGE_STEP_SQL = "INSERT INTO incident_fts(incident_fts, rank) VALUES('merge', ?)"


def merge_segments(con, pages: int) -> bool:
    """One merge step of at most ``pages`` pages on a raw sqlite3 connection already in a write
    transaction; True if it merged something (more may be left)."""
    before = con.total_changes
    con.execute(_MERGE_STEP_SQL, (pages,))
    return con.total_changes > before + 1  # the command itself counts as one change


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


def merge_step(store, pages: int = 16) -> bool:
    """One step of the search index's incremental merge on this thread's connection, in a write
    transaction of its own; True if it merged something (more may be left). For a writer that commits
    hundreds of times a second (each commit a new segment) and merges in its own idle moments; the
    store's upkeep thread then leaves that to it (``Checkpointer.upkeep_elsewhere``)."""
    if not store.is_sqlite:
        return False
    with store.write():
        return merge_segments(store.db.connection(), pages)


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


# Words that say nothing about the problem: sharing one of them ("on", "not", "will") is no reason to
# suggest a duplicate. English, as the desk's texts are; names of things are never in it.
STOP_WORDS = frozenset("""
a about after again all also am an and any are as at be been before being but by can cannot could did do
does doesn don down during each for from get gets got had has have having he her here his how i if in into
is it its just me more my no nor not now of off on once only or other our out over same she should since so
some still such than that the their them then there these they this those through to too under until up
very was we were what when where which while who why will with won would you your yet
""".split())
CANDIDATES = 5  # candidates read per suggestion shown, before the shared-words check


def significant_terms(text: str) -> list[str]:
    """The words of ``text`` that can tell problems apart: no stop words, no single letters or digits."""
    seen, out = set(), []
    for term in search_terms(text):
        word = term.casefold()
        if len(word) < 2 or word in STOP_WORDS or word in seen:
            continue
        seen.add(word)
        out.append(term)
    return out


def similar_open_incidents(store, text: str, *, limit: int = 8) -> list[int]:
    """Ids of open incidents that share at least two of the words that matter with ``text`` (one when
    it has only one), best match first: "Printer on floor 2 jams" no longer suggests "Laptop will not
    power on" for sharing "on"."""
    terms = significant_terms(text)
    if len(terms) > 1 and len(terms[-1]) < MIN_PREFIX:
        terms = terms[:-1]  # a word still being typed ('wi' of 'wifi') neither counts nor blocks
    if not terms:
        return []
    words = " ".join(terms)
    if store.is_sqlite:
        query = fts5_query(words, prefix_last=True, any_term=True)
        sql = ("SELECT f.rowid, f.title, f.description FROM incident_fts f JOIN incident i ON i.id = f.rowid "
               "WHERE incident_fts MATCH ? AND i.status < 50 ORDER BY bm25(incident_fts, 4.0, 1.0, 0.5) "
               "LIMIT ?")
    else:
        query = tsquery(words, any_term=True)
        sql = ("SELECT f.rowid, f.title, f.description FROM incident_fts f JOIN incident i ON i.id = f.rowid, "
               "to_tsquery('simple', %s) q WHERE to_tsvector('simple', f.title || ' ' || f.description || ' ' "
               "|| f.comments) @@ q AND i.status < 50 ORDER BY ts_rank(to_tsvector('simple', f.title), q) DESC "
               "LIMIT %s")
    needed = min(2, len(terms))
    wanted = [t.casefold() for t in terms]
    last_is_prefix = len(wanted[-1]) >= MIN_PREFIX
    out = []
    for row_id, title, description in store.db.execute_sql(sql, (query, limit * CANDIDATES)):
        theirs = {w.casefold() for w in search_terms(f"{title} {description}")}
        shared = sum(1 for w in wanted[:-1] if w in theirs)
        last = wanted[-1]
        shared += (last in theirs) or (last_is_prefix and any(w.startswith(last) for w in theirs))
        if shared >= needed:
            out.append(row_id)
            if len(out) == limit:
                break
    return out

