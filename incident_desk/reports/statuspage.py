"""The static status page: index.html, a page per incident, status.json and feed.atom, written atomically."""

from __future__ import annotations

import json
import os
import re
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from html import escape
from pathlib import Path

from incident_desk import __version__
from incident_desk.domain.communication import ServiceState, UpdateState
from incident_desk.services.communication import PublicIncident, StatusSnapshot

INCIDENT_DIR = "incidents"
_PAGE_RE = re.compile(r"^INC-\d+\.html$")
# XML 1.0 cannot carry these at all (not even escaped); HTML shows them as nothing useful.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BANNER = {
    ServiceState.OPERATIONAL: "All systems operational",
    ServiceState.MAINTENANCE: "Maintenance in progress",
    ServiceState.DEGRADED: "Some systems are degraded",
    ServiceState.PARTIAL_OUTAGE: "Partial outage",
    ServiceState.MAJOR_OUTAGE: "Major outage",
}
# Tones, not colours alone: every badge also says its state in words.
_TONE = {
    ServiceState.OPERATIONAL: "ok", ServiceState.MAINTENANCE: "info", ServiceState.DEGRADED: "warn",
    ServiceState.PARTIAL_OUTAGE: "bad", ServiceState.MAJOR_OUTAGE: "crit",
    UpdateState.INVESTIGATING: "bad", UpdateState.IDENTIFIED: "warn", UpdateState.MONITORING: "info",
    UpdateState.RESOLVED: "ok",
}

# One small stylesheet inside each page: nothing is fetched from anywhere, the pages read the same from a
# shared folder, a web server or a mail attachment. Light by default, dark when the reader's system is.
_CSS = """
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1d2330;--muted:#5b6475;--line:#dfe3ea;
--ok:#1a7f37;--info:#0b5cad;--warn:#9a6700;--bad:#c4410c;--crit:#b3261e;--link:#0b5cad}
@media (prefers-color-scheme:dark){:root{--bg:#11141a;--card:#1a1f27;--fg:#e6e9ef;--muted:#a3acbb;
--line:#2c3340;--ok:#4ac26b;--info:#6cb6ff;--warn:#e3b341;--bad:#f0883e;--crit:#ff7b72;--link:#6cb6ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Noto Sans",sans-serif;overflow-wrap:anywhere}
main{max-width:52rem;margin:0 auto;padding:1rem}
a{color:var(--link)}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.75rem 0 .5rem}
h3{font-size:1.05rem;margin:0 0 .25rem}
div.banner{border-radius:.5rem;padding:1rem;font-weight:600;font-size:1.15rem;color:#fff;background:var(--ok)}
.banner.info{background:var(--info)}.banner.warn{background:var(--warn)}.banner.bad{background:var(--bad)}
.banner.crit{background:var(--crit)}
@media (prefers-color-scheme:dark){div.banner{color:#11141a}}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem;margin:.5rem 0}
ul.services{list-style:none;margin:0;padding:0;background:var(--card);border:1px solid var(--line);
border-radius:.5rem}
ul.services li{display:flex;justify-content:space-between;gap:1rem;padding:.6rem 1rem;border-top:1px solid var(--line)}
ul.services li:first-child{border-top:0}
.badge{font-weight:600;white-space:nowrap}
.badge::before{content:"\\25CF";margin-right:.35rem}
.ok{color:var(--ok)}.info{color:var(--info)}.warn{color:var(--warn)}.bad{color:var(--bad)}.crit{color:var(--crit)}
.muted{color:var(--muted);font-size:.9rem}
ol.updates{list-style:none;margin:.5rem 0 0;padding:0}
ol.updates li{border-left:3px solid var(--line);padding:.1rem 0 .5rem .75rem;margin-bottom:.25rem}
.message{white-space:pre-wrap;margin:.15rem 0 0}
.day{display:flex;flex-wrap:wrap;gap:.25rem 1rem;border-top:1px solid var(--line);padding:.5rem 0}
.day>time{min-width:8rem;font-weight:600}
footer{margin:2rem 0 1rem;color:var(--muted);font-size:.9rem}
"""


@dataclass(frozen=True)
class PublishResult:
    directory: Path
    files: int
    services: int
    incidents: int
    updates: int

    def to_dict(self) -> dict:
        return {"directory": str(self.directory), "files": self.files, "services": self.services,
                "incidents": self.incidents, "updates": self.updates}


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value), quote=True)


@lru_cache(maxsize=65536)
def _stamp(seconds: float) -> tuple[str, str, str]:
    """(ISO 8601, Atom's Z form, what people read) of one instant: every update's time is written four
    times (its page, the index, status.json, the feed), formatted once."""
    value = datetime.fromtimestamp(seconds, UTC)
    return value.isoformat(), value.strftime("%Y-%m-%dT%H:%M:%SZ"), value.strftime("%Y-%m-%d %H:%M UTC")


def _when(value: datetime) -> str:
    return _stamp(value.timestamp())[2]


