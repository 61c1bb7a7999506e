"""Floor 1: pure domain rules (no peewee, no Qt, no I/O, no clock)."""
