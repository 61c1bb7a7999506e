"""SQL of the category tree's upkeep: every row with its state, how many incidents use each, rename, retire."""

from __future__ import annotations

from incident_desk.storage.database import Store
from incident_desk.storage.sql import bool_value, execute, fetch_all


def category_rows(store: Store) -> list[tuple[int, str, int | None, bool]]:
    """(id, name, parent id, active) of every category and subcategory, retired ones included."""
    return [(r[0], r[1], r[2], bool(r[3]))
            for r in fetch_all(store, "SELECT id, name, parent_id, active FROM category ORDER BY name, id")]


def usage(store: Store) -> list[tuple[str, str | None, int]]:
    """(category, subcategory, incidents) as incidents store them (names as text)."""
    return fetch_all(store, "SELECT category, subcategory, COUNT(*) FROM incident GROUP BY category, subcategory")


def rename_row(store: Store, category_id: int, name: str) -> None:
    execute(store, "UPDATE category SET name = ? WHERE id = ?", (name, category_id))


def set_active(store: Store, category_ids: list[int], active: bool) -> None:
    for category_id in category_ids:
        execute(store, "UPDATE category SET active = ? WHERE id = ?", (bool_value(store, active), category_id))


def delete_rows(store: Store, category_ids: list[int]) -> None:
    """Children first: the parent's ON DELETE CASCADE is not relied on (SQLite may run without it)."""
    for category_id in category_ids:
        execute(store, "DELETE FROM category WHERE id = ?", (category_id,))


def rename_on_incidents(store: Store, old: str, new: str) -> int:
    """Incidents filed under the category ``old`` now say ``new``; returns how many."""
    return execute(store, "UPDATE incident SET category = ? WHERE category = ?", (new, old)).rowcount


def rename_sub_on_incidents(store: Store, parent: str, old: str, new: str) -> int:
    return execute(store, "UPDATE incident SET subcategory = ? WHERE category = ? AND subcategory = ?",
                   (new, parent, old)).rowcount
