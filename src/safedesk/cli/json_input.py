"""JSON from a file or stdin, within sane bounds: a record is a flat object of a few levels,
so deeper nesting or an integer of thousands of digits is bad input with a plain message
(exit 2), never a RecursionError or a Python internals message."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from safedesk.cli.common import UsageError
from safedesk.domain.errors import ValidationError

MAX_DEPTH = 4  # {"pupils": [{"upn": …}]} is three
MAX_DIGITS = 20  # larger than any act number SQLite can hold
MAX_BYTES = 20 * 1024 * 1024


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValidationError({"json": f"has a number with {len(text)} digits; no field needs one"})
    return int(text)


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def read_json(source: str) -> object:
    """The parsed JSON of ``source`` (a path, or "-" for stdin), or a plain refusal."""
    try:
        if source == "-":
            text = sys.stdin.read(MAX_BYTES + 1)
        else:
            # Read no more than the limit: a pipe or a device (/dev/zero) has no size to check.
            with Path(source).open("rb") as file:
                raw = file.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                raise ValidationError({"json": "is larger than 20 MB; no record is that long"})
            text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"Cannot read {source}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text.") from None
    if len(text) > MAX_BYTES:
        raise ValidationError({"json": "is larger than 20 MB; no record is that long"})
    try:
        value = json.loads(text, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            {"json": f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"}
        ) from None
    except RecursionError:
        raise ValidationError({"json": f"is nested more than {MAX_DEPTH} levels deep"}) from None
    if _depth(value) > MAX_DEPTH:
        raise ValidationError({"json": f"is nested more than {MAX_DEPTH} levels deep"})
    return value
