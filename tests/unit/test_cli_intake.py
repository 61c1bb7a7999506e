"""`incident-desk intake`: the mapping shown and set, the window's intake set, bad input refused with one line."""

from __future__ import annotations

import json
import socket

import pytest

from incident_desk.cli import main
from tests.backends import cli_argv


def run(capsys, *args):
    try:
        code = main(cli_argv(args))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(desk, backend):
    desk.close()
    return backend


def setting(db, key):
    con = db.connect()
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None
    finally:
        con.close()


def test_show_and_set_the_mapping(db, capsys, tmp_path):
    code, out, _ = run(capsys, "--db", db, "intake", "--show-mapping")
    shown = json.loads(out)
    assert code == 0 and shown["severity_priority"] == {"critical": "P1", "error": "P2", "warning": "P3", "info": "P4"}
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"default_category": "Network", "routes": [{"match": {"job": "db"},
                                                                              "team": "DBA"}]}))
    code, out, err = run(capsys, "--db", db, "intake", "--set-mapping", str(mapping))
    assert code == 0, err
    assert setting(db, "intake_mapping")["routes"] == [{"match": {"job": "db"}, "team": "DBA", "service": None,
                                                        "category": None}]


@pytest.mark.parametrize(("args", "message"), [
    (("--set-mapping", "MISSING"), "Cannot read the mapping"),
    (("--set-mapping", "BAD"), "Unknown priority 'P9'"),
    (("--listen", "127.0.0.1:0"), "--token-file"),
    (("--listen", "nowhere", "--token-file", "TOKEN"), "HOST:PORT"),
    (("--listen", "127.0.0.1:99999", "--token-file", "TOKEN"), "HOST:PORT"),
    (("--token-file", "SHORT"), "at least 16 characters"),
    (("--token-file", "MISSING"), "Cannot read the token file"),
    (("--in-window", "--token-file", "SHORT"), "at least 16 characters"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(db, capsys, tmp_path, args, message):
    files = {"MISSING": tmp_path / "missing", "BAD": tmp_path / "bad.json", "TOKEN": tmp_path / "token",
             "SHORT": tmp_path / "short"}
    files["BAD"].write_text(json.dumps({"severity_priority": {"critical": "P9"}}))
    files["TOKEN"].write_text("a-token-long-enough-000")
    files["SHORT"].write_text("short")
    code, out, err = run(capsys, "--db", db, "intake", *[str(files.get(a, a)) for a in args])
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert setting(db, "intake_mapping") is None and setting(db, "intake_window") is None


def test_the_window_is_set_to_run_the_intake_and_unset(db, capsys, tmp_path):
    token = tmp_path / "token"
    token.write_text("a-token-long-enough-000\n")
    code, out, err = run(capsys, "--db", db, "intake", "--in-window", "--listen", "127.0.0.1:19999",
                         "--token-file", str(token))
    assert code == 0, err
    assert setting(db, "intake_window") == {"listen": "127.0.0.1:19999", "token_file": str(token)}
    code, _, _ = run(capsys, "--db", db, "intake", "--not-in-window")
    assert code == 0 and setting(db, "intake_window") == {}


def test_a_port_in_use_is_one_line_exit_2(db, capsys, tmp_path):
    token = tmp_path / "token"
    token.write_text("a-token-long-enough-000\n")
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        code, out, err = run(capsys, "--db", db, "intake", "--listen", f"127.0.0.1:{port}", "--token-file",
                             str(token))
    finally:
        taken.close()
    assert (code, out) == (2, "")
    assert err.endswith(f"127.0.0.1:{port} is already in use by another program.\n") and err.count("\n") == 1, err
