"""The status summary sent to a reporter and the mailto: URL that opens it in their mail client."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from incident_desk.domain.incident import Incident

# Mail clients and some OS URL handlers truncate long URLs; the summary is cut well before that.
MAX_BODY_CHARS = 6000
_EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reporter_address(incident: Incident) -> str:
    """The reporter's e-mail address, or '' when the contact is a phone number or free text."""
    contact = (incident.reporter_contact or "").strip()
    return contact if _EMAIL_RE.match(contact) else ""


def summary_subject(incident: Incident) -> str:
    return _one_line(f"[{incident.key}] {incident.status.label}: {incident.title}")


def status_summary(incident: Incident, message: str = "", *, agent: str | None = None,
                   assignee: str | None = None) -> str:
    """Plain-text summary: key, title, status, priority, assignee and the agent's own words. ``agent``
    and ``assignee`` are the names a reporter reads (display names), not user names."""
    greeting = f"Hello {incident.reporter_name.strip()}," if (incident.reporter_name or "").strip() else "Hello,"
    lines = [greeting, "", f"here is the current status of your incident {incident.key}.", "",
             f"Incident:  {incident.key}", f"Title:     {_one_line(incident.title)}",
             f"Status:    {incident.status.label}"
             + (f" ({incident.hold_reason.value})" if incident.hold_reason else ""),
             f"Priority:  {incident.priority.label}"]
    if incident.assignee:
        lines.append(f"Handled by: {_one_line(assignee or incident.assignee)}"
                     + (f" ({incident.team})" if incident.team else ""))
    if incident.resolution_code:
        lines.append(f"Resolution: {incident.resolution_code}")
    text = _clean(message).strip()
    if text:
        lines += ["", text]
    lines += ["", "Kind regards,", agent or "The service desk"]
    body = "\n".join(lines)
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS - 1] + "…"
    return body


def mailto_url(incident: Incident, message: str = "", *, agent: str | None = None,
               assignee: str | None = None) -> str:
    """A mailto: URL (RFC 6068): address, subject and body percent-encoded as UTF-8, CRLF line breaks."""
    address = reporter_address(incident)
    return compose_mailto(to=[address] if address else [], subject=summary_subject(incident),
                          body=status_summary(incident, message, agent=agent, assignee=assignee))


def valid_address(text: str | None) -> str:
    """``text`` as one e-mail address, or '' when it is not one (a phone number, free text, two addresses)."""
    value = (text or "").strip()
    return value if _EMAIL_RE.match(value) else ""


def compose_mailto(*, to: Sequence[str] = (), subject: str = "", body: str = "", bcc: Sequence[str] = ()) -> str:
    """A mailto: URL (RFC 6068). Every address, the subject and the body are percent-encoded as UTF-8
    with nothing left safe but '@' in addresses: a '?', '&', '%', ',' or line break in any of them stays
    data and can never start another header. Addresses that are not one valid address are dropped;
    the subject is one line; the body's line breaks become CRLF as the RFC asks."""
    def addresses(values: Sequence[str]) -> str:
        return ",".join(quote(a, safe="@") for a in dict.fromkeys(valid_address(v) for v in values) if a)

    fields = []
    if bcc:
        listed = addresses(bcc)
        if listed:
            fields.append(f"bcc={listed}")
    fields.append(f"subject={quote(_one_line(subject), safe='')}")
    crlf = _clean(body).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    fields.append(f"body={quote(crlf, safe='')}")
    return f"mailto:{addresses(to)}?{'&'.join(fields)}"


def _clean(text: str | None) -> str:
    return _CONTROL_RE.sub("", text or "")


def _one_line(text: str | None) -> str:
    return " ".join(_clean(text).split())