def _time(value: datetime) -> str:
    iso, _, shown = _stamp(value.timestamp())
    return f'<time datetime="{iso}">{shown}</time>'


def _badge(state: ServiceState | UpdateState) -> str:
    return f'<span class="badge {_TONE[state]}">{_text(state.label)}</span>'


def _page(title: str, body: str, *, root: str, site_title: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"color-scheme\" content=\"light dark\">\n"
            f"<meta name=\"generator\" content=\"Incident Desk {_text(__version__)}\">\n"
            f"<title>{_text(title)}</title>\n"
            f"<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{_text(site_title)}\" "
            f"href=\"{root}feed.atom\">\n"
            f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def _updates(incident: PublicIncident) -> str:
    items = []
    for entry in reversed(incident.updates):  # newest first, as status pages read
        items.append(f'<li id="u{entry.id}">{_badge(entry.state)} <span class="muted">{_time(entry.at)}</span>'
                     f'<p class="message">{_text(entry.message)}</p></li>')
    return f'<ol class="updates">{"".join(items)}</ol>'


def _incident_card(incident: PublicIncident, *, root: str, with_updates: bool, heading: bool = True) -> str:
    services = (f'<div class="muted">Affects: {_text(", ".join(incident.services))}</div>'
                if incident.services else "")
    head = (f'<h3><a href="{root}{INCIDENT_DIR}/{incident.key}.html">{_text(incident.title)}</a></h3>'
            if heading else "")
    # The state is the last update's: its time goes beside it ("Resolved since" the first update misled).
    head += (f'<div>{_badge(incident.state)} <span class="muted">{_time(incident.updated_at)} · first reported '
             f'{_time(incident.started_at)}</span></div>')
    return f'<section class="card">{head}{services}{_updates(incident) if with_updates else ""}</section>'


def _footer(when: datetime, root: str, *, what: str = "Updated") -> str:
    return (f'<footer>{what} {_time(when)} · <a href="{root}feed.atom">Atom feed</a> · '
            f'<a href="{root}status.json">status.json</a></footer>')


def render_index(snapshot: StatusSnapshot, *, site_title: str = "Service status") -> str:
    overall = snapshot.overall
    parts = [f"<h1>{_text(site_title)}</h1>",
             f'<div class="banner {_TONE[overall]}" role="status">{_text(_BANNER[overall])}</div>']
    open_ones = [i for i in snapshot.incidents if i.is_open]
    if open_ones:
        parts.append("<h2>Current incidents</h2>")
        parts += [_incident_card(i, root="", with_updates=True) for i in open_ones]
    parts.append("<h2>Services</h2>")
    if snapshot.services:
        rows = "".join(f"<li><span>{_text(s.name)}</span>{_badge(s.state)}</li>" for s in snapshot.services)
        parts.append(f'<ul class="services">{rows}</ul>')
    else:
        parts.append('<p class="muted">No public services yet.</p>')
    parts.append(f"<h2>Past {snapshot.history_days} days</h2>")
    parts.append(_history(snapshot))
    parts.append(_footer(snapshot.generated_at, ""))
    return _page(site_title, "\n".join(parts), root="", site_title=site_title)


def _history(snapshot: StatusSnapshot) -> str:
    """One line per day, today first: the incidents that had an update that day."""
    by_day: dict[str, list[PublicIncident]] = defaultdict(list)
    for incident in snapshot.incidents:
        days = dict.fromkeys(u.at.astimezone(UTC).date().isoformat() for u in incident.updates)
        for day in days:
            by_day[day].append(incident)
    today = snapshot.generated_at.astimezone(UTC).date()
    rows = []
    for back in range(snapshot.history_days):
        day = today - timedelta(days=back)
        found = by_day.get(day.isoformat(), [])
        if found:
            links = "".join(f'<div><a href="{INCIDENT_DIR}/{i.key}.html">{_text(i.title)}</a> {_badge(i.state)}</div>'
                            for i in found)
        else:
            links = '<div class="muted">No incidents reported.</div>'
        rows.append(f'<div class="day"><time datetime="{day.isoformat()}">{day:%a %d %b %Y}</time>'
                    f'<div>{links}</div></div>')
    return "".join(rows)


def render_incident(snapshot: StatusSnapshot, incident: PublicIncident, *, site_title: str = "Service status") -> str:
    body = (f'<p><a href="../index.html">← {_text(site_title)}</a></p>'
            f"<h1>{_text(incident.title)}</h1>"
            + _incident_card(incident, root="../", with_updates=True, heading=False)
            # The incident's own last update, not the publishing time: a page whose incident did not
            # change is byte for byte the same, so publishing again leaves it alone.
            + _footer(incident.updated_at, "../", what="Last update"))
    return _page(f"{incident.title} · {site_title}", body, root="../", site_title=site_title)


def render_json(snapshot: StatusSnapshot, *, base_url: str = "") -> str:
    data = {
        "generated_at": snapshot.generated_at.isoformat(),
        "overall": {"state": snapshot.overall.value, "label": _BANNER[snapshot.overall]},
        "services": [{"name": s.name, "state": s.state.value, "label": s.state.label} for s in snapshot.services],
        "incidents": [{
            "key": i.key, "title": i.title, "open": i.is_open, "state": i.state.value, "services": list(i.services),
            "started_at": i.started_at.isoformat(), "updated_at": i.updated_at.isoformat(),
            "url": f"{base_url}{INCIDENT_DIR}/{i.key}.html",
            "updates": [{"id": u.id, "at": u.at.isoformat(), "state": u.state.value, "message": u.message}
                        for u in i.updates]} for i in snapshot.incidents],
    }
    # Compact: the C encoder (an indent would switch to the pure-Python one, four times slower).
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def render_atom(snapshot: StatusSnapshot, *, base_url: str = "", site_title: str = "Service status") -> str:
    """One entry per public update, newest first (RFC 4287). Ids are tag URIs (RFC 4151) made from the
    desk's identity and the update's number: the same update keeps its id in every publish."""
    feed_id = f"tag:incident-desk,2026:{uuid.uuid5(uuid.NAMESPACE_URL, f'incident-desk:{snapshot.desk_id}:status')}"
    entries = [(u, i) for i in snapshot.incidents for u in i.updates]
    entries.sort(key=lambda pair: (pair[0].at, pair[0].id), reverse=True)
    updated = entries[0][0].at if entries else snapshot.generated_at
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{_text(site_title)}</title>", f"<id>{feed_id}</id>",
           f"<updated>{_iso(updated)}</updated>", "<author><name>Service desk</name></author>",
           f'<link rel="alternate" type="text/html" href="{_text(base_url)}index.html"/>',
           f'<generator version="{_text(__version__)}">Incident Desk</generator>']
    for update, incident in entries:
        link = f"{base_url}{INCIDENT_DIR}/{incident.key}.html#u{update.id}"
        out.append(
            f"<entry><title>{_text(f'{update.state.label}: {incident.title}')}</title>"
            f"<id>{feed_id}/update/{update.id}</id>"
            f"<updated>{_iso(update.at)}</updated><published>{_iso(update.at)}</published>"
            f'<link rel="alternate" type="text/html" href="{_text(link)}"/>'
            f'<category term="{update.state.value}"/>'
            f'<content type="text">{_text(update.message)}</content></entry>')
    out.append("</feed>\n")
    return "\n".join(out)


