"""Shared settings: categories, the priority matrix and the SLA policy, read and changed by role."""

from __future__ import annotations

from incident_desk.domain.closure import DEFAULT_CLOSURE_POLICY, ClosurePolicy
from incident_desk.domain.incident import DomainError
from incident_desk.domain.priority import DEFAULT_MATRIX, PriorityMatrix, ordering_problem
from incident_desk.domain.sla import DEFAULT_POLICY, SlaPolicy
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.storage import repository as repo
from incident_desk.storage.database import Store

CLOSURE_KEY = "closure_policy"
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


class SettingsService:
    """Settings are cached per process; a change made here refreshes the cache."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store = store
        self.clock = clock
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
            self._cache["categories"] = repo.category_tree(self.store)
        return self._cache["categories"]

    def add_category(self, *, actor: Actor, name: str, parent: str | None = None) -> None:
        require(actor, "settings.categories")
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise ValidationError("A category name needs 1 to 100 characters.", field="name")
        tree = self.categories()
        with self.store.write():
            if parent:
                if parent not in tree:
                    raise ValidationError(f"There is no category '{parent}'.", field="parent")
                if name.lower() in (s.lower() for s in tree[parent]):
                    raise ValidationError(f"{parent} already has '{name}'.", field="name")
            elif name.lower() in (c.lower() for c in tree):
                raise ValidationError(f"The category '{name}' exists.", field="name")
            repo.insert_category(self.store, name, parent)
        self.invalidate()

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
