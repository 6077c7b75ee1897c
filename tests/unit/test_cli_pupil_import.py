"""safedesk-admin pupils import: a Common Transfer File as well as a CSV, told apart by
content; --dry-run prints the same counts and imports nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from safedesk import cli

PASSWORD = "admin password 1"
SAMPLE = Path(__file__).parents[2] / "docs" / "samples" / "pupils.ctf.xml"
CSV = (
    "UPN,Legal Surname,Legal Forename,Date of Birth,Sex,Year Group,Reg Group\n"
    "B801200005001,O'Connor-Nguyễn,Siobhán,04/03/2019,F,2,Oak\n"
    "Q801200005002,Wiśniewska,Zoë,30/11/2018,F,3,Ash\n"
)
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv(cli.FAST_KDF_ENV, "1")
    monkeypatch.setenv(cli.PASSWORD_ENV, PASSWORD)
    data = str(tmp_path / "data")

    def invoke(*args: str) -> tuple[int, str, str]:
        code = cli.main([*args, "--data-dir", data])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, _, _ = invoke("init", "--school", "Hill Top Primary", "--user", "admin")
    assert code == 0
    return invoke


def listed(run: Run) -> dict[str, dict[str, object]]:
    code, out, _ = run("pupils", "list", "--json", "--user", "admin")
    assert code == 0
    return {row["upn"]: row for row in json.loads(out)}


def test_a_ctf_is_imported_then_updated_then_unchanged(run: Run, tmp_path: Path) -> None:
    csv = tmp_path / "mis.csv"
    csv.write_text(CSV, "utf-8")
    assert run("pupils", "import", str(csv), "--user", "admin")[:2] == (
        0,
        "added 2\nupdated 0\nunchanged 0\n",
    )
    # Named .txt: the content, not the name, says it is a CTF.
    ctf = tmp_path / "from-brookside.txt"
    ctf.write_bytes(SAMPLE.read_bytes())
    code, out, _ = run("pupils", "import", str(ctf), "--user", "admin")
    assert (code, out) == (0, "added 1\nupdated 1\nunchanged 1\n")
    pupils = listed(run)
    assert pupils["B801200005001"]["fsm"] is True
    assert pupils["B801200005001"]["cla"] is True
    assert pupils["B801200005001"]["class_name"] == "Oak"  # a CTF has none: kept
    assert pupils["E801200005003"]["legal_surname"] == "De la Cruz"
    code, out, _ = run("pupils", "import", str(ctf), "--user", "admin")
    assert (code, out) == (0, "added 0\nupdated 0\nunchanged 3\n")


def test_dry_run_prints_the_counts_and_imports_nothing(run: Run, tmp_path: Path) -> None:
    ctf = tmp_path / "pupils.xml"
    ctf.write_bytes(SAMPLE.read_bytes())
    code, out, _ = run("pupils", "import", str(ctf), "--dry-run", "--user", "admin")
    assert (code, out) == (0, "added 3\nupdated 0\nunchanged 0\ndry run: nothing was imported\n")
    assert listed(run) == {}


def test_names_or_a_birthday_changed_are_warned_of_on_stderr(run: Run, tmp_path: Path) -> None:
    csv = tmp_path / "mis.csv"
    csv.write_text(CSV.replace("Wiśniewska,Zoë", "Okafor,Chidi"), "utf-8")
    assert run("pupils", "import", str(csv), "--user", "admin")[0] == 0
    ctf = tmp_path / "pupils.xml"
    ctf.write_bytes(SAMPLE.read_bytes())
    warning = (
        "WARNING: 1 pupil {} their date of birth or their names (UPN Q801200005002): the "
        "file may be for another school, or a UPN may be wrong. Check these are the same "
        "children.\n"
    )
    code, out, err = run("pupils", "import", str(ctf), "--dry-run", "--user", "admin")
    assert (code, out) == (0, "added 1\nupdated 2\nunchanged 0\ndry run: nothing was imported\n")
    assert err.endswith(warning.format("would change"))
    code, out, err = run("pupils", "import", str(ctf), "--user", "admin")
    assert (code, out) == (0, "added 1\nupdated 2\nunchanged 0\n")  # imported, as always
    assert err.endswith(warning.format("changed"))
    assert listed(run)["Q801200005002"]["legal_forename"] == "Zoë"


def test_a_bad_ctf_names_each_pupil_and_exits_2(run: Run, tmp_path: Path) -> None:
    bad = SAMPLE.read_bytes().replace(b"E801200005003", b"A801200005003")
    ctf = tmp_path / "pupils.xml"
    ctf.write_bytes(bad)
    for dry in ([], ["--dry-run"]):
        code, out, err = run("pupils", "import", str(ctf), *dry, "--user", "admin")
        assert (code, out) == (2, "")
        assert "pupil 3 (line 108, UPN A801200005003): UPN 'A801200005003' has the wrong " in err
    assert listed(run) == {}


def test_a_hostile_or_unknown_file_gets_a_plain_message(run: Run, tmp_path: Path) -> None:
    bomb = tmp_path / "pupils.ctf"
    bomb.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY a "aaaa">]><CTfile>&a;</CTfile>'
    )
    code, _, err = run("pupils", "import", str(bomb), "--user", "admin")
    assert code == 2
    assert "declares a document type or entities" in err
    assert "Traceback" not in err
    pdf = tmp_path / "pupils.csv"
    pdf.write_bytes(b"%PDF-1.7\n")
    code, _, err = run("pupils", "import", str(pdf), "--user", "admin")
    assert code == 2
    assert "is a PDF document, not a pupil list" in err