def _iso(value: datetime) -> str:
    return _stamp(value.timestamp())[1]


def _write(path: Path, text: str, *, durable: bool = True) -> bool:
    """Write next to the target and rename over it: a reader (a web server, a colleague on the share)
    sees the old file or the new one, never half of one. A file already holding ``text`` is left alone
    (returns False). ``durable`` also flushes it to disk before the rename; incident pages skip that (a
    power cut may lose a page the next publish writes again; it can never leave half of one)."""
    data = text.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        if not durable:
            # A new incident page: nothing links it until the index, the feed and status.json (written
            # after it, each renamed into place) do, so it is written straight in: one file made, not two.
            _write_new(path, data)
            return True
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # a page is for everyone who can reach the folder
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _write_new(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    except FileExistsError:  # made meanwhile (two publishers at once): the careful way, then
        _write(path, data.decode("utf-8"))
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def publish(snapshot: StatusSnapshot, directory: str | os.PathLike, *, base_url: str = "",
            site_title: str = "Service status") -> PublishResult:
    """Write the site into ``directory`` (made if missing). Incident pages first and index.html last, so
    every link on a new index already leads somewhere; pages of incidents no longer shown are removed."""
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    root = Path(directory)
    pages = root / INCIDENT_DIR
    pages.mkdir(parents=True, exist_ok=True)
    keep = set()
    for incident in snapshot.incidents:
        name = f"{incident.key}.html"
        keep.add(name)
        _write(pages / name, render_incident(snapshot, incident, site_title=site_title), durable=False)
    for old in pages.iterdir():
        if _PAGE_RE.match(old.name) and old.name not in keep:
            old.unlink(missing_ok=True)
    _write(root / "status.json", render_json(snapshot, base_url=base_url))
    _write(root / "feed.atom", render_atom(snapshot, base_url=base_url, site_title=site_title))
    _write(root / "index.html", render_index(snapshot, site_title=site_title))
    return PublishResult(directory=root, files=len(keep) + 3, services=len(snapshot.services),
                         incidents=len(snapshot.incidents), updates=sum(len(i.updates) for i in snapshot.incidents))


def publish_desk(desk, directory: str | os.PathLike, *, base_url: str = "", site_title: str = "Service status",
                 now: datetime | None = None) -> PublishResult:
    """Publish the desk's status page as its current user (every role may: it carries only public facts)."""
    from incident_desk.services.auth import require
    require(desk.actor, "statuspage.publish")
    return publish(desk.communication.status_snapshot(now), directory, base_url=base_url, site_title=site_title)
