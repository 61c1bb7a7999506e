"""Dialogs: logging an incident, the workflow steps, picking an incident, the policy editor."""
