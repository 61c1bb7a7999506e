"""Who and what an import names: users, teams and categories found by name, or made and listed in the report."""

from __future__ import annotations

import re
import unicodedata

from incident_desk.services.transfer.fields import fold
from incident_desk.storage import transfer_queries as tq

_NOT_USERNAME = re.compile(r"[^a-z0-9._-]+")


def username_for(name: str) -> str:
    """A username from a source's person name: 'Beth Anglin' -> 'beth.anglin', 'Resolver 149' -> 'resolver.149'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_USERNAME.sub(".", ascii_name).strip("._-")
    slug = re.sub(r"\.{2,}", ".", slug)[:60]
    return slug or "user"


class Directory:
    """The desk's users, teams and categories by folded name; names not found are planned for creation."""

    def __init__(self, store):
        self.store = store
        self.user_by_name: dict[str, tuple[int | None, str]] = {}
        self._display: dict[str, list[tuple[int, str]]] = {}
        self._taken: set[str] = set()
        for user_id, username, display, _team in tq.users(store):
            self.user_by_name[fold(username)] = (user_id, username)
            self._display.setdefault(fold(display), []).append((user_id, username))
            self._taken.add(username.lower())
        self.team_by_name: dict[str, tuple[int | None, str]] = {fold(n): (i, n) for i, n in tq.teams(store)}
        rows = tq.categories(store)
        self.category: dict[str, tuple[int | None, str]] = {}
        self.subcategory: dict[tuple[str, str], tuple[int | None, str]] = {}
        parents = {i: n for i, n, p in rows if p is None}
        for cat_id, name, parent in rows:
            if parent is None:
                self.category[fold(name)] = (cat_id, name)
        for cat_id, name, parent in rows:
            if parent in parents:
                self.subcategory[(fold(parents[parent]), fold(name))] = (cat_id, name)
        self._spelled: dict[tuple, tuple] = {}
        self.new_users: list[tuple[str, str]] = []     # (username, display name)
        self.new_teams: list[str] = []
        self.new_categories: list[tuple[str, str | None]] = []   # (category, subcategory or None)

    def user(self, name: str | None, *, create: bool = True) -> str | None:
        """The username a source name stands for: an existing user by username or (unique) display name,
        else a new user; with ``create`` False, None when there is none."""
        if not name:
            return None
        found = self.user_by_name.get(name)  # the same names recur on every row: by exact text first
        if found is not None and found[0] is not None:
            return found[1]
        key = fold(name)
        found = self.user_by_name.get(key)
        if found is None:
            by_display = self._display.get(key, [])
            if len(by_display) == 1:
                found = by_display[0]
                self.user_by_name[key] = found
        if found is not None:
            if found[0] is not None:
                self.user_by_name[name] = found
            return found[1]
        if not create:
            return None
        base = username_for(name)
        username, n = base, 2
        while username.lower() in self._taken:
            username, n = f"{base}-{n}", n + 1
        self._taken.add(username.lower())
        self.user_by_name[key] = (None, username)
        self.new_users.append((username, " ".join(name.split())[:200]))
        return username

    def team(self, name: str | None) -> str | None:
        if not name:
            return None
        found = self.team_by_name.get(name) or self.team_by_name.get(fold(name))
        if found is None:
            found = (None, name)
            self.team_by_name[fold(name)] = found
            self.new_teams.append(name)
        return found[1]

    def category_names(self, category: str, subcategory: str | None) -> tuple[str, str | None]:
        """The desk's spelling of a category and subcategory, planning the ones that are missing."""
        known = self._spelled.get((category, subcategory))
        if known is None:
            known = self._spelled[(category, subcategory)] = self._category_names(category, subcategory)
        return known

    def _category_names(self, category: str, subcategory: str | None) -> tuple[str, str | None]:
        if not category:
            return "", subcategory
        found = self.category.get(fold(category))
        if found is None:
            found = (None, category)
            self.category[fold(category)] = found
            self.new_categories.append((category, None))
        if not subcategory:
            return found[1], None
        sub = self.subcategory.get((fold(found[1]), fold(subcategory)))
        if sub is None:
            sub = (None, subcategory)
            self.subcategory[(fold(found[1]), fold(subcategory))] = sub
            self.new_categories.append((found[1], subcategory))
        return found[1], sub[1]

    def created(self) -> dict:
        return {"users": [u for u, _ in self.new_users], "teams": list(self.new_teams),
                "categories": [c if s is None else f"{c} / {s}" for c, s in self.new_categories]}

    def known_ids(self) -> tuple[dict[str, int], dict[str, int]]:
        """The ids of the users and teams that exist already (a dry run writes none)."""
        return ({username: uid for uid, username in self.user_by_name.values() if uid is not None},
                {name: tid for tid, name in self.team_by_name.values() if tid is not None})

    def write_new(self, now_epoch: int) -> tuple[dict[str, int], dict[str, int]]:
        """Create what was planned (inside the caller's write transaction); returns the ids of every
        user by username and every team by name."""
        for name in self.new_teams:
            self.team_by_name[fold(name)] = (tq.insert_team(self.store, name), name)
        for username, display in self.new_users:
            user_id = tq.insert_user(self.store, username=username, display_name=display, now_epoch=now_epoch)
            for key, (_, known) in list(self.user_by_name.items()):
                if known == username:
                    self.user_by_name[key] = (user_id, username)
        for category, sub in self.new_categories:
            parent = self.category[fold(category)]
            if sub is None:
                if parent[0] is None:
                    self.category[fold(category)] = (tq.insert_category(self.store, category, None), category)
            else:
                if parent[0] is None:  # made above, in the same order
                    parent = self.category[fold(category)]
                tq.insert_category(self.store, sub, parent[0])
        return self.known_ids()
