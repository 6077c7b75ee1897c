"""A safedesk writer process for the fault tests: it signs in and records until stopped.

    python tests/faults/writer.py DATA_DIR [options]

It does what the app does (the one-instance lock, then sign-in, then one service call per
record) and says on stdout, one line each, what has *finished*; every line is flushed only
after the call it reports has returned, so a line means "committed":

    STARTED                 imports done
    LOCKED                  the instance lock is held
    READY                   signed in
    REF <ref>               a record was committed (in its compartment, or sealed in its
                            inbox in `school` for a member to take in)
    DRAFT <id> <seq>        draft <id> was saved holding the text of sequence number <seq>
    ERROR <json>            a SafedeskError: {"type": class name, "message": str(error),
                            "n": the number of the record being made then (0: none)}
    RAISED                  (--recover) the file-size limit was lifted again
    DONE                    finished cleanly

Every ``--behaviour-every``-th record is a behaviour incident (the `behaviour` file), the
others are concerns (`safeguarding`). ``--user`` picks who writes: the head takes each record
in at once; a member of staff only seals it into the inbox.

Any other exception escapes with a traceback on stderr, which the tests treat as a failure.
The repository root must be on PYTHONPATH (for tests.factories).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from pathlib import Path

from safedesk.domain.entries import Kind
from safedesk.domain.errors import SafedeskError
from safedesk.paths import DataPaths
from safedesk.services import drafts, records, vault
from safedesk.store.instance_lock import InstanceLock
from tests import factories

USER = "head"
PASSWORD = "correct horse battery"
STAFF_USER = "teacher"
STAFF_PASSWORD = "another long password"
# Recognisable text: the tests look for it in drafts, and make sure no error ever shows it.
RECORD_MARK = "crash-record-text"
DRAFT_MARK = "crash-draft-text"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def payload(kind: Kind, run: str, n: int, pad: int) -> dict[str, object]:
    data = factories.PAYLOADS[kind]()
    data["description"] = f"{RECORD_MARK} run {run} number {n}. " + "x" * pad
    return data


def draft_payload(run: str, seq: int) -> dict[str, object]:
    return {"description": f"{DRAFT_MARK} run {run} seq {seq}", "category": "neglect"}


def error_line(exc: SafedeskError, n: int) -> str:
    return "ERROR " + json.dumps({"type": type(exc).__name__, "message": str(exc), "n": n})


def drop_privileges(uid: int) -> None:
    """Become another account (a root test run cannot be refused by permissions otherwise).

    Done after the imports: as root, the interpreter may live where that account cannot read.
    """
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def lift_file_size_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--run", default="0", help="a label that goes into every text")
    parser.add_argument("--records", type=int, default=0, help="stop after N records (0: never)")
    parser.add_argument("--draft-every", type=int, default=3)
    parser.add_argument("--behaviour-every", type=int, default=4, help="0: concerns only")
    parser.add_argument("--user", default=USER)
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--pad", type=int, default=0, help="extra characters per record")
    parser.add_argument("--as-uid", type=int, default=None)
    parser.add_argument(
        "--recover",
        action="store_true",
        help="after the first error, lift the file-size limit and record once more",
    )
    parser.add_argument("--hold", action="store_true", help="once signed in, wait for stdin")
    args = parser.parse_args()
    say("STARTED")
    if args.as_uid is not None:
        drop_privileges(args.as_uid)
    paths = DataPaths(args.data_dir)
    run: str = args.run
    n = 0
    try:
        lock = InstanceLock(paths.lock).acquire()
        say("LOCKED")
        session = vault.sign_in(paths, args.user, args.password)
        say("READY")
        if args.hold:
            sys.stdin.readline()
            session.lock()
            lock.release()
            say("DONE")
            return 0
        draft_id: int | None = None
        recovered = False
        while args.records == 0 or n < args.records:
            n += 1
            try:
                if args.draft_every and n % args.draft_every == 0:
                    draft_id = drafts.save_draft(
                        session, Kind.CONCERN, draft_payload(run, n), draft_id
                    )
                    say(f"DRAFT {draft_id} {n}")
                behaviour = args.behaviour_every and n % args.behaviour_every == 0
                kind = Kind.BEHAVIOUR if behaviour else Kind.CONCERN
                ref = records.record(session, kind, payload(kind, run, n, args.pad))
                say(f"REF {ref}")
            except SafedeskError as exc:
                if not args.recover or recovered:
                    raise
                say(error_line(exc, n))
                lift_file_size_limit()
                recovered = True
                say("RAISED")
                n -= 1  # try the same record again
        session.lock()
        lock.release()
    except SafedeskError as exc:
        say(error_line(exc, n))
        return 3
    say("DONE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
