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
# team-mode tests start a throwaway PostgreSQL; report tests render PDFs with pdftoppm; the status page
# is opened in a real headless Chromium driven through chromedriver. tests/packaging validates the desktop
# entry and the AppStream metainfo with Debian's own validators, and builds the bundle (PyInstaller needs
# binutils' objdump and strip). The intake's test has a real Alertmanager deliver to it.
TEST_DEBS := $(XVFB_DEBS) dbus python3-dbus python3-gi python3-dbusmock libglib2.0-bin postgresql poppler-utils \
	chromium chromium-driver desktop-file-utils appstream binutils \
	prometheus-alertmanager
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test bench demo clean system-deps system-deps-x system-deps-test venv package package-check ts translations
BUNDLE := build/dist/incident-desk

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
	@$(VENV)/bin/ruff check incident_desk tests bench scripts packaging
	@QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

bench: system-deps $(STAMP)
	@QT_QPA_PLATFORM=offscreen $(PY) -m bench $(BENCH_ARGS)

# The one-folder bundle (packaging/incident-desk.spec, notes in packaging/README.md) in $(BUNDLE).
$(VENV)/.package-installed: $(STAMP)
	@$(PY) -m pip install -q -e '.[package]'
	@touch $@

package: $(VENV)/.package-installed
	@$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath build/dist --workpath build/pyinstaller \
		packaging/incident-desk.spec
	@echo "package: $(BUNDLE) ($$(du -sm --apparent-size $(BUNDLE) | cut -f1) MB); run $(BUNDLE)/incident-desk"

# Starts the built bundle offscreen: --version, demo into a temporary database, --screenshot (the PNG
# checked). `make test` runs the same checks on a bundle it builds itself.
package-check: package system-deps
	@INCIDENT_DESK_BUNDLE=$(BUNDLE) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:randomly tests/packaging/test_bundle.py

# Translations: pyside6-lupdate reads every translate()/tr() in ui/ into the catalogue translators work from
# (incident_desk_en.ts, plus any incident_desk_<lang>.ts beside it, which keep their translations), then
# lrelease compiles each to the .qm the app loads. Both are committed package data, so a checkout, a wheel
# and the bundle load them alike; tests/unit/test_translation_catalogue.py fails when they are stale. The
# English catalogue's only translations are the plural forms ("%n incidents"): write them in it by hand.
I18N := incident_desk/resources/i18n
ts: $(STAMP)
	@$(VENV)/bin/pyside6-lupdate -silent -locations none -no-obsolete -source-language en \
		$$(find incident_desk/ui -name '*.py' | LC_ALL=C sort) \
		-ts $(sort $(I18N)/incident_desk_en.ts $(wildcard $(I18N)/incident_desk_*.ts))
	@# Written beside and renamed over: a running desk (or test run) maps the old .qm, which must not change under it.
	@for ts in $(I18N)/incident_desk_*.ts; do $(VENV)/bin/pyside6-lrelease -silent "$$ts" -qm "$${ts%.ts}.qm.new" \
		&& mv -f "$${ts%.ts}.qm.new" "$${ts%.ts}.qm"; done
	@echo "ts: $(I18N) updated; unfinished English plurals: $$(grep -c '<numerusform></numerusform>' $(I18N)/incident_desk_en.ts)"

translations: ts

demo: $(STAMP)
	@$(PY) -m incident_desk demo --count $(or $(COUNT),5000)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist *.egg-info
