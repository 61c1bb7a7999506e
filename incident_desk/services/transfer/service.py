"""The transfer use cases over one desk: imports, exports, backups and the saved import mappings."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from incident_desk.services.auth import Actor, require
from incident_desk.services.errors import NotFoundError, ValidationError
from incident_desk.services.transfer.backup import BackupService
from incident_desk.services.transfer.csv_export import export_csv
from incident_desk.services.transfer.fields import Mapping
from incident_desk.services.transfer.importer import FORMAT_NAMES, ImportOptions, ImportService, Progress
from incident_desk.services.transfer.json_transfer import JsonExporter, JsonImporter
from incident_desk.services.transfer.report import ImportReport
from incident_desk.storage import transfer_queries as tq
from incident_desk.storage.queries import epoch


@dataclass(frozen=True)
class Profile:
    """A saved mapping: the format it is for, its columns and values, and the reading options."""

    name: str
    format: str
    mapping: Mapping
    date_order: str | None = None
    tz: str | None = None
    source: str | None = None

    def to_json(self) -> str:
        return json.dumps({**self.mapping.to_dict(), "options": {"date_order": self.date_order, "tz": self.tz,
                                                                 "source": self.source}}, sort_keys=True)

    @classmethod
    def from_row(cls, name: str, format_name: str, text: str) -> Profile:
        data = json.loads(text)
        options = data.get("options") or {}
        return cls(name=name, format=format_name, mapping=Mapping.from_dict(data), date_order=options.get("date_order"),
                   tz=options.get("tz"), source=options.get("source"))


class Transfer:
    """What `import`, `export`, `backup` and the import wizard call, for one desk and its acting user."""

    def __init__(self, desk):
        self.desk = desk
        self.store = desk.store
        self.backups = BackupService(desk.store, clock=desk.clock)

    @property
    def actor(self) -> Actor:
        return self.desk.actor

    def importer(self) -> ImportService:
        return ImportService(self.store, clock=self.desk.clock, settings=self.desk.settings,
                             policies=self.desk.policies)

    def preview(self, path: str | Path, format_name: str, mapping: Mapping | None = None):
        return self.importer().preview(Path(path), format_name, mapping or Mapping())

    def import_file(self, options: ImportOptions, *, progress: Progress | None = None,
                    cancel: threading.Event | None = None) -> ImportReport:
        if options.format == "json":
            if options.mapping.columns or options.mapping.values or options.skip_invalid:
                raise ValidationError("The JSON export is the desk's own: --map, --value and --skip-invalid do not "
                                      "apply to it.", field="format")
            report = JsonImporter(self.store, clock=self.desk.clock).run(
                actor=self.actor, path=options.path, dry_run=options.dry_run, progress=progress, cancel=cancel)
        else:
            report = self.importer().run(actor=self.actor, options=options, progress=progress, cancel=cancel)
        if report.written:
            self.desk.settings.invalidate()  # it may have made categories
        return report

    def export_json(self, path: str | Path, *, progress: Progress | None = None,
                    cancel: threading.Event | None = None) -> dict[str, int]:
        return JsonExporter(self.store, clock=self.desk.clock).export(actor=self.actor, path=path, progress=progress,
                                                                    cancel=cancel)

    def export_csv(self, path: str | Path, *, filters, sort, progress: Progress | None = None,
                   cancel: threading.Event | None = None) -> int:
        return export_csv(self.desk.incidents, actor=self.actor, path=path, filters=filters, sort=sort,
                          progress=progress, cancel=cancel)

    def backup(self, path: str | Path) -> Path:
        return self.backups.backup(actor=self.actor, path=path)

    # ---- saved mappings ------------------------------------------------------------------------------

    def profiles(self) -> list[Profile]:
        out = []
        for name, format_name, text, _updated in tq.profiles(self.store):
            try:
                out.append(Profile.from_row(name, format_name, text))
            except (ValueError, ValidationError):
                continue  # written by a newer release: not offered, never half-read
        return out

    def profile(self, name: str) -> Profile:
        found = next((p for p in self.profiles() if p.name.lower() == name.strip().lower()), None)
        if found is None:
            names = ", ".join(p.name for p in self.profiles()) or "none saved yet"
            raise NotFoundError(f"There is no saved mapping '{name}' (saved: {names}).")
        return found

    def save_profile(self, profile: Profile) -> None:
        require(self.actor, "data.import")
        name = profile.name.strip()
        if not name or len(name) > 100:
            raise ValidationError("A saved mapping needs a name of 1 to 100 characters.", field="name")
        if profile.format not in FORMAT_NAMES or profile.format == "json":
            raise ValidationError(f"Mappings are for {', '.join(f for f in FORMAT_NAMES if f != 'json')}.",
                                  field="format")
        with self.store.write():
            tq.save_profile(self.store, name=name, format_name=profile.format, mapping_json=profile.to_json(),
                            now_epoch=epoch(self.desk.clock()), user_id=self.actor.id)

    def delete_profile(self, name: str) -> None:
        require(self.actor, "data.import")
        with self.store.write():
            if not tq.delete_profile(self.store, name):
                raise NotFoundError(f"There is no saved mapping '{name}'.")


def options_from(profile: Profile | None, **given) -> ImportOptions:
    """ImportOptions from the user's flags laid over a saved mapping (flags win)."""
    mapping: Mapping = given.pop("mapping", None) or Mapping()
    if profile is not None:
        mapping = profile.mapping.merged(mapping)
        for name in ("date_order", "tz", "source"):
            if given.get(name) is None:
                given[name] = getattr(profile, name)
    return ImportOptions(mapping=mapping, **given)

