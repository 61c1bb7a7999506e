"""Shared fixtures: a real SQLite desk in a temp folder, a manual clock, offscreen Qt."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

# Qt tests run offscreen unless a test (tray, real window) asks for a real X screen itself, on a virtual
# 1920x1080 screen at 96 dpi (the offscreen plugin's own is 800x800, smaller than any desk screen).
OFFSCREEN_CONFIG = Path(os.environ.get("TMPDIR", "/tmp")) / "incident-desk-offscreen-1920x1080.json"
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    OFFSCREEN_CONFIG.write_text('{"screens": [{"name": "desk", "x": 0, "y": 0, "width": 1920, "height": 1080, '
                                '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}')
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={OFFSCREEN_CONFIG}"
os.environ.setdefault("MPLBACKEND", "Agg")
# One matplotlib font cache for every test process (a fresh config folder would rebuild it: tens of seconds).
os.environ.setdefault("MPLCONFIGDIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "incident-desk-test-mpl"))
# Keep QSettings of tests away from the user's real settings.
os.environ.setdefault("XDG_CONFIG_HOME", str(Path(os.environ.get("TMPDIR", "/tmp")) / "incident-desk-test-config"))
# ...and their windows' daily backups (and first-run databases) away from the user's data folder: every window
# a test opened wrote a backup of its test database into ~/.local/share/incident-desk/backups.
os.environ.setdefault("XDG_DATA_HOME", str(Path(os.environ.get("TMPDIR", "/tmp")) / "incident-desk-test-data"))

import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from incident_desk.services.clock import ManualClock  # noqa: E402
from incident_desk.services.desk import Desk  # noqa: E402
from tests.backends import PASSWORD_ENV, POSTGRESQL, SQLITE, Backend, PgDatabases  # noqa: E402
from tests.team_tools import TEAM_PASSWORD  # noqa: E402

PG_ENV = "INCIDENT_DESK_TEST_PG"
# A developer without PostgreSQL may run the rest of the suite with this set; .ci/run never sets it,
# so in CI a server that cannot be started fails the run instead of skipping the team-mode tests.
ALLOW_NO_PG_ENV = "INCIDENT_DESK_ALLOW_NO_PG"


def allowed_to_miss(env_name: str) -> bool:
    return os.environ.get(env_name, "") not in ("", "0")


class _PgServer:
    """The throwaway PostgreSQL of this test session: started on first use, stopped at the end."""

    def __init__(self) -> None:
        self.url: str | None = os.environ.get(PG_ENV) or None
        self.error: str | None = None
        self.started = False
        self.dir: Path | None = None

    def ensure(self) -> str | None:
        """The server's URL; None with ``self.error`` saying why when it could not be started."""
        if self.url or self.error:
            return self.url
        self.started = True
        script = ROOT / "scripts" / "ci-services.sh"
        parent = Path(tempfile.mkdtemp(prefix="incident-desk-pg-"))
        parent.chmod(0o755)
        self.dir = parent / "pg"
        # A run that is killed (timeout, Ctrl+C twice) never reaches the teardown: a detached
        # watcher stops the server once this process is gone, so no cluster outlives its run.
        subprocess.Popen(
            ["bash", "-c", f'while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; '
                           f'bash "{script}" pg-stop "{self.dir}"; rm -rf "{parent}"'],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            result = subprocess.run(["bash", str(script), "pg-start", str(self.dir)], capture_output=True,
                                    text=True, timeout=120)
        except subprocess.TimeoutExpired:
            self.error = "scripts/ci-services.sh pg-start did not finish within 120 s"
            return None
        url = next((line.split("=", 1)[1] for line in result.stdout.splitlines()
                    if line.startswith(f"export {PG_ENV}=")), None)
        if result.returncode != 0 or not url:
            reason = " / ".join(line for line in result.stderr.strip().splitlines()[-5:] if line.strip())
            self.error = (f"scripts/ci-services.sh pg-start exited {result.returncode}: "
                          f"{reason or 'no URL printed'}")
            return None
        self.url = url
        os.environ[PG_ENV] = url  # subprocesses of the tests (CLI runs) find it too
        return url

    def stop(self) -> None:
        if self.dir is not None:
            subprocess.run(["bash", str(ROOT / "scripts" / "ci-services.sh"), "pg-stop", str(self.dir)],
                           capture_output=True, timeout=120)
            shutil.rmtree(self.dir.parent, ignore_errors=True)
            self.dir = None


_PG = _PgServer()


def pytest_unconfigure(config):
    if _PG_DATABASES is not None:
        _PG_DATABASES.close()
    _PG.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _PG.error:
        verdict = "skipped (INCIDENT_DESK_ALLOW_NO_PG is set)" if allowed_to_miss(ALLOW_NO_PG_ENV) else "FAILED"
        terminalreporter.write_line(f"PostgreSQL could not be started, team-mode tests {verdict}: {_PG.error}",
                                    red=True, bold=True)


def need_pg() -> str:
    """The session's PostgreSQL URL; a missing server fails the test with the reason (it skips only
    when the developer opted out with INCIDENT_DESK_ALLOW_NO_PG=1)."""
    url = _PG.ensure()
    if url:
        return url
    message = f"no PostgreSQL server for the team-mode tests: {_PG.error}."
    if allowed_to_miss(ALLOW_NO_PG_ENV):
        pytest.skip(f"{message} Skipped because {ALLOW_NO_PG_ENV} is set.")
    pytest.fail(f"{message} Install the Debian package postgresql (make system-deps-test) or name a server in "
                f"{PG_ENV}; to run without these tests set {ALLOW_NO_PG_ENV}=1.", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _one_qt_application(qapp):
    """The test process's QApplication, made before any test runs.

    Code under test makes a bare QGuiApplication when none exists (the PDF reports of a command-line
    run); had a report test run first, the next widget test would find that one and Qt would abort
    the whole run ("Cannot create a QWidget without QApplication"), as CI did with one test order."""
    return qapp


@pytest.fixture
def pg_url() -> str:
    """A PostgreSQL URL with an empty schema; fails (never skips quietly) when no server can be had."""
    url = need_pg()
    import psycopg2
    con = psycopg2.connect(url)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    con.close()
    return url


@pytest.fixture
def pg_url_b(pg_url) -> str:
    """A second, empty database on the same PostgreSQL server (two team desks in one process)."""
    from urllib.parse import urlparse

    import psycopg2
    parsed = urlparse(pg_url)
    name = parsed.path.lstrip("/") + "_b"
    con = psycopg2.connect(pg_url)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    con.close()
    return parsed._replace(path="/" + name).geturl()


# The storage, service and CLI suites (tests/unit, tests/integration) run every test that takes
# ``backend`` -- and so ``desk`` and ``team_desk`` -- once on each backend; the GUI and reliability suites
# stay on SQLite (their subject is the window and the file, and doubling them would double the run).
BOTH_BACKENDS_DIRS = ("unit", "integration")
_PG_DATABASES: PgDatabases | None = None


def _pg_databases() -> PgDatabases:
    global _PG_DATABASES
    if _PG_DATABASES is None:
        _PG_DATABASES = PgDatabases(need_pg())
    return _PG_DATABASES


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    folder = metafunc.definition.path.resolve().relative_to(ROOT / "tests").parts[0]
    if folder not in BOTH_BACKENDS_DIRS or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    metafunc.parametrize("backend", [pytest.param(SQLITE, id=SQLITE),
                                     pytest.param(POSTGRESQL, id=POSTGRESQL, marks=pytest.mark.postgres)],
                         indirect=True)


@pytest.fixture
def backend(request, tmp_path, clock, monkeypatch):
    """A fresh database of one kind (parametrized ``sqlite`` / ``postgresql`` in tests/unit and
    tests/integration, SQLite elsewhere or with ``@pytest.mark.sqlite_only``): a SQLite file not yet
    created, or a new PostgreSQL database, migrated, whose admin TEAM_ADMIN signs in with TEAM_PASSWORD.
    A missing PostgreSQL fails the test (see need_pg)."""
    kind = getattr(request, "param", SQLITE)
    if kind == SQLITE:
        yield Backend(SQLITE, str(tmp_path / "desk.db"), clock)
        return
    databases = _pg_databases()
    url = databases.fresh()
    # Every account of a test database signs in with this password, in-process and in CLI subprocesses.
    monkeypatch.setenv(PASSWORD_ENV, TEAM_PASSWORD)
    yield Backend(POSTGRESQL, url, clock, databases)
    databases.drop(url)


@pytest.fixture
def other_backend(backend, tmp_path):
    """A second fresh database of ``backend``'s kind (a copy's target, a move's other end)."""
    if not backend.is_team:
        yield Backend(SQLITE, str(tmp_path / "other.db"), backend.clock)
        return
    url = backend.databases.fresh()
    yield Backend(POSTGRESQL, url, backend.clock, backend.databases)
    backend.databases.drop(url)


class BackendTemplates:
    """Databases a module builds once per backend (through the CLI, say) for its tests to copy with
    ``backend.copy_of(templates.get(backend, build))``: what a module-scoped SQLite file was before."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: dict[str, Backend] = {}

    def get(self, backend: Backend, build) -> Backend:
        """The module's template of ``backend``'s kind, made by ``build(template)`` on first use."""
        if backend.name not in self.made:
            clock = ManualClock(T0)
            if backend.is_team:
                template = Backend(POSTGRESQL, _pg_databases().fresh(), clock, _pg_databases())
            else:
                template = Backend(SQLITE, str(self.folder / "template.db"), clock)
                Desk.open(template.url).close()  # the CLI makes no desk at a path it is given (`init` would)
            build(template)
            self.made[backend.name] = template
        return self.made[backend.name]

    def close(self) -> None:
        for template in self.made.values():
            if template.is_team:
                template.databases.drop(template.url)


@pytest.fixture(scope="module")
def backend_templates(tmp_path_factory):
    """See BackendTemplates; the PostgreSQL templates are dropped when the module is done."""
    templates = BackendTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.close()


# A Monday morning, so business-hours clocks start inside working hours.
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "desk.db"


@pytest.fixture
def desk(backend):
    """A fresh desk acting as the admin: the local admin of a SQLite file, or the team's admin signed in
    to a fresh PostgreSQL database (tests/unit and tests/integration run on both, see ``backend``)."""
    d = backend.open()
    yield d
    d.close()


@pytest.fixture
def team_desk(desk):
    """The desk with a small team: a lead, two agents and an on-duty manager."""
    admin = desk.actor
    users = desk.users
    users.add_user(actor=admin, username="lena", display_name="Lena Lead", role="lead", team="Service Desk")
    users.add_user(actor=admin, username="alex", display_name="Alex Agent", role="agent", team="Service Desk")
    users.add_user(actor=admin, username="sam", display_name="Sam Agent", role="agent", team="Network")
    users.add_user(actor=admin, username="max", display_name="Max Manager", role="lead", team="Network",
                   manager_on_duty=True)
    users.set_team_lead(actor=admin, team="Service Desk", username="lena")
    users.set_team_lead(actor=admin, team="Network", username="max")
    return desk
