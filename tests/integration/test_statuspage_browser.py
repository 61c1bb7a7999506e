"""The published status page in a real headless Chromium (Debian's chromium + chromium-driver), spoken to
over WebDriver on loopback: desktop and phone widths, light and dark, nothing loaded from anywhere."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from incident_desk.services.incidents import IncidentDraft

# Where the screenshots go (CI keeps them as artefacts); a temp folder otherwise.
SHOT_DIR_ENV = "INCIDENT_DESK_SHOT_DIR"
VIEWS = [  # name, width, height, mobile, colour scheme
    ("desktop-light", 1280, 900, False, "light"),
    ("desktop-dark", 1280, 900, False, "dark"),
    ("phone-light", 390, 844, True, "light"),
    ("phone-dark", 390, 844, True, "dark"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriver:
    """Just enough of the W3C WebDriver protocol (and chromedriver's CDP passthrough) for these checks."""

    def __init__(self, base: str, profile: Path):
        self.base = base
        binary = shutil.which("chromium") or "/usr/bin/chromium"
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": binary,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", f"--user-data-dir={profile}", "--no-first-run"]}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"WebDriver {method} {path}: {exc.read()[:500]!r}") from None

    def cmd(self, path: str, body: dict | None = None, method: str = "POST"):
        return self._call(method, f"/session/{self.session}{path}", body)

    def cdp(self, command: str, params: dict):
        return self.cmd("/goog/cdp/execute", {"cmd": command, "params": params})

    def run(self, script: str):
        return self.cmd("/execute/sync", {"script": script, "args": []})

    def quit(self):
        try:
            self._call("DELETE", f"/session/{self.session}")
        except Exception:  # noqa: BLE001  (the browser may be gone already)
            pass


@pytest.fixture
def browser(tmp_path):
    driver = shutil.which("chromedriver")
    if driver is None or not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        pytest.fail("Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver; "
                    ".ci/run and `make system-deps-test` install them).")
    port = _free_port()
    log = open(tmp_path / "chromedriver.log", "w")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen([driver, f"--port={port}"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/status", timeout=2) as response:
                if json.loads(response.read())["value"]["ready"]:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"chromedriver did not start: {(tmp_path / 'chromedriver.log').read_text()[-500:]}")
        time.sleep(0.1)
    web = WebDriver(base, tmp_path / "profile")
    try:
        yield web
    finally:
        web.quit()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _site(desk, clock, folder: Path) -> str:
    comm = desk.communication
    comm.add_service(actor=desk.actor, name="Web Shop", public=True)
    comm.add_service(actor=desk.actor, name="Customer Portal (EU region) with a long name", public=True)
    comm.add_service(actor=desk.actor, name="Mail", public=True)
    comm.override(actor=desk.actor, name="Mail", state="under_maintenance", reason="planned")
    inc = desk.incidents.log_incident(actor=desk.actor, draft=IncidentDraft(
        title="Checkout fails with a payment error for some card types", category="Software", impact="high",
        urgency="high", service="Web Shop"))
    comm.announce(actor=desk.actor, key=inc.key, state="investigating",
                  message="We are investigating failed payments in the web shop. "
                          "https://a-very-long-unbroken-address.example.org/" + "x" * 60)
    clock.advance(minutes=25)
    comm.announce(actor=desk.actor, key=inc.key, state="identified",
                  message="A certificate on the payment gateway expired.\nWe are replacing it.")
    from incident_desk.reports.statuspage import publish_desk
    publish_desk(desk, folder)
    return inc.key


_PROBE = """
const lum = c => { const m = c.match(/\\d+(\\.\\d+)?/g).map(Number).slice(0, 3).map(v => v / 255)
  .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
  return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]; };
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const body = getComputedStyle(document.body);
const banner = document.querySelector('.banner');
const bs = banner ? getComputedStyle(banner) : null;
return {title: document.title, scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth,
  dark: matchMedia('(prefers-color-scheme: dark)').matches, bodyLum: lum(body.backgroundColor),
  textContrast: ratio(body.color, body.backgroundColor),
  bannerText: banner ? banner.innerText : null,
  bannerContrast: bs ? ratio(bs.color, bs.backgroundColor) : null,
  resources: performance.getEntriesByType('resource').map(r => r.name),
  scripts: document.scripts.length, fontPx: parseFloat(body.fontSize)};
"""


def test_status_page_in_a_real_browser(desk, clock, tmp_path, browser):
    site = tmp_path / "site"
    key = _site(desk, clock, site)
    shots = Path(os.environ.get(SHOT_DIR_ENV) or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    for page in ("index.html", f"incidents/{key}.html"):
        for name, width, height, mobile, scheme in VIEWS:
            browser.cdp("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
            browser.cdp("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            browser.cmd("/url", {"url": (site / page).as_uri()})
            probe = browser.run(_PROBE)
            where = f"{page} {name}"
            assert probe["dark"] is (scheme == "dark"), where
            assert probe["title"].endswith("Service status"), where
            assert probe["scrollWidth"] <= probe["innerWidth"] == width, f"{where}: scrolls sideways {probe}"
            assert probe["resources"] == [] and probe["scripts"] == 0, where
            assert probe["fontPx"] >= 16, where
            assert probe["textContrast"] >= 7, where
            # Light page in light mode, dark page in dark mode.
            assert (probe["bodyLum"] < 0.05) if scheme == "dark" else (probe["bodyLum"] > 0.85), where
            if page == "index.html":
                assert probe["bannerText"] == "Major outage", where
                assert probe["bannerContrast"] >= 4.5, where
            png = base64.b64decode(browser.cmd("/screenshot", method="GET"))
            assert png[:8] == b"\x89PNG\r\n\x1a\n"
            (shots / f"statuspage-{'index' if page == 'index.html' else 'incident'}-{name}.png").write_bytes(png)
