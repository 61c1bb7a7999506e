"""Schema 3: covering indexes that let the metrics aggregate a million incidents without sorting."""

from __future__ import annotations

# Each metrics family walks one of these in (priority, category, instant) order, so grouping streams
# and the table itself is never read; the duration-ordered ones give percentiles by index order, and
# the week-expression ones give weekly percentiles the same way. (Since schema 9 every percentile is
# picked from the walk that sums them, for any duration: metrics_queries.grouped.)
WEEK_RESOLVED = "((resolved_at / 86400 + 3) / 7)"
WEEK_ACKED = "((acknowledged_at / 86400 + 3) / 7)"
INDEXES = {
    "ix_metrics_resolved": ("priority, category, resolved_at, ttr_s, hold_s, ttr_bh_s, hold_bh_s, "
                            "resolve_breached, reopen_count, team_id, assignee_id"),
    "ix_metrics_acked": ("priority, category, acknowledged_at, tta_s, tta_bh_s, response_breached, "
                         "team_id, assignee_id"),
    "ix_metrics_opened": "priority, category, opened_at, team_id, assignee_id",
    # Partial: only incidents closed or cancelled without a resolution time (a few per cent).
    "ix_metrics_closed": ("priority, category, closed_at, status, team_id, assignee_id) "
                          "WHERE resolved_at IS NULL AND closed_at IS NOT NULL AND (status = 60 OR status = 70"),
    # Instant-led, for percentiles of periods that are not Monday-weeks (sorted per period).
    "ix_metrics_resolved_at": ("resolved_at, ttr_s, hold_s, ttr_bh_s, hold_bh_s, priority, category, "
                               "team_id, assignee_id"),
    "ix_metrics_acked_at": "acknowledged_at, tta_s, tta_bh_s, priority, category, team_id, assignee_id",
    "ix_metrics_ttr": "ttr_s, resolved_at, priority, category, team_id, assignee_id",
    "ix_metrics_tta": "tta_s, acknowledged_at, priority, category, team_id, assignee_id",
    "ix_metrics_ttr_week": f"{WEEK_RESOLVED}, ttr_s, resolved_at, priority, category, team_id, assignee_id",
    "ix_metrics_tta_week": f"{WEEK_ACKED}, tta_s, acknowledged_at, priority, category, team_id, assignee_id",
}


def upgrade(store) -> None:
    for name, columns in INDEXES.items():
        store.db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON incident ({columns})")
