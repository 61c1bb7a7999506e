"""Widgets and windows of the desk."""
