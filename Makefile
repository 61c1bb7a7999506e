# Incident Desk: `make run` opens the desk, `make test` runs the whole suite headless.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Qt's runtime libraries: offscreen needs the first line, a real (or virtual) X screen the rest.
QT_OFFSCREEN_DEBS := libglib2.0-0 libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3
QT_XCB_DEBS := libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1
XVFB_DEBS := xvfb xauth
# The real tray test: a session bus, a fake tray watcher and dbusmock on Debian's own Python;
# team-mode tests start a throwaway PostgreSQL; report tests render PDFs with pdftoppm; the intake's
# test has a real Alertmanager deliver to it.
TEST_DEBS := $(XVFB_DEBS) dbus python3-dbus python3-gi python3-dbusmock libglib2.0-bin postgresql poppler-utils \
	prometheus-alertmanager
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test bench demo clean system-deps system-deps-x system-deps-test venv

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip >/dev/null
	@$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# Installs missing Debian packages when root; otherwise names them and stops.
system-deps:
	@scripts/ensure-debs.sh $(QT_OFFSCREEN_DEBS)

system-deps-x: system-deps
	@scripts/ensure-debs.sh $(QT_XCB_DEBS) $(if $(DISPLAY)$(WAYLAND_DISPLAY),,$(XVFB_DEBS))

system-deps-test: system-deps-x
	@scripts/ensure-debs.sh $(TEST_DEBS)

# With no display (a server, CI) the desk opens on a virtual screen, said on the console.
run: system-deps-x $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(PY) -m incident_desk $(ARGS); \
	else \
		echo "No display found: opening Incident Desk on a virtual screen (Xvfb). Stop it with Ctrl+C;"; \
		echo "see it with: $(PY) -m incident_desk --screenshot desk.png"; \
		xvfb-run -a -s "-screen 0 1600x1000x24" $(PY) -m incident_desk $(ARGS); \
	fi

# Lint first (ruff, configured in pyproject.toml), then the suite: Qt widgets run offscreen; the tray tests start their own Xvfb and D-Bus when none is running,
# and tests/conftest.py starts a throwaway PostgreSQL unless INCIDENT_DESK_TEST_PG names one (if it cannot,
# the team-mode tests fail; INCIDENT_DESK_ALLOW_NO_PG=1 skips them instead, and .ci/run never sets it).
test: system-deps-test $(STAMP)
	@$(VENV)/bin/ruff check incident_desk tests bench
	@QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

bench: system-deps $(STAMP)
	@QT_QPA_PLATFORM=offscreen $(PY) -m bench $(BENCH_ARGS)

demo: $(STAMP)
	@$(PY) -m incident_desk demo --count $(or $(COUNT),5000)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist *.egg-info
