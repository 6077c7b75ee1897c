"""Key slots are never cheap to guess in a real school's store: weak Argon2 costs are refused
when a slot is written, a key file asking for them is treated as tampered with, and no
environment variable lowers them (only code: the test suite and the throwaway demo)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.store import crypto, keyfile
from safedesk.store.crypto import FAST_KDF, MIN_KDF, KdfParams, WeakKdf
from safedesk.store.db import StoreDamaged
from safedesk.store.key_material import AccountSecrets, make_recovery, make_slot
from tests.conftest import HEAD_PASSWORD, SchoolStore

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def as_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process as the installed program runs: nothing has allowed cheap slots."""
    monkeypatch.setattr(crypto, "_weak_allowed_for", [])


@pytest.mark.usefixtures("as_installed")
@pytest.mark.parametrize(
    "weak",
    [
        FAST_KDF,
        KdfParams(time_cost=MIN_KDF.time_cost - 1, memory_kib=MIN_KDF.memory_kib),
        KdfParams(time_cost=MIN_KDF.time_cost, memory_kib=MIN_KDF.memory_kib - 1),
    ],
)
def test_a_weak_slot_is_refused_when_written(weak: KdfParams) -> None:
    key_file = keyfile.new_key_file()
    with pytest.raises(WeakKdf, match="weak key-derivation"):
        make_slot(key_file, AccountSecrets.new("head", "own"), HEAD_PASSWORD, weak)
    with pytest.raises(WeakKdf):
        make_recovery(key_file, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", weak)


@pytest.mark.usefixtures("as_installed")
def test_the_least_allowed_cost_is_accepted() -> None:
    key_file = keyfile.new_key_file()
    made = make_slot(key_file, AccountSecrets.new("head", "own"), HEAD_PASSWORD, MIN_KDF)
    assert made.slot.kdf == MIN_KDF


@pytest.mark.usefixtures("as_installed")
def test_setting_up_a_school_with_weak_costs_is_refused(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data")
    with pytest.raises(WeakKdf):
        vault.create_school(
            paths,
            school_name="St Mary's",
            username="head",
            display_name="Head",
            password=HEAD_PASSWORD,
            kdf=FAST_KDF,
        )
    assert not paths.keys.exists()


def test_a_key_file_asking_for_weak_costs_is_damaged_to_the_installed_program(
    school: SchoolStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The suite's own store has cheap slots: read by the program as installed, it is a key
    file someone has tampered with (so that a stolen copy is quick to guess)."""
    monkeypatch.setattr(crypto, "_weak_allowed_for", [])
    with pytest.raises(StoreDamaged, match="key file"):
        vault.sign_in(school.paths, "head", HEAD_PASSWORD)


@pytest.mark.parametrize(
    ("name", "value"), [("memory_kib", 4_194_304), ("time_cost", 64), ("parallelism", 64)]
)
def test_a_key_file_asking_for_ruinous_costs_is_damaged_before_any_work(
    school: SchoolStore, name: str, value: int
) -> None:
    raw = json.loads(school.paths.keys.read_text())
    raw["accounts"][0]["kdf"][name] = value
    school.paths.keys.write_text(json.dumps(raw))
    with pytest.raises(StoreDamaged, match="key file"):
        vault.sign_in(school.paths, "head", HEAD_PASSWORD)


def test_the_old_test_variable_does_not_weaken_the_command_line(tmp_path: Path) -> None:
    """SAFEDESK_TEST_FAST_KDF=1 once made 8 MiB, one-pass slots from safedesk-admin."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEDESK_")}
    env.pop("PYTHONPATH", None)  # not a process the suite has made cheap
    env |= {"SAFEDESK_TEST_FAST_KDF": "1", "SAFEDESK_PASSWORD": HEAD_PASSWORD}
    data = tmp_path / "data"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from safedesk.cli import main; sys.exit(main())",
            "init",
            "--school",
            "Hill Top",
            "--user",
            "head",
            "--data-dir",
            str(data),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "weak" not in done.stderr
    costs = [slot["kdf"] for slot in json.loads((data / "keys.json").read_text())["accounts"]]
    assert costs and all(c["memory_kib"] >= MIN_KDF.memory_kib for c in costs), costs
    assert all(c["time_cost"] >= MIN_KDF.time_cost for c in costs), costs


def test_the_command_line_names_a_demo_school_and_opens_it_with_demo(
    school: SchoolStore, tmp_path: Path
) -> None:
    """Found by the new-user pass: safedesk-admin called every demo school's key file
    "damaged". It says what it may be, and --demo opens it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEDESK_")}
    env.pop("PYTHONPATH", None)  # the program as installed
    env |= {"SAFEDESK_PASSWORD": HEAD_PASSWORD}

    def admin(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from safedesk.cli import main; sys.exit(main())",
                *args,
                "--data-dir",
                str(school.paths.root),
            ],
            env=env,
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=300,
            check=False,
        )

    refused = admin("verify", "--user", "head")
    assert refused.returncode != 0
    assert "demo school" in refused.stderr and "add --demo" in refused.stderr, refused.stderr
    opened = admin("verify", "--user", "head", "--demo")
    assert opened.returncode == 0, opened.stderr
    assert "OK:" in opened.stdout
