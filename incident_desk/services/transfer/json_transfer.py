"""The desk's own full export as JSON, and its import: the same content in any database, streamed both ways."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from incident_desk import __version__
from incident_desk.services.auth import Actor, require
from incident_desk.services.clock import Clock
from incident_desk.services.errors import ValidationError
from incident_desk.services.transfer.json_stream import FORMAT, FORMAT_VERSION, read_export, write_export
from incident_desk.services.transfer.private_files import private_writer
from incident_desk.services.transfer.report import ImportReport
from incident_desk.services.transfer.sections import SECTIONS, References, Section
from incident_desk.storage import bulk
from incident_desk.storage import export_queries as xq
from incident_desk.storage.database import Store
from incident_desk.storage.migrations import CURRENT_VERSION, DESK_ID_KEY
from incident_desk.storage.sql import bool_value

Progress = Callable[[int, int, str], None]
BATCH = 2000
ORIGIN_FACT = "json_origin"   # schema_info: the desk whose export this database was restored from


class TransferCancelled(Exception):
    """The user cancelled: nothing was kept (the file is removed, the transaction rolled back)."""


def _sort_key(row: dict, names: tuple[str, ...]) -> tuple:
    return tuple((row.get(n) is not None, str(row.get(n) or "")) for n in names)


class JsonExporter:
    """Writes every section, in a consistent snapshot, with memory independent of the desk's size."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store = store
        self.clock = clock

    def export(self, *, actor: Actor, path: str | Path, progress: Progress | None = None,
               cancel: threading.Event | None = None) -> dict[str, int]:
        require(actor, "data.export_all")
        step = progress or (lambda *_: None)
        with xq.consistent_read(self.store):
            total = sum(xq.count_rows(self.store, s.table) for s in SECTIONS)
            refs = References(xq.reference_names(self.store))
            header = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": CURRENT_VERSION,
                      "app_version": __version__, "exported_at": self.clock().isoformat(),
                      "origin": xq.schema_fact(self.store, DESK_ID_KEY) or ""}
            done = [0]

            def counted(rows: Iterator[dict]) -> Iterator[dict]:
                for row in rows:
                    done[0] += 1
                    if done[0] % BATCH == 0:
                        if cancel is not None and cancel.is_set():
                            raise TransferCancelled()
                        step(done[0], total, "exporting")
                    yield row

            with private_writer(path) as out:
                counts = write_export(out, header, ((s.name, counted(self._rows(s, refs))) for s in SECTIONS))
        step(total, total, "exporting")
        return counts

    def _rows(self, section: Section, refs: References) -> Iterator[dict]:
        info = section.info
        columns = xq.columns_of(self.store, section.table)
        names = [info.field_names.get(c, c) for c in columns]

        def convert(row: tuple) -> dict:
            out = {}
            for column, name, value in zip(columns, names, row):
                if column == "id" and not section.keep_ids:
                    continue
                if column in info.references:
                    value = refs.name_of(info.references[column], value)
                elif column in info.booleans and value is not None:
                    value = bool(value)
                out[name] = value
            return out

        if section.key:
            # Small tables in natural-key order: the same in every database, whatever its ids.
            key_names = tuple(info.field_names.get(c, c) for c in section.key)
            yield from sorted((convert(r) for r in xq.all_rows(self.store, section.table, columns)),
                              key=lambda r: _sort_key(r, key_names))
        else:
            for row in xq.iter_rows(self.store, section.table, columns, order=info.primary):
                yield convert(row)


class _CountingReader(io.TextIOBase):
    """A text file that tells how many characters were read (for progress)."""

    def __init__(self, raw):
        self.raw = raw
        self.read_so_far = 0

    def read(self, size: int = -1) -> str:
        text = self.raw.read(size)
        self.read_so_far += len(text)
        return text


