"""Importers and exporters (a later stage of the roadmap)."""
