"""Bad JSON input to safedesk-admin is bad input (exit 2) with a plain message: never a
RecursionError, a Python internals message, or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk import cli

PASSWORD = "admin password 1"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv(cli.FAST_KDF_ENV, "1")
    monkeypatch.setenv(cli.PASSWORD_ENV, PASSWORD)
    data = str(tmp_path / "data")
    assert cli.main(["init", "--school", "Hill Top", "--user", "admin", "--data-dir", data]) == 0
    capsys.readouterr()

    def invoke(*args: str) -> tuple[int, str]:
        code = cli.main([*args, "--data-dir", data])
        return code, capsys.readouterr().err

    return invoke


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested more than 4 levels"),
        ('{"a": ' * 50 + "1" + "}" * 50, "nested more than 4 levels"),
        ('{"pupils": [' + "9" * 5000 + "]}", "5000 digits"),
        ('{"pupils": [-' + "9" * 30 + "]}", "31 digits"),
        ("{not json", "is not valid JSON (line 1"),
    ],
)
@pytest.mark.parametrize("command", ["record concern", "act C-2026-0001", "notification"])
def test_bad_json_is_bad_input_with_a_plain_message(
    run, tmp_path: Path, text: str, says: str, command: str
) -> None:
    source = tmp_path / "in.json"
    source.write_text(text, "utf-8")
    code, err = run(*command.split(), "--user", "admin", "--json", str(source))
    assert code == 2
    assert says in err
    assert "Traceback" not in err and "sys.set_int_max_str_digits" not in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="a device that never ends")
def test_a_file_that_never_ends_is_refused_after_twenty_megabytes(run) -> None:
    # A device or a pipe has no size to check first: it is read only up to the limit.
    code, err = run("adult-concern", "--user", "admin", "--json", "/dev/zero")
    assert code == 2
    assert "larger than 20 MB" in err


def test_a_folder_is_refused_plainly(run, tmp_path: Path) -> None:
    code, err = run("adult-concern", "--user", "admin", "--json", str(tmp_path))
    assert code == 2
    assert err.startswith(f"Cannot read {tmp_path}") and "Traceback" not in err
