"""peewee without its eager PostgreSQL driver import, and a peewee database that loads psycopg2 on first use."""

from __future__ import annotations

import sys

# peewee imports psycopg2 (and with it libpq and OpenSSL: ~40 ms, a third of the window's cold start)
# whenever it is installed, although a SQLite desk never uses it. Importing peewee while the drivers
# read as absent makes it record "no driver"; TeamPostgresqlDatabase below brings its own adapter that
# imports psycopg2 when a PostgreSQL database is actually opened.
_DRIVERS = ("psycopg2cffi", "psycopg2", "psycopg")


def _import_peewee():
    if "peewee" in sys.modules:
        return sys.modules["peewee"]
    hidden = [name for name in _DRIVERS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  (None in sys.modules: import raises ImportError)
    try:
        import peewee
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return peewee


peewee = _import_peewee()


class LazyPsycopg2Adapter(peewee.Psycopg2Adapter):
    """peewee's psycopg2 adapter with the driver imported here rather than when peewee is imported."""

    def __init__(self) -> None:
        super().__init__()
        import psycopg2
        from psycopg2 import extensions, extras

        extras.register_uuid()  # as peewee does when it imports the driver itself
        self._driver, self._extensions = psycopg2, extensions
        self.json_type = self.jsonb_type = extras.Json
        self.txn_idle = extensions.TRANSACTION_STATUS_IDLE
        self.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
        self.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN

    def check_driver(self) -> None:
        pass  # __init__ imported it or raised ImportError

    def get_binary_type(self):
        return self._driver.Binary

    def connect(self, db, **params):
        if db.database.startswith("postgresql://"):
            params.setdefault("dsn", db.database)
        else:
            params.setdefault("dbname", db.database)
        conn = self._driver.connect(**params)
        if db._register_unicode:
            self._extensions.register_type(self._extensions.UNICODE, conn)
            self._extensions.register_type(self._extensions.UNICODEARRAY, conn)
        if db._encoding:
            conn.set_client_encoding(db._encoding)
        return conn


class TeamPostgresqlDatabase(peewee.PostgresqlDatabase):
    """PostgreSQL through psycopg2, imported only when such a database is opened."""

    psycopg2_adapter = LazyPsycopg2Adapter
    # Set by the Store: turns a statement's error outside a transaction into the desk's own (or None).
    on_connection_error = None

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            # Inside a transaction Store.read()/write() translate it once the transaction has unwound.
            hook = self.on_connection_error
            replacement = hook(exc) if hook is not None and not self.in_transaction() else None
            if replacement is None:
                raise
            raise replacement from exc
