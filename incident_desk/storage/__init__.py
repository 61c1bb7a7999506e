"""Floor 2: persistence on peewee; the only place that knows SQL."""

# First, so that every storage module's `import peewee` finds it already imported without the driver.
from incident_desk.storage import pg_driver as _pg_driver  # noqa: F401
