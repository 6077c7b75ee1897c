"""safedesk-admin attach and attachments: a record's scanned notes, letters and photographs
(a contract: scripts use it)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from safedesk.cli.common import EXIT_OK, out, signed_in
from safedesk.domain.attachments import CHANGED, AttachmentInfo, size_text
from safedesk.domain.formatting import counted, moment_text
from safedesk.paths import DataPaths
from safedesk.services import attachments


def listed_json(info: AttachmentInfo) -> dict[str, object]:
    return {
        "id": info.id,
        "file_name": info.file_name,
        "media_type": info.media_type.value,
        "size": info.size,
        "sha256": info.sha256,
        "description": info.description,
        "added_by": info.added_by,
        "added_at": info.added_at.astimezone().isoformat(timespec="seconds"),
        # True: not the file that was added (its bytes or its hash differ from the audit
        # chain's record); `sha256` is always the one recorded when it was added.
        "changed": info.changed,
    }


def cmd_attach(args: argparse.Namespace, paths: DataPaths) -> int:
    source = Path(args.file).expanduser()
    with signed_in(args, paths, exclusive=False) as session:
        number = attachments.attach_file(session, args.ref, source, args.description)
    out(str(number))
    return EXIT_OK


def cmd_attachments(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = attachments.listed(session, args.ref)
    if args.json:
        out(json.dumps([listed_json(i) for i in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    for info in found:
        kind = f"{info.media_type.label}, {size_text(info.size)}"
        flag = f"  CHANGED: it {CHANGED}" if info.changed else ""
        out(f"{info.id:>4}  {moment_text(info.added_at)}  {info.description} ({kind}){flag}")
    out(counted(len(found), "attachment"))
    return EXIT_OK


def register(command: object, acting: argparse.ArgumentParser) -> None:
    """Add ``attach`` and ``attachments`` with main's ``command`` helper."""
    attach = command(  # type: ignore[operator]
        "attach", cmd_attach, "attach a scanned note, letter or photograph to a record", acting
    )
    attach.add_argument("ref", help="the record, e.g. C-2026-0042")
    attach.add_argument("--file", required=True, help="a PDF, PNG or JPEG file")
    attach.add_argument("--description", required=True, help="what the file is")
    listing = command(  # type: ignore[operator]
        "attachments", cmd_attachments, "list a record's attachments", acting
    )
    listing.add_argument("ref", help="the record, e.g. C-2026-0042")
    listing.add_argument("--json", action="store_true")
