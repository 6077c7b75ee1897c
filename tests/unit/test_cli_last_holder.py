"""safedesk-admin refuses to disable (or reset) the last account holding an allegations file
unless asked again with --even-if-last, saying why first."""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk import cli

PASSWORD = "admin password 1"
SECOND = "second admin password 2"


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


def test_disabling_the_only_head_needs_even_if_last(run) -> None:
    # The first account is the administrator and the only head (it holds the allegations).
    assert run("init", "--school", "Hill Top", "--user", "admin", "--display", "Pat")[0] == 0
    code, _, err = run(
        "user",
        "add",
        "--user",
        "admin",
        "--new",
        "b.admin",
        "--role",
        "admin",
        "--display",
        "Bo Admin",
        SAFEDESK_NEW_PASSWORD=SECOND,
    )
    assert code == 0, err
    code, _, err = run(
        "user", "confirm", "b.admin", "--user", "admin", SAFEDESK_GRANTEE_PASSWORD=SECOND
    )
    assert code == 0, err
    code, out, err = run("user", "disable", "admin", "--user", "b.admin", SAFEDESK_PASSWORD=SECOND)
    assert code != 0
    assert "only headteacher" in err and "--even-if-last" in err
    assert "Disabled" not in out
    code, out, err = run(
        "user",
        "disable",
        "admin",
        "--user",
        "b.admin",
        "--even-if-last",
        SAFEDESK_PASSWORD=SECOND,
    )
    assert code == 0, err
    assert "Disabled admin" in out