class JsonImporter:
    """Restores an export into a database without incidents, or updates one restored from the same desk."""

    def __init__(self, store: Store, *, clock: Clock):
        self.store = store
        self.clock = clock

    def run(self, *, actor: Actor, path: str | Path, dry_run: bool = False, progress: Progress | None = None,
            cancel: threading.Event | None = None) -> ImportReport:
        require(actor, "data.import")
        path = Path(path)
        report = ImportReport(source="incident-desk", file=str(path), dry_run=dry_run)
        try:
            size = path.stat().st_size
            handle = open(path, encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise ValidationError(f"There is no file {path}.", field="file") from None
        except (IsADirectoryError, PermissionError) as exc:
            raise ValidationError(f"{path} cannot be read ({exc.strerror}).", field="file") from None
        step = progress or (lambda *_: None)
        with handle:
            reader = _CountingReader(handle)
            try:
                stream = read_export(reader, {s.name for s in SECTIONS})
                if dry_run:
                    with self.store.read():
                        self._load(stream, report, reader, size, step, cancel, write=False)
                    return report
                with bulk.bulk_session(self.store, drop_indexes=xq.count_rows(self.store, "incident") == 0):
                    self._load(stream, report, reader, size, step, cancel, write=True)
            except UnicodeDecodeError:
                raise ValidationError(f"{path.name} is not UTF-8 text, so it is not an Incident Desk export.",
                                      field="file") from None
            except TransferCancelled:
                report.cancelled = True
                return report
        report.written = True
        return report

    def _load(self, stream, report: ImportReport, reader: _CountingReader, size: int, step: Progress,
              cancel: threading.Event | None, *, write: bool) -> None:
        _, header = next(stream)
        if int(header.get("schema_version") or 0) > CURRENT_VERSION:
            raise ValidationError(f"The export comes from a newer Incident Desk (schema {header['schema_version']}; "
                                  f"this release reads up to {CURRENT_VERSION}); upgrade to import it.",
                                  field="file")
        origin = str(header.get("origin") or "")
        has_incidents = xq.count_rows(self.store, "incident") > 0
        if has_incidents and (not origin or xq.schema_fact(self.store, ORIGIN_FACT) != origin):
            raise ValidationError(
                "This database already holds incidents that did not come from this export. A JSON export is "
                "restored into a new, empty database (or imported again into the one restored from it).",
                field="file")
        report.detected["mode"] = "update of a desk restored from this export" if has_incidents else \
            "restore into an empty database"
        loader = _SectionLoader(self.store, write=write)
        rows = 0
        for name, row in stream:
            loader.add(name, row)
            rows += 1
            if rows % BATCH == 0:
                if cancel is not None and cancel.is_set():
                    raise TransferCancelled()
                step(reader.read_so_far, size, "importing")
        loader.finish()
        if write:
            xq.set_schema_fact(self.store, ORIGIN_FACT, origin)
        report.rows = rows
        report.incidents = loader.counts.get("incidents", 0)
        report.new, report.updated = loader.new_incidents, loader.updated_incidents
        report.notes.append("Rows per section: " + ", ".join(f"{k} {n:,}" for k, n in loader.counts.items()))
        step(size, size, "importing")


class _SectionLoader:
    """Takes rows in file order and writes them in batches, translating names back into this database's ids."""

    def __init__(self, store: Store, *, write: bool):
        self.store = store
        self.write = write
        self.refs = References(xq.reference_names(store))
        self.counts: dict[str, int] = {}
        self.current: Section | None = None
        self.pending: list[dict] = []
        self.later: list[tuple] = []   # (section, column, target table, target name, row id or key)
        self.incident_ids: list[int] = []
        self.new_incidents = self.updated_incidents = 0
        self._columns: dict[str, list[str]] = {}
        self._by_name: dict[str, dict[str, str]] = {}

    def add(self, name: str, row: dict) -> None:
        if self.current is None or self.current.name != name:
            self._flush()
            self.current = next(s for s in SECTIONS if s.name == name)
        self.counts[name] = self.counts.get(name, 0) + 1
        self.pending.append(row)
        if len(self.pending) >= BATCH:
            self._flush()

    def finish(self) -> None:
        self._flush()
        if self.write:
            # References held back until their targets were in (a team's lead, a duplicate's original).
            for section, column, target_table, name, where in self.later:
                try:
                    target = self.refs.id_of(target_table, name)
                except KeyError as exc:
                    raise ValidationError(f"'{section.name}' names {exc.args[0]}, which the export does not hold.",
                                          field="file") from None
                row_id = where if isinstance(where, int) else xq.find_id(self.store, section.table, where)
                xq.set_column(self.store, section.table, column, [(target, row_id)])
            xq.rebuild_search(self.store, self.incident_ids)
            xq.reset_sequences(self.store, [s.table for s in SECTIONS if s.info.sequence and (s.keep_ids or not s.key)])

    def _columns_of(self, section: Section) -> list[str]:
        if section.table not in self._columns:
            self._columns[section.table] = xq.columns_of(self.store, section.table)
        return self._columns[section.table]

    def _translate(self, section: Section, row: dict, number: int) -> dict:
        """File names and references to this database's columns and ids."""
        info = section.info
        by_name = self._by_name.get(section.name)
        if by_name is None:
            by_name = self._by_name[section.name] = {info.field_names.get(c, c): c for c in self._columns_of(section)}
        out = {}
        for name, value in row.items():
            column = by_name.get(name)
            if column is None:
                raise ValidationError(f"Row {number} of '{section.name}' has '{name}', which this database does not "
                                      "know; upgrade Incident Desk to import this export.", field="file")
            if column == "id" and not section.keep_ids:
                continue
            if column in info.references and column not in section.later:
                try:
                    value = self.refs.id_of(info.references[column], value)
                except KeyError as exc:
                    if self.write:  # a dry run has not written the users and teams it would make
                        raise ValidationError(f"Row {number} of '{section.name}' names {exc.args[0]}, which the "
                                              "export does not hold.", field="file") from None
                except ValueError:
                    raise ValidationError(f"Row {number} of '{section.name}' has {name} {value!r}, which is not an "
                                          "incident key.", field="file") from None
            elif column in info.booleans and value is not None:
                value = bool_value(self.store, bool(value))
            out[column] = value
        return out

    def _flush(self) -> None:
        section, rows = self.current, self.pending
        self.pending = []
        if section is None or not rows:
            return
        first = self.counts[section.name] - len(rows) + 1
        if section.key and self.write:
            # Row by row: a category's parent (or a team's lead) may be a row of the same batch.
            for n, raw in enumerate(rows):
                row = self._translate(section, raw, first + n)
                self._hold_later(section, row)
                self._upsert_by_key(section, [row])
            return
        rows = [self._translate(section, r, first + n) for n, r in enumerate(rows)]
        for row in rows:
            self._hold_later(section, row)
        if not self.write:
            if section.name == "incidents":
                self.new_incidents += len(rows)
            return
        if section.keep_ids:
            self._write_with_ids(section, rows)
        else:
            self._insert(section, rows)

    def _hold_later(self, section: Section, row: dict) -> None:
        """References that may point ahead in the file are set once everything is in."""
        for column in section.later:
            name = row.pop(column, None)
            if name is not None and self.write:
                where = row["id"] if section.keep_ids else {c: row.get(c) for c in section.key}
                self.later.append((section, column, section.info.references[column], name, where))

    def _insert(self, section: Section, rows: list[dict]) -> None:
        columns = list(rows[0])
        xq.insert_rows(self.store, section.table, columns, [[r.get(c) for c in columns] for r in rows])

    def _upsert_by_key(self, section: Section, rows: list[dict]) -> None:
        has_id = "id" in self._columns_of(section)
        for row in rows:
            columns = [c for c in row if c != "id"]
            values = [row[c] for c in columns]
            if not has_id:  # a setting: its key is its primary key
                if xq.find_key(self.store, section.table, section.key[0], row[section.key[0]]):
                    xq.update_row(self.store, section.table, columns, values, where_column=section.key[0],
                                  where_value=row[section.key[0]])
                else:
                    xq.insert_rows(self.store, section.table, columns, [values])
                continue
            where = {c: row.get(c) for c in section.key}
            found = xq.find_id(self.store, section.table, where)
            if found is None:
                xq.insert_rows(self.store, section.table, columns, [values])
                found = xq.find_id(self.store, section.table, where)
            else:
                xq.update_row(self.store, section.table, columns, values, where_column="id", where_value=found)
            if section.table == "user":
                self.refs.add("user", found, row["username"])
            elif section.table == "team" or (section.table == "category" and row.get("parent_id") is None):
                self.refs.add(section.table, found, row["name"])

    def _write_with_ids(self, section: Section, rows: list[dict]) -> None:
        if section.table == "business_service":
            self._write_services(rows)
            return
        ids = [r["id"] for r in rows]
        existing = xq.existing_ids(self.store, section.table, ids)
        if section.name == "incidents":
            self.incident_ids.extend(ids)
            self.new_incidents += len(ids) - len(existing)
            self.updated_incidents += len(existing)
            if existing:
                # An incident imported again brings its whole timeline and its other rows again.
                for owned in SECTIONS:
                    if owned.owner:
                        xq.delete_where_in(self.store, owned.table, owned.owner, sorted(existing))
        fresh = [r for r in rows if r["id"] not in existing]
        if fresh:
            self._insert(section, fresh)
        for row in rows:
            if row["id"] in existing:
                columns = [c for c in row if c != "id"]
                xq.update_row(self.store, section.table, columns, [row[c] for c in columns], where_column="id",
                              where_value=row["id"])

    def _write_services(self, rows: list[dict]) -> None:
        """A service is one per name in any desk: one this desk already has under another id is that one
        (updated from the file), and the rows pointing to the file's id point to it instead."""
        for row in rows:
            columns = [c for c in row if c != "id"]
            values = [row[c] for c in columns]
            found = xq.find_id(self.store, "business_service", {"name_key": row["name_key"]})
            if found is None and not xq.existing_ids(self.store, "business_service", [row["id"]]):
                xq.insert_rows(self.store, "business_service", list(row), [[row[c] for c in row]])
                continue
            if found is None:  # the file's id is another service here: this one gets a new id
                xq.insert_rows(self.store, "business_service", columns, [values])
                found = xq.find_id(self.store, "business_service", {"name_key": row["name_key"]})
            else:
                xq.update_row(self.store, "business_service", columns, values, where_column="id",
                              where_value=found)
            if found != row["id"]:
                self.refs.remap_id("business_service", row["id"], found)
