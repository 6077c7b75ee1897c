"""safedesk-admin: the contract of command names, flags, output and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.store import evidence

PASSWORD = "admin password 1"
CSV = (
    "UPN,Legal Surname,Legal Forename,Date of Birth,Year Group,Reg Group\n"
    "B801200005001,O'Brien,Siobhán,04/03/2018,2,Oak\n"
    "U330201900123,Nguyễn,Minh,2017-09-30,3,Ash\n"
)


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv(cli.FAST_KDF_ENV, "1")
    monkeypatch.setenv(cli.PASSWORD_ENV, PASSWORD)
    data = str(tmp_path / "data")

    def invoke(*args: str, **env: str) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        code = cli.main([*args, "--data-dir", data])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def initialised(run):
    code, _, _ = run(
        "init", "--school", "Hill Top Primary", "--user", "admin", "--display", "Pat Admin"
    )
    assert code == 0
    return run


def test_init_prints_the_recovery_key_once(run) -> None:
    code, out, _ = run("init", "--school", "Hill Top Primary", "--user", "admin")
    assert code == 0
    assert "RECOVERY KEY" in out
    code, _, err = run("init", "--school", "Again", "--user", "admin")
    assert code == 2
    assert "already a safedesk store" in err


def test_user_add_list_and_disable(initialised) -> None:
    run = initialised
    code, out, _ = run(
        "user",
        "add",
        "--user",
        "admin",
        "--new",
        "j.smith",
        "--role",
        "dsl",
        "--display",
        "Jo Smith",
        SAFEDESK_NEW_PASSWORD="jo's long password",
    )
    assert code == 0
    assert out.splitlines()[0] == "Added j.smith (Jo Smith): Staff"
    assert "Asked for: Designated Safeguarding Lead" in out
    code, out, _ = run("user", "list", "--user", "admin", "--json")
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed["j.smith"] == {
        "username": "j.smith",
        "display_name": "Jo Smith",
        "roles": ["staff"],
        "active": True,
        "requested": ["dsl"],
        "disabled": False,
        "rotation_pending": [],
    }
    for command in (
        "queue",
        "records --pupil B801200005001",
        "chronology --pupil B801200005001 --pdf x.pdf",
    ):
        code, _, _ = run(
            *command.split(), "--user", "j.smith", SAFEDESK_PASSWORD="jo's long password"
        )
        assert code == 3, command  # asked for, not granted: reads nothing
    grant = ("user", "grant", "j.smith", "--role", "dsl", "--user", "admin")
    # No reading key goes to a password anyone else has seen: Jo chooses one in person.
    code, out, err = run(
        *grant, SAFEDESK_PASSWORD=PASSWORD, SAFEDESK_GRANTEE_PASSWORD="jo's long password"
    )
    assert (code, out) == (3, "")
    assert "chooses a new password now" in err and "SAFEDESK_GRANTEE_NEW_PASSWORD" in err
    code, out, _ = run(
        *grant,
        SAFEDESK_PASSWORD=PASSWORD,
        SAFEDESK_GRANTEE_PASSWORD="jo's long password",
        SAFEDESK_GRANTEE_NEW_PASSWORD="jo chose this one",
    )
    assert (code, out.strip()) == (0, "Granted Designated Safeguarding Lead to j.smith (Jo Smith)")
    code, out, _ = run("user", "list", "--user", "admin", "--json")
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed["j.smith"]["roles"] == ["dsl", "staff"]
    assert listed["j.smith"]["requested"] == []
    assert run("queue", "--user", "j.smith", SAFEDESK_PASSWORD="jo's long password")[0] == 3
    code, out, _ = run(
        "queue", "--json", "--user", "j.smith", SAFEDESK_PASSWORD="jo chose this one"
    )
    assert (code, json.loads(out)) == (0, [])
    assert run("user", "disable", "j.smith", "--user", "admin", SAFEDESK_PASSWORD=PASSWORD)[0] == 0
    code, out, _ = run("user", "list", "--user", "admin", "--json")
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed["j.smith"]["disabled"] is True and listed["j.smith"]["active"] is False
    assert listed["j.smith"]["rotation_pending"] == []  # the admin is the head: done at once
    code, _, err = run("user", "list", "--user", "j.smith", SAFEDESK_PASSWORD="jo chose this one")
    assert code == 3
    assert err == "Wrong username or password.\n"  # as for an unknown name: nothing learnt


def test_grant_refused_to_a_non_member_and_without_the_grantees_password(initialised) -> None:
    run = initialised
    for name, role in (("office", "admin"), ("j.smith", "dsl")):
        run(
            "user",
            "add",
            "--user",
            "admin",
            "--new",
            name,
            "--role",
            role,
            "--display",
            name,
            SAFEDESK_NEW_PASSWORD=f"{name} long password",
        )
    code, _, err = run(
        "user",
        "grant",
        "j.smith",
        "--role",
        "dsl",
        "--user",
        "office",
        SAFEDESK_PASSWORD="office long password",
        SAFEDESK_GRANTEE_PASSWORD="j.smith long password",
    )
    assert code == 3 and "not allowed to grant" in err
    code, _, err = run(
        "user",
        "grant",
        "j.smith",
        "--role",
        "dsl",
        "--user",
        "admin",
        SAFEDESK_PASSWORD=PASSWORD,
        SAFEDESK_GRANTEE_PASSWORD="not their password",
    )
    assert code == 3 and "not j.smith's password" in err
    code, out, _ = run("user", "list", "--user", "admin", "--json")
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed["j.smith"]["roles"] == ["staff"]


@pytest.mark.parametrize("before", [True, False])
def test_data_dir_works_before_and_after_the_subcommand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: bool
) -> None:
    monkeypatch.setenv(cli.FAST_KDF_ENV, "1")
    monkeypatch.setenv(cli.PASSWORD_ENV, PASSWORD)
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "share"))
    data = tmp_path / "chosen"
    command = ["init", "--school", "Hill Top", "--user", "admin"]
    args = ["--data-dir", str(data), *command] if before else [*command, "--data-dir", str(data)]
    assert cli.main(args) == 0
    assert (data / "school.db").is_file() and (data / "keys.json").is_file()
    assert not home.exists()  # nothing in the per-user default folder
    backup_args = ["backup", "--user", "admin", "--to", str(tmp_path / "usb")]
    args = (
        ["--data-dir", str(data), *backup_args]
        if before
        else [*backup_args, "--data-dir", str(data)]
    )
    assert cli.main(args) == 0
    assert not home.exists()


def test_bad_role_is_bad_input(initialised) -> None:
    code, _, err = initialised(
        "user",
        "add",
        "--user",
        "admin",
        "--new",
        "x.y",
        "--role",
        "janitor",
        "--display",
        "X",
        SAFEDESK_NEW_PASSWORD="long enough pw",
    )
    assert code == 2
    assert "unknown role" in err


def test_wrong_password_exit_3(initialised) -> None:
    code, out, err = initialised("verify", "--user", "admin", SAFEDESK_PASSWORD="wrong")
    assert (code, out) == (3, "")
    assert err.strip() == "Wrong username or password."


def test_not_permitted_exit_3(initialised) -> None:
    run = initialised
    run(
        "user",
        "add",
        "--user",
        "admin",
        "--new",
        "t.ta",
        "--role",
        "staff",
        "--display",
        "Teaching Assistant",
        SAFEDESK_NEW_PASSWORD="ta long password",
    )
    code, _, err = run("backup", "--user", "t.ta", SAFEDESK_PASSWORD="ta long password")
    assert code == 3
    assert "not allowed to make backups" in err


def test_missing_flag_is_usage_exit_2(initialised) -> None:
    with pytest.raises(SystemExit) as caught:
        initialised("user", "add", "--user", "admin")
    assert caught.value.code == 2


def test_pupils_import_and_list(initialised, tmp_path: Path) -> None:
    run = initialised
    source = tmp_path / "mis.csv"
    source.write_text(CSV, "utf-8")
    code, out, _ = run("pupils", "import", str(source), "--user", "admin")
    assert code == 0
    assert "added 2" in out
    code, out, _ = run("pupils", "list", "--json", "--user", "admin")
    rows = json.loads(out)
    assert [(r["upn"], r["legal_surname"]) for r in rows] == [
        ("U330201900123", "Nguyễn"),
        ("B801200005001", "O'Brien"),
    ]


def test_pupils_import_bad_rows_exit_2_and_nothing_changes(initialised, tmp_path: Path) -> None:
    run = initialised
    source = tmp_path / "mis.csv"
    source.write_text(CSV + "C801200005001,Bad,Check,01/01/2018,2,Oak\n", "utf-8")
    code, _, err = run("pupils", "import", str(source), "--user", "admin")
    assert code == 2
    assert "line 4" in err
    code, out, _ = run("pupils", "list", "--json", "--user", "admin")
    assert json.loads(out) == []


def test_verify_backup_restore(initialised, tmp_path: Path) -> None:
    run = initialised
    code, out, _ = run("verify", "--user", "admin")
    assert code == 0
    assert out.startswith("audit chain head: seq ")
    code, out, _ = run("backup", "--to", str(tmp_path / "usb"), "--user", "admin")
    written = Path(out.strip())
    assert code == 0 and written.is_file() and written.parent == tmp_path / "usb"
    code, out, _ = run("restore", "--from", str(written), "--user", "admin")
    assert code == 0
    assert "kept in" in out
    assert run("verify", "--user", "admin")[0] == 0


def test_verify_names_the_newest_signed_head_and_finds_a_printed_one(
    initialised, tmp_path: Path
) -> None:
    run = initialised
    code, out, _ = run("verify", "--user", "admin")
    assert code == 0
    signed = [line for line in out.splitlines() if "newest trusted signed head" in line]
    assert signed and all("signed by admin at " in line for line in signed)
    school = next(line for line in signed if line.startswith("school "))
    digest = school.split(" hash ")[1].split(",")[0]
    code, out, _ = run("verify", "--user", "admin", "--head", digest[:16])
    assert code == 0, out
    assert f"head {digest[:16]} is row " in out
    assert "of the school audit chain, signed" in out

    code, _, err = run("verify", "--user", "admin", "--head", "0123456789abcdef")
    assert code == 1
    assert "is not in any audit chain you can open" in err

    # A row of the chain that nobody signed (the first of the set-up's commit) is not a head
    # safedesk prints: a document quoting it did not come from safedesk.
    session = vault.sign_in(DataPaths(tmp_path / "data"), "admin", PASSWORD)
    try:
        with session.store.read() as conn:
            first = conn.execute("SELECT hash FROM audit_log WHERE seq = 1").fetchone()[0]
            signed = {h.seq for h in evidence.signed_heads(conn, "school")}
    finally:
        session.close()
    assert 1 not in signed
    code, _, err = run("verify", "--user", "admin", "--head", first[:16])
    assert code == 1
    assert "nobody signed that row" in err
    code, _, err = run("verify", "--user", "admin", "--head", "not a hash")
    assert code == 2
    assert "hash printed on the PDF" in err


def test_verify_fails_with_exit_1_on_tampering(initialised, tmp_path: Path) -> None:
    from safedesk.paths import DataPaths
    from safedesk.services import vault

    session = vault.sign_in(DataPaths(tmp_path / "data"), "admin", PASSWORD)
    with session.store.write() as conn:
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
    session.close()
    code, _, err = initialised("verify", "--user", "admin")
    assert code == 1
    assert "FAILED: school: audit row 2 is missing" in err


def test_store_locked_by_another_process_exit_4(initialised, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from safedesk.store.instance_lock import InstanceLock; "
            "from pathlib import Path; held = InstanceLock(Path(sys.argv[1])).acquire(); "
            "print('held', flush=True); time.sleep(60)",
            str(tmp_path / "data" / "safedesk.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        start = time.monotonic()
        code, _, err = initialised(
            "pupils", "import", str(tmp_path / "none.csv"), "--user", "admin"
        )
        assert code in (2, 4)  # unreadable file is checked first
        source = tmp_path / "mis.csv"
        source.write_text(CSV, "utf-8")
        code, _, err = initialised("pupils", "import", str(source), "--user", "admin")
        assert code == 4
        assert "already open on the data folder" in err and str(tmp_path / "data") in err
        assert time.monotonic() - start < 30  # refused at once, not after waiting
    finally:
        holder.kill()
        holder.communicate()


def test_errors_never_print_a_traceback(initialised) -> None:
    code, _, err = initialised("restore", "--from", "/nonexistent/file", "--user", "admin")
    assert code == 2
    assert "Traceback" not in err
    assert "There is no backup file" in err


def test_init_for_a_headteacher_who_is_not_the_first_user(run) -> None:
    """The office sets up; the head's account has a one-time password and the recovery key
    is not shown to the office (it is made at the head's own first sign-in)."""
    code, out, err = run(
        "init",
        "--school",
        "Hill Top Primary",
        "--user",
        "office",
        "--head",
        "s.okafor",
        "--head-display",
        "Mr Sam Okafor",
        SAFEDESK_HEAD_PASSWORD="a one time password",
    )
    assert (code, err) == (0, "")
    assert "First user: office (administrator)" in out
    assert "RECOVERY KEY" not in out
    code, out, _ = run("user", "list", "--user", "office", "--json")
    assert code == 0
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed["office"]["roles"] == ["admin"]
    assert "s.okafor" in listed
