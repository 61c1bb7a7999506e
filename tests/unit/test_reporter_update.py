"""Status summary text and mailto: URL for reporter updates (real incidents on a real SQLite desk)."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from incident_desk.services import reporter_update as ru
from incident_desk.services.incidents import IncidentDraft


def _log(desk, **kw):
    draft = dict(title="VPN drops every 10 minutes", category="Network", subcategory="VPN",
                 reporter_name="Jane Doe", reporter_contact="jane.doe@example.com")
    draft.update(kw)
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(**draft))


def _decode(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    return unquote(parts.path), {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}


def test_summary_names_key_status_and_message(desk):
    inc = _log(desk)
    text = ru.status_summary(inc, "We are replacing the VPN gateway tonight.", agent="alex")
    assert inc.key in text and "New" in text and "P3" in text
    assert "Hello Jane Doe," in text
    assert text.rstrip().endswith("alex")
    assert "replacing the VPN gateway" in text


def test_mailto_round_trips_through_url_encoding(desk):
    inc = _log(desk)
    message = "Fix: 50% done & more; see a+b=c?\nNext line #2"
    address, query = _decode(ru.mailto_url(inc, message))
    assert address == "jane.doe@example.com"
    assert query["subject"] == f"[{inc.key}] New: VPN drops every 10 minutes"
    assert "50% done & more; see a+b=c?\r\nNext line #2" in query["body"]
    raw = ru.mailto_url(inc, message)
    assert " " not in raw and "\n" not in raw and "&more" not in raw


def test_phone_contact_leaves_address_empty(desk):
    inc = _log(desk, reporter_contact="+49 30 1234567")
    address, query = _decode(ru.mailto_url(inc, "hi"))
    assert address == ""
    assert inc.key in query["body"]


@pytest.mark.parametrize("message", ["שלום عالم 🚀 ✓", "\x07bell\x1b[31m red", "x" * 50_000, ""])
def test_hostile_messages_stay_safe(desk, message):
    inc = _log(desk, title="Drucker 🖨 spinnt — ‏עברית‎")
    url = ru.mailto_url(inc, message)
    assert url.isascii()
    _, query = _decode(url)
    body = query["body"]
    assert "\x07" not in body and "\x1b" not in body
    assert len(body) <= ru.MAX_BODY_CHARS + 200
    assert "🖨" in query["subject"]


def test_contact_with_injection_attempt_is_not_used_as_address(desk):
    inc = _log(desk, reporter_contact="a@b.com?cc=evil@x.com")
    address, query = _decode(ru.mailto_url(inc, ""))
    assert address == ""
    assert "cc" not in query
