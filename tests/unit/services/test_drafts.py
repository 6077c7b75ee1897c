"""Drafts: saved, listed for their author only, discarded on submit, survive a killed process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import drafts, records
from safedesk.services.session import Session
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore


def test_draft_is_private_and_discarded_on_submit(
    head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    factories.add_pupils(head_session)
    staff, other = session_as(Role.STAFF), session_as(Role.STAFF)
    payload = factories.concern()
    draft_id = drafts.save_draft(staff, Kind.CONCERN, {"description": "half"})
    assert drafts.save_draft(staff, Kind.CONCERN, payload, draft_id) == draft_id
    assert [d.payload for d in drafts.my_drafts(staff)] == [payload]
    assert drafts.my_drafts(other) == []
    records.record(staff, Kind.CONCERN, payload, draft_id=draft_id)
    assert drafts.my_drafts(staff) == []


def test_draft_survives_a_killed_process(
    school: SchoolStore, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    staff = session_as(Role.STAFF)
    username = staff.user.username
    staff.store.close()
    script = (
        "import sys, os, signal\n"
        "from safedesk.paths import DataPaths\n"
        "from safedesk.services import vault, drafts\n"
        "from safedesk.domain.entries import Kind\n"
        "s = vault.sign_in(DataPaths.at(sys.argv[1]), sys.argv[2], sys.argv[3])\n"
        "drafts.save_draft(s, Kind.CONCERN, {'description': 'Zoë told me — half typed'})\n"
        "print('saved', flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(school.paths.root), username, OTHER_PASSWORD],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
    )
    assert result.returncode == -signal.SIGKILL
    assert result.stdout.strip() == "saved"
    again = school.sign_in(username, OTHER_PASSWORD)
    assert [d.payload for d in drafts.my_drafts(again)] == [
        {"description": "Zoë told me — half typed"}
    ]
    again.store.close()
