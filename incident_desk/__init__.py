"""Incident Desk: a desktop application for incident management."""

from pathlib import Path

__version__ = "0.1.0"

_RESOURCES = Path(__file__).resolve().parent / "resources"


def resource_path(*parts: str) -> Path:
    """A file shipped with the package in incident_desk/resources (icons, templates): package data, so
    it is found from a source checkout, an installed wheel and a frozen bundle alike."""
    return _RESOURCES.joinpath(*parts)
