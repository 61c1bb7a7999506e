"""Floor 2: persistence on peewee; the only place that knows SQL."""
