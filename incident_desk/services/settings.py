"""Shared settings: categories, the priority matrix and the SLA policy, read and changed by role."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from incident_desk.domain.closure import DEFAULT_CLOSURE_POLICY, ClosurePolicy
from incident_desk.domain.incident import DomainError, clean_line
from incident_desk.domain.priority import DEFAULT_MATRIX, PriorityMatrix, ordering_problem
from incident_desk.domain.sla import DEFAULT_POLICY, SlaPolicy
from incident_desk.services.audit import AuditLog
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import NotFoundError, ValidationError
from incident_desk.services.events import Change, EventBus
from incident_desk.storage import category_queries as cq
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store

CLOSURE_KEY = "closure_policy"
# Old category name (casefolded) -> the name it has now: saved views and filters kept on another computer
# still name a category as it was called when they were saved.
RENAMES_KEY = "category_renames"
CATEGORY_MAX = 100
NAME_RULE = "A category name needs 1 to 100 characters."
DEFAULT_CATEGORIES = {
    "Hardware": ["Desktop", "Laptop", "Monitor", "Peripheral"],
    "Printing": ["Printer", "Scanner", "Print queue"],
    "Network": ["Wi-Fi", "VPN", "LAN", "DNS"],
    "Email": ["Mailbox", "Calendar", "Spam"],
    "Access": ["Password reset", "Account locked", "Permissions"],
    "Software": ["Installation", "Licence", "Crash"],
    "Business application": ["ERP", "CRM", "HR system"],
    "Telephony": ["Desk phone", "Mobile", "Voicemail"],
    "Security": ["Phishing", "Malware", "Lost device"],
    "Server": ["Outage", "Performance", "Storage"],
    "Database": ["Outage", "Performance", "Backup"],
    "Facilities": ["Meeting room", "Badge access", "Power"],
}


@dataclass(frozen=True)
class CategoryEntry:
    """A category (parent None) or a subcategory as the Categories page lists it."""

    name: str
    parent: str | None
    retired: bool
    incidents: int   # incidents filed under it (a category counts those of its subcategories too)


class SettingsService:
    """Settings are cached per process; a change made here refreshes the cache."""

    def __init__(self, store: Store, *, clock: Clock, bus: EventBus | None = None):
        self.store = store
        self.clock = clock
        self.bus = bus
        self._cache: dict = {}

    def invalidate(self) -> None:
        self._cache.clear()

    def ensure_defaults(self) -> None:
        """A new desk starts with a sensible category list (editable later)."""
        # Look before taking the write lock: opening a desk to read must not wait for another writer.
        with self.store.read():
            seeded = bool(repo.category_tree(self.store))
        if seeded:
            self.invalidate()
            return
        with self.store.write():
            if not repo.category_tree(self.store):
                for name, subs in DEFAULT_CATEGORIES.items():
                    repo.insert_category(self.store, name)
                    for sub in subs:
                        repo.insert_category(self.store, sub, name)
        self.invalidate()

    def categories(self) -> dict[str, list[str]]:
        if "categories" not in self._cache:
            with self.store.read():
                self._cache["categories"] = repo.category_tree(self.store)
        return self._cache["categories"]

    def add_category(self, *, actor: Actor, name: str, parent: str | None = None) -> None:
        require(actor, "settings.categories")
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise ValidationError("A category name needs 1 to 100 characters.", field="name")
        tree = self.categories()
        with self.store.write():
            # Retired names count too: one name is one category, whether it is offered today or not.
            rows = cq.category_rows(self.store)
            if parent:
                if parent not in tree:
                    raise ValidationError(f"There is no category '{parent}'.", field="parent")
                top = next(r[0] for r in rows if r[2] is None and r[1] == parent)
                if name.lower() in (r[1].lower() for r in rows if r[2] == top):
                    raise ValidationError(f"{parent} already has '{name}'.", field="name")
            elif name.lower() in (r[1].lower() for r in rows if r[2] is None):
                raise ValidationError(f"The category '{name}' exists.", field="name")
            repo.insert_category(self.store, name, parent)
            self._audit(actor, "settings.categories.add", f"{parent} / {name}" if parent else name)
        self.invalidate()

    # ---- the tree's upkeep: rename, retire, delete (incidents store the names as text) ----------------

    def category_entries(self) -> list[CategoryEntry]:
        """Every category, then its subcategories, retired ones included, with how many incidents use each."""
        with self.store.read():
            rows = cq.category_rows(self.store)
            usage = cq.usage(self.store)
        per_category: dict[str, int] = {}
        per_sub: dict[tuple[str, str], int] = {}
        for category, sub, n in usage:
            per_category[category] = per_category.get(category, 0) + n
            if sub is not None:
                per_sub[(category, sub)] = per_sub.get((category, sub), 0) + n
        tops = sorted((r for r in rows if r[2] is None), key=lambda r: r[1].casefold())
        out = []
        for top_id, name, _parent, active in tops:
            out.append(CategoryEntry(name, None, not active, per_category.get(name, 0)))
            subs = sorted((r for r in rows if r[2] == top_id), key=lambda r: r[1].casefold())
            out += [CategoryEntry(s[1], name, not s[3], per_sub.get((name, s[1]), 0)) for s in subs]
        return out

    def category_names(self, *, retired: bool = True) -> list[str]:
        """Category names for filters and metrics: retired ones too, since old incidents still carry them."""
        if "rows" not in self._cache:
            with self.store.read():
                self._cache["rows"] = cq.category_rows(self.store)
        tops = [r for r in self._cache["rows"] if r[2] is None and (retired or r[3])]
        return [r[1] for r in sorted(tops, key=lambda r: r[1].casefold())]

    def rename_category(self, *, actor: Actor, name: str, new_name: str, parent: str | None = None) -> int:
        """Rename a category or subcategory; the incidents filed under it say the new name, in the same
        transaction. Returns how many incidents were rewritten."""
        require(actor, "settings.categories")
        new = self._clean_name(new_name)
        with self.store.write():
            rows = cq.category_rows(self.store)
            row, top = self._find(rows, name, parent)
            siblings = [r for r in rows if r[2] == (top[0] if top else None) and r[0] != row[0]]
            if any(r[1].casefold() == new.casefold() for r in siblings):
                raise ValidationError(f"{top[1]} already has '{new}'." if top else f"The category '{new}' exists.",
                                      field="name")
            if new == row[1]:
                return 0
            cq.rename_row(self.store, row[0], new)
            if top is None:
                moved = cq.rename_on_incidents(self.store, row[1], new)
                self._remember_rename(row[1], new)
            else:
                moved = cq.rename_sub_on_incidents(self.store, top[1], row[1], new)
            where = f"{top[1]} / " if top else ""
            self._audit(actor, "settings.categories.rename",
                        f"{where}{row[1]} → {new} ({moved:,} incident{'s' if moved != 1 else ''})")
        self._changed(actor)
        return moved

    def retire_category(self, *, actor: Actor, name: str, parent: str | None = None, retired: bool = True) -> None:
        """A retired category (with its subcategories) is offered for no new incident; incidents filed
        under it keep it, filters and metrics still know it, and it can be brought back."""
        require(actor, "settings.categories")
        with self.store.write():
            rows = cq.category_rows(self.store)
            row, top = self._find(rows, name, parent)
            if not retired and top is not None and not top[3]:
                raise ValidationError(f"'{top[1]}' is retired; bring it back first.", field="parent")
            ids = [row[0]] + ([r[0] for r in rows if r[2] == row[0]] if top is None else [])
            cq.set_active(self.store, ids, not retired)
            where = f"{top[1]} / " if top else ""
            self._audit(actor, "settings.categories.retire" if retired else "settings.categories.unretire",
                        f"{where}{row[1]}")
        self._changed(actor)

    def delete_category(self, *, actor: Actor, name: str, parent: str | None = None) -> None:
        """Only a category no incident is filed under may go (with its subcategories); one in use is retired."""
        require(actor, "settings.categories")
        with self.store.write():
            rows = cq.category_rows(self.store)
            row, top = self._find(rows, name, parent)
            used = sum(n for category, sub, n in cq.usage(self.store)
                       if (top is None and category == row[1]) or (top is not None and category == top[1]
                                                                     and sub == row[1]))
            if used:
                raise ValidationError(f"'{row[1]}' is on {used:,} incident{'s' if used != 1 else ''}; retire it "
                                      "instead of deleting it.", field="name")
            children = [r[0] for r in rows if r[2] == row[0]]
            cq.delete_rows(self.store, [*children, row[0]])
            where = f"{top[1]} / " if top else ""
            self._audit(actor, "settings.categories.delete", f"{where}{row[1]}")
        self._changed(actor)

    def current_category_names(self, names: Iterable[str]) -> frozenset[str]:
        """Names as a saved view or a filter holds them, as they are called now (a renamed category's
        old name gives its new one; a name in use today is itself)."""
        names = frozenset(names)
        if not names:
            return names
        renames = self._renames()
        known = {n.casefold(): n for n in self.category_names()}
        return frozenset(known.get(name.casefold()) or renames.get(name.casefold(), name) for name in names)

    def _renames(self) -> dict[str, str]:
        if "renames" not in self._cache:
            with self.store.read():
                data = repo.get_setting(self.store, RENAMES_KEY)
            self._cache["renames"] = data if isinstance(data, dict) else {}
        return self._cache["renames"]

    def _remember_rename(self, old: str, new: str) -> None:
        data = repo.get_setting(self.store, RENAMES_KEY)
        renames = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        # Chains collapse (A -> B, then B -> C: A -> C), and the new name is nobody's old one any more.
        renames = {k: (new if v == old else v) for k, v in renames.items() if k != new.casefold()}
        renames[old.casefold()] = new
        repo.put_setting(self.store, RENAMES_KEY, renames, now=self.clock())

    @staticmethod
    def _clean_name(value: str) -> str:
        try:
            name = clean_line(value, what="category name", limit=CATEGORY_MAX)
        except DomainError as exc:
            raise ValidationError(str(exc) if "characters long" not in str(exc) else NAME_RULE,
                                  field="name") from None
        if not name:
            raise ValidationError(NAME_RULE, field="name")
        return name

    @staticmethod
    def _find(rows: list[tuple], name: str, parent: str | None) -> tuple[tuple, tuple | None]:
        """(the row, its category's row or None) for a category or a subcategory, by name in any case."""
        tops = [r for r in rows if r[2] is None]
        if parent:
            top = next((r for r in tops if r[1] == parent), None) or \
                next((r for r in tops if r[1].casefold() == parent.casefold()), None)
            if top is None:
                raise NotFoundError(f"There is no category '{parent}'.")
            pool, what = [r for r in rows if r[2] == top[0]], f"{top[1]} has no '{name}'."
        else:
            top, pool, what = None, tops, f"There is no category '{name}'."
        row = next((r for r in pool if r[1] == name), None) or \
            next((r for r in pool if r[1].casefold() == (name or "").strip().casefold()), None)
        if row is None:
            raise NotFoundError(what)
        return row, top

    def _audit(self, actor: Actor, action: str, detail: str) -> None:
        AuditLog(self.store, clock=self.clock).append(actor=actor, action=action, detail=detail)

    def _changed(self, actor: Actor) -> None:
        self.invalidate()
        if self.bus is not None:  # the table and the filter bar show category names
            self.bus.publish(Change("categories_changed", actor=actor.username))

    def priority_matrix(self) -> PriorityMatrix:
        if "matrix" not in self._cache:
            data = repo.get_setting(self.store, "priority_matrix")
            self._cache["matrix"] = PriorityMatrix.from_dict(data) if data else DEFAULT_MATRIX
        return self._cache["matrix"]

    def set_priority_matrix(self, *, actor: Actor, matrix: PriorityMatrix) -> None:
        require(actor, "settings.matrix")
        problem = ordering_problem(matrix)
        if problem:
            raise ValidationError(problem, field="matrix")
        with self.store.write():
            repo.put_setting(self.store, "priority_matrix", matrix.to_dict(), now=self.clock())
        self.invalidate()

    def sla_policy(self) -> SlaPolicy:
        if "sla" not in self._cache:
            data = repo.get_setting(self.store, "sla_policy")
            try:
                self._cache["sla"] = SlaPolicy.from_dict(data) if data else DEFAULT_POLICY
            except DomainError:
                self._cache["sla"] = DEFAULT_POLICY
        return self._cache["sla"]

    def set_sla_policy(self, *, actor: Actor, policy: SlaPolicy) -> None:
        require(actor, "settings.sla")
        with self.store.write():
            repo.put_setting(self.store, "sla_policy", policy.to_dict(), now=self.clock())
        self.invalidate()

    def closure_policy(self) -> ClosurePolicy:
        """Which priorities need a postmortem and after how many days resolved incidents close."""
        if "closure" not in self._cache:
            data = repo.get_setting(self.store, CLOSURE_KEY)
            try:
                self._cache["closure"] = ClosurePolicy.from_dict(data) if data else DEFAULT_CLOSURE_POLICY
            except DomainError:
                self._cache["closure"] = DEFAULT_CLOSURE_POLICY
        return self._cache["closure"]

    def set_closure_policy(self, *, actor: Actor, policy: ClosurePolicy | dict) -> ClosurePolicy:
        require(actor, "settings.closure")
        if not isinstance(policy, ClosurePolicy):
            try:
                policy = ClosurePolicy.from_dict(policy)
            except DomainError as exc:
                raise ValidationError(str(exc), field="closure") from None
        with self.store.write():
            repo.put_setting(self.store, CLOSURE_KEY, policy.to_dict(), now=self.clock())
        self.invalidate()
        return policy
