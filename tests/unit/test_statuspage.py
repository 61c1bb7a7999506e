"""The published status page: nothing internal leaves the desk, the feed parses, files are replaced whole."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser

from incident_desk.services.incidents import IncidentDraft

SECRETS = {
    "work_note": "ZQXWORKNOTE7731",
    "comment": "ZQXCOMMENT4410",
    "description": "ZQXDESCRIPTION0092",
    "reporter_name": "Zqxreportername Ninefold",
    "reporter_contact": "zqx.contact.5512@example.net",
    "phone_contact": "+44 20 7946 0958",
    "agent_username": "zqxagent",
    "agent_display": "Zqxagentdisplay Person",
    "agent_email": "zqx.agent.mail@example.org",
    "internal_service": "ZQXINTERNALSERVICE",
    "subscriber": "zqx.subscriber.8841@example.com",
    "resolution_notes": "ZQXRESOLUTIONNOTE",
    "override_reason": "ZQXOVERRIDEREASON",
    "service_description": "ZQXSERVICEDESCRIPTION",
}


def _log(desk, **kw):
    draft = dict(title="Checkout fails", category="Software", impact="high", urgency="high", service="Web Shop")
    draft.update(kw)
    return desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(**draft))


def _planted_desk(desk, clock):
    """Every kind of internal text, each a unique string, around public updates."""
    admin = desk.actor
    desk.users.add_user(actor=admin, username=SECRETS["agent_username"], display_name=SECRETS["agent_display"],
                        email=SECRETS["agent_email"], role="agent")
    agent = desk.users.actor(SECRETS["agent_username"])
    comm = desk.communication
    comm.add_service(actor=admin, name="Web Shop", public=True, description=SECRETS["service_description"],
                     subscribers=[SECRETS["subscriber"]])
    comm.add_service(actor=admin, name=SECRETS["internal_service"], public=False)
    comm.add_service(actor=admin, name="Mail", public=True)
    comm.override(actor=admin, name="Mail", state="under_maintenance", reason=SECRETS["override_reason"])
    # The reporter's name typed into the title and an update is redacted, as in customer reports.
    inc = _log(desk, title=f"Checkout fails for {SECRETS['reporter_name']}", description=SECRETS["description"],
               reporter_name=SECRETS["reporter_name"], reporter_contact=SECRETS["reporter_contact"],
               assignee=SECRETS["agent_username"])
    other = _log(desk, title="Phones down", service=None, reporter_name="Q", reporter_contact=SECRETS["phone_contact"],
                 impact="medium", urgency="medium")
    desk.incidents.comment(actor=agent, key=inc.key, text=SECRETS["comment"])
    desk.incidents.comment(actor=agent, key=inc.key, text=SECRETS["work_note"], work_note=True)
    clock.advance(minutes=10)
    comm.announce(actor=agent, key=inc.key, state="investigating", services=["Web Shop", SECRETS["internal_service"]],
                  message=f"PUBLICMSG-A: payments fail. {SECRETS['agent_display']} is on it, "
                          f"mail {SECRETS['agent_email']} or call {SECRETS['phone_contact']}.")
    clock.advance(minutes=20)
    comm.announce(actor=admin, key=inc.key, state="identified", message="PUBLICMSG-B: <script>alert(1)</script> & co")
    comm.announce(actor=agent, key=other.key, state="investigating", message="PUBLICMSG-C")
    clock.advance(minutes=5)
    comm.announce(actor=agent, key=other.key, state="resolved", message="PUBLICMSG-D")
    desk.incidents.transition(actor=agent, key=other.key, to="resolved", resolution_code="fixed",
                              resolution_notes=SECRETS["resolution_notes"])
    # An incident that never had a public update is not published at all.
    _log(desk, title="ZQXUNANNOUNCEDTITLE")
    return inc, other


def _published_texts(folder: Path) -> dict[str, str]:
    files = {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}
    assert {"index.html", "status.json", "feed.atom"} <= set(files)
    return files


def test_nothing_internal_is_published_anywhere(desk, clock, tmp_path, backend):
    inc, other = _planted_desk(desk, clock)
    site = tmp_path / "site"
    # The real command line, as a support desk would run it.
    subprocess.run([sys.executable, "-m", "incident_desk", *backend.cli_args(), "statuspage", "publish", str(site),
                    "--now", clock.now.isoformat()], check=True, capture_output=True, text=True)
    texts = _published_texts(site)
    assert f"incidents/{inc.key}.html" in texts and f"incidents/{other.key}.html" in texts
    assert len(texts) == 5  # index, json, feed and the two announced incidents' pages; nothing else
    dist = desk.communication.distribution(inc.key)
    query = parse_qs(urlsplit(dist.mailto).query)
    texts["mail subject"] = query["subject"][0]
    texts["mail body"] = query["body"][0]
    texts["mail text"], texts["chat markdown"], texts["subject"] = dist.text, dist.markdown, dist.subject
    for name, text in texts.items():
        for what, secret in SECRETS.items():
            assert secret.lower() not in text.lower(), f"{what} leaked into {name}"
        assert "ZQXUNANNOUNCEDTITLE" not in text
    # What is public is there (so the search above looked at real pages).
    assert "PUBLICMSG-A: payments fail. [redacted] is on it" in texts["index.html"]
    assert "PUBLICMSG-B: &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in texts["index.html"]
    assert "<script>" not in texts["index.html"] and "<script>" not in texts[f"incidents/{inc.key}.html"]
    assert "PUBLICMSG-D" in texts[f"incidents/{other.key}.html"]
    assert SECRETS["subscriber"] in dist.recipients and SECRETS["reporter_contact"] in dist.recipients


def test_status_json_says_states_and_updates(desk, clock, tmp_path):
    inc, other = _planted_desk(desk, clock)
    from incident_desk.reports.statuspage import publish_desk
    publish_desk(desk, tmp_path)
    data = json.loads((tmp_path / "status.json").read_text(encoding="utf-8"))
    # Web Shop has the open P1: a major outage; Mail is under maintenance by hand; the worst wins overall.
    assert data["services"] == [
        {"name": "Mail", "state": "under_maintenance", "label": "Under maintenance"},
        {"name": "Web Shop", "state": "major_outage", "label": "Major outage"}]
    assert data["overall"]["state"] == "major_outage"
    assert [(i["key"], i["open"], i["state"], i["services"]) for i in data["incidents"]] == [
        (inc.key, True, "identified", ["Web Shop"]), (other.key, False, "resolved", [])]
    assert [u["state"] for u in data["incidents"][0]["updates"]] == ["investigating", "identified"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src"):
                self.refs.append(value)


def test_pages_load_nothing_from_outside_and_links_resolve(desk, clock, tmp_path):
    _planted_desk(desk, clock)
    from incident_desk.reports.statuspage import publish_desk
    publish_desk(desk, tmp_path)
    for page in [tmp_path / "index.html", *(tmp_path / "incidents").glob("*.html")]:
        parser = _Links()
        text = page.read_text(encoding="utf-8")
        parser.feed(text)
        assert "<script" not in text.lower() and "@import" not in text and "url(" not in text
        for ref in parser.refs:
            assert "://" not in ref and not ref.startswith("//"), ref
            target = (page.parent / ref.split("#")[0]).resolve()
            assert target.is_file(), f"{page.name} links {ref}"


def test_atom_feed_parses_with_one_entry_per_update(desk, clock, tmp_path):
    inc, other = _planted_desk(desk, clock)
    from incident_desk.reports.statuspage import publish_desk
    publish_desk(desk, tmp_path, base_url="https://status.example.org/desk")
    feed = feedparser.parse((tmp_path / "feed.atom").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Service status"
    titles = [e.title for e in feed.entries]
    assert titles == ["Resolved: Phones down", "Investigating: Phones down",
                      "Identified: Checkout fails for [redacted]", "Investigating: Checkout fails for [redacted]"]
    assert len({e.id for e in feed.entries}) == 4
    assert all(e.id.startswith("tag:incident-desk,2026:") for e in feed.entries)
    assert feed.entries[0].link.startswith(f"https://status.example.org/desk/incidents/{other.key}.html#u")
    assert feed.entries[2].summary == "PUBLICMSG-B: <script>alert(1)</script> & co"  # text, escaped in the XML
    # Newest first; an entry's time is its update's.
    assert feed.entries[0].updated_parsed >= feed.entries[-1].updated_parsed


def test_republishing_replaces_files_whole_and_drops_stale_pages(desk, clock, tmp_path):
    inc, other = _planted_desk(desk, clock)
    from incident_desk.reports.statuspage import publish_desk
    publish_desk(desk, tmp_path)
    (tmp_path / "incidents" / "INC-999999.html").write_text("stale")
    (tmp_path / "incidents" / "keep-me.txt").write_text("not ours")
    clock.advance(days=15)  # the resolved one leaves the 14-day history; the open one stays
    publish_desk(desk, tmp_path)
    names = sorted(p.name for p in (tmp_path / "incidents").iterdir())
    assert names == [f"{inc.key}.html", "keep-me.txt"]
    assert not [p for p in tmp_path.rglob(".*.tmp")]  # no temporary file left behind


def test_a_failed_write_leaves_the_old_page(desk, clock, tmp_path, monkeypatch):
    _planted_desk(desk, clock)
    from incident_desk.reports import statuspage
    statuspage.publish_desk(desk, tmp_path)
    before = (tmp_path / "index.html").read_bytes()
    real_replace = statuspage.os.replace

    def replace_but_not_the_index(src, dst):
        if Path(dst).name == "index.html":
            raise OSError(28, "No space left on device")
        real_replace(src, dst)
    monkeypatch.setattr(statuspage.os, "replace", replace_but_not_the_index)
    desk.communication.announce(actor=desk.actor, key="INC-000001", state="monitoring", message="PUBLICMSG-E")
    clock.advance(minutes=1)
    try:
        statuspage.publish_desk(desk, tmp_path)
        raise AssertionError("the write did not fail")
    except OSError as exc:
        assert exc.errno == 28
    assert (tmp_path / "index.html").read_bytes() == before
    assert b"PUBLICMSG-E" not in before and "PUBLICMSG-E" in (tmp_path / "status.json").read_text()
    assert not [p for p in tmp_path.rglob(".*.tmp")]


def test_history_lists_fourteen_days(desk, clock, tmp_path):
    _planted_desk(desk, clock)
    from incident_desk.reports.statuspage import publish_desk
    publish_desk(desk, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.count('<div class="day">') == 14
    today = clock.now.date()
    assert f'<time datetime="{today.isoformat()}">' in index
    assert f'<time datetime="{(today - timedelta(days=13)).isoformat()}">' in index
    assert f'<time datetime="{(today - timedelta(days=14)).isoformat()}">' not in index


def test_an_incidents_state_shows_the_time_of_the_update_that_said_it(desk, clock, tmp_path):
    """'Resolved' goes with the resolving update's time, not the first update's (it once read 'Resolved since'
    the time the incident was first reported)."""
    inc, other = _planted_desk(desk, clock)
    resolved_at = clock.now.astimezone(UTC)               # PUBLICMSG-D was the last thing announced
    first_at = resolved_at - timedelta(minutes=5)         # PUBLICMSG-C, five minutes before
    from incident_desk.reports.statuspage import publish_desk
    publish_desk(desk, tmp_path)
    page = (tmp_path / "incidents" / f"{other.key}.html").read_text(encoding="utf-8")
    line = re.search(r'<div><span class="badge[^"]*">Resolved</span> <span class="muted">(.*?)</span></div>',
                     page)
    assert line is not None, "no state line with 'Resolved' on the incident page"
    stamps = re.findall(r'<time datetime="([^"]+)">', line.group(1))
    assert [datetime.fromisoformat(s).astimezone(UTC) for s in stamps] == [resolved_at, first_at]
