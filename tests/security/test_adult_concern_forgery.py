"""A concern about an adult forged in a colleague's name (break-it pass, step 11).

The attacker is the administrator, with only their own password and the key file. They make
a new signing key, issue themselves a "reset" certificate saying it is a member of staff's,
and put in the inbox, from their own session, exactly what the program writes when that
member of staff passes on a concern. The allegations file has never seen that person before,
so no earlier key of theirs stood in the way: the head must still be told, by an alarm, that
the concern is signed with keys only a password reset made.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from safedesk.domain.allegations import ADULT_CONCERN_FIELDS
from safedesk.domain.compartments import Compartment
from safedesk.services import allegations, queue, upkeep
from safedesk.store import audit, identity, sealed, sealed_items
from safedesk.store.crypto import SignKeys
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER
from tests.security import attacker
from tests.security.conftest import ADMIN, DSL, PASSWORDS, STAFF, build_school

FORGED = "Saw Dee hit a pupil in the corridor 6060"


def test_a_concern_forged_in_a_colleagues_name_raises_an_alarm_for_the_head(
    tmp_path: Path,
) -> None:
    school = build_school(tmp_path / "data")
    me = attacker.loot(school.paths.keys.read_bytes(), ADMIN, PASSWORDS[ADMIN])
    account = me.account
    pin = account.pins["allegations"]
    forged_key = SignKeys.generate()
    cert = identity.issue(
        me.store_id, "reset", account.username, account.sign, STAFF, forged_key.public
    )
    body = {
        "subject_username": DSL,
        "subject_name": "Dee DSL",
        "subject_role": "DSL",
        "happened_at": factories.earlier(3),
        "what": FORGED,
    }
    fields = {
        "author": STAFF,
        "seq": 1,
        "op": "record",
        "ref": "adult-0123456789abcdef",
        "kind": "allegation",
        "body": {name: body.get(name) for name in ADULT_CONCERN_FIELDS},
        "recorded_at": datetime.now(UTC).isoformat(),
    }
    item = sealed_items.seal_item(
        me.store_id,
        "allegations",
        pin.epoch,
        pin.box_public,
        forged_key,
        fields,
        author_box=attacker.new_box().public,
        mailbox=b"\x07" * 32,
        identity=[*account.identity, cert],
    )
    forger = school.sign_in(ADMIN, PASSWORDS[ADMIN])
    try:
        now = forger.clock.now()
        with forger.store.write() as conn:
            sealed.put_inbox(conn, "allegations", item, now)
            audit.append(conn, at=now, actor=None, action="inbox.item_put")
    finally:
        forger.lock()

    head = school.sign_in(HEAD_USER, HEAD_PASSWORD)
    try:
        upkeep.after_sign_in(head)
        with head.compartment(Compartment.ALLEGATIONS).read() as conn:
            kinds = [str(r[0]) for r in conn.execute("SELECT kind FROM alarm")]
        assert kinds == ["reset"]
        alarms = [i for i in queue.load_queue(head).items if i.case_ref.startswith("ALARM-A")]
        assert len(alarms) == 1 and "may be recording in their name" in alarms[0].what
        assert STAFF in alarms[0].what and ADMIN in alarms[0].what
        assert any(a.alleged == FORGED for a in allegations.list_allegations(head))
    finally:
        head.lock()
