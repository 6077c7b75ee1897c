"""safedesk-admin attach and attachments: the contract (arguments, the printed id, the JSON
fields, exit codes for a refusal and bad input)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.demo.attachments import letter_pdf, scanned_note
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import records, users
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore


@pytest.fixture
def ref(school: SchoolStore) -> str:
    session = school.sign_in()
    factories.add_pupils(session)
    made = records.record(session, Kind.CONCERN, factories.concern())
    users.add_user(
        session,
        username="t.ta",
        display_name="TA",
        roles={Role.STAFF},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    session.lock()
    return made


@pytest.fixture
def run(school: SchoolStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    def invoke(*args: str, user: str = "head") -> tuple[int, str, str]:
        monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD if user == "head" else OTHER_PASSWORD)
        code = cli.main([*args, "--user", user, "--data-dir", str(school.paths.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def test_attach_prints_the_id_and_attachments_lists_the_json_fields(
    run, ref: str, tmp_path: Path
) -> None:
    note = tmp_path / "note.png"
    note.write_bytes(scanned_note())
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(letter_pdf())
    code, out, err = run("attach", ref, "--file", str(note), "--description", "Scanned note")
    assert (code, out, err) == (0, "1\n", "")
    code, out, err = run("attach", ref, "--file", str(letter), "--description", "A letter")
    assert (code, out, err) == (0, "2\n", "")
    code, out, err = run("attachments", ref.lower(), "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [set(item) for item in listed] == [
        {
            "id",
            "file_name",
            "media_type",
            "size",
            "sha256",
            "description",
            "added_by",
            "added_at",
            "changed",
        }
    ] * 2
    first = listed[0]
    assert (first["id"], first["file_name"], first["media_type"], first["size"]) == (
        1,
        "note.png",
        "image/png",
        len(scanned_note()),
    )
    assert first["sha256"] == hashlib.sha256(scanned_note()).hexdigest()
    assert (first["description"], first["added_by"]) == ("Scanned note", "head")
    assert [item["changed"] for item in listed] == [False, False]
    assert listed[1]["media_type"] == "application/pdf"
    code, out, _ = run("attachments", ref)
    assert code == 0 and out.strip().endswith("2 attachments")


def test_refusals_and_bad_input_exit_with_plain_messages(run, ref: str, tmp_path: Path) -> None:
    note = tmp_path / "note.png"
    note.write_bytes(scanned_note())
    code, out, err = run("attach", ref, "--file", str(note), "--description", "x", user="t.ta")
    assert (code, out) == (3, "")
    assert "not allowed" in err
    assert run("attachments", ref, "--json", user="t.ta")[0] == 3
    fake = tmp_path / "scan.jpg"
    fake.write_text("just text")
    code, out, err = run("attach", ref, "--file", str(fake), "--description", "x")
    assert (code, out) == (2, "")
    assert "File: is not a PDF, a PNG image or a JPEG photograph" in err
    code, _, err = run("attach", ref, "--file", str(note), "--description", "   ")
    assert code == 2 and "Description: is required" in err
    with pytest.raises(SystemExit) as stopped:  # --description is required
        run("attach", ref, "--file", str(note))
    assert stopped.value.code == 2
    assert run("attachments", ref, "--json")[1].strip() == "[]"
