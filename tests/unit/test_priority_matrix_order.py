"""The priority matrix may not rank a more severe impact or urgency below a milder one (service refuses)."""

from __future__ import annotations

import json

import pytest

from incident_desk.domain.incident import Level, Priority
from incident_desk.domain.priority import DEFAULT_MATRIX, PriorityMatrix
from incident_desk.services.errors import ValidationError


def _stored(backend):
    con = backend.connect()
    try:
        row = con.execute("SELECT value FROM setting WHERE key = 'priority_matrix'").fetchone()
    finally:
        con.close()
    return json.loads(row[0]) if row else None


def test_a_higher_urgency_with_a_lower_priority_is_refused_and_nothing_is_written(desk, backend):
    cells = dict(DEFAULT_MATRIX.cells)
    cells[(Level.LOW, Level.HIGH)] = Priority.P5  # Low impact, High urgency below Low/Medium's P4
    with pytest.raises(ValidationError) as err:
        desk.settings.set_priority_matrix(actor=desk.actor, matrix=PriorityMatrix(cells=cells))
    assert str(err.value) == ("Impact Low / urgency High gives P5, less urgent than P4 for impact Low / urgency "
                              "Medium: a higher urgency may not lower the priority.")
    assert _stored(backend) is None


def test_a_matrix_in_order_is_saved(desk, backend):
    cells = {(i, u): Priority.P3 for i in Level for u in Level}
    cells[(Level.HIGH, Level.HIGH)] = Priority.P1
    desk.settings.set_priority_matrix(actor=desk.actor, matrix=PriorityMatrix(cells=cells))
    saved = _stored(backend)
    assert saved["high/high"] == "P1" and saved["low/low"] == "P3" and len(saved) == 9
