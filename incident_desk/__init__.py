"""Incident Desk: a desktop application for incident management."""

__version__ = "0.1.0"
