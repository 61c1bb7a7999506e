"""Real tray test: a Qt tray icon on Xvfb registers over D-Bus and its message reaches Notify."""

import sys
import textwrap
import time

import pytest

try:
    from .tray_harness import tray, tray_desktop  # noqa: F401  (fixtures)
except ImportError:  # tests/ is not a package: pytest put this folder on sys.path
    from tray_harness import tray, tray_desktop  # noqa: F401  (fixtures)

pytestmark = pytest.mark.tray

SUMMARY = "INC-000042 escalated"
BODY = "Printer on fire"

# Runs in its own process on the xcb platform (the pytest process may be offscreen).
# It shows a tray icon, sends one message unless --no-message, then stays up until its
# stdin closes, so the test decides when it has seen enough.
TRAY_SCRIPT = textwrap.dedent('''
    import sys, threading
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QColor, QIcon, QPixmap
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    summary, body = sys.argv[1], sys.argv[2]
    send_message = "--no-message" not in sys.argv
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Incident Desk")
    if not QSystemTrayIcon.isSystemTrayAvailable():
        sys.exit("isSystemTrayAvailable() is False: Qt found no StatusNotifierWatcher")
    if app.platformName() != "xcb":
        sys.exit(f"expected the xcb platform, got {app.platformName()}")

    pixmap = QPixmap(32, 32)
    pixmap.fill(QColor("#c0392b"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.setToolTip("Incident Desk")
    tray.show()

    def escalate():
        if send_message:
            tray.showMessage(summary, body, QSystemTrayIcon.MessageIcon.Critical, 10000)
        print("tray-up", flush=True)

    stdin_closed = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stdin_closed.set()), daemon=True).start()
    poll = QTimer(interval=50)
    poll.timeout.connect(lambda: stdin_closed.is_set() and app.quit())
    poll.start()
    QTimer.singleShot(200, escalate)
    QTimer.singleShot(60000, app.quit)  # never outlive a forgotten test
    sys.exit(app.exec())
''')


@pytest.fixture
def tray_script(tmp_path):
    path = tmp_path / "tray_app.py"
    path.write_text(TRAY_SCRIPT)
    return path


def test_tray_icon_registers_and_message_reaches_notification_daemon(tray, tray_script):
    with tray.launch([sys.executable, str(tray_script), SUMMARY, BODY]) as app:
        item = tray.wait_for_tray_item(process=app)
        call = tray.wait_for_notify(summary=SUMMARY, process=app)
    assert app.returncode == 0, app.output()

    props = item["properties"]
    assert props["Id"] == "Incident Desk"
    assert props["Status"] in ("Active", "NeedsAttention")
    assert any(width > 0 and height > 0 for width, height, _data in props["IconPixmap"])

    assert call["app_name"] == "Incident Desk"
    assert call["summary"] == SUMMARY
    assert call["body"] == BODY
    assert [c["summary"] for c in tray.get_notify_calls()] == [SUMMARY]


def test_no_message_means_no_notify_call(tray, tray_script):
    """The harness must not report a notification nobody sent (e.g. one from a prior test)."""
    with tray.launch([sys.executable, str(tray_script), SUMMARY, BODY, "--no-message"]) as app:
        tray.wait_for_tray_item(process=app)
        tray.wait_for(lambda: "tray-up" in app.stdout_path.read_text(), timeout=15,
                      what="script ready", process=app)
        time.sleep(1.0)  # room for a (wrong) asynchronous Notify to arrive
    assert app.returncode == 0, app.output()
    assert tray.get_notify_calls() == []
