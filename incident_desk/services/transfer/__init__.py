"""Bringing history in and taking it out: importers, the JSON and CSV exports, backups and restores."""
