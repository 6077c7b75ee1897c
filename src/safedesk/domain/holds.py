"""Further holds on one physical intervention, each with its minutes: a list field kept in the
record as canonical JSON text, so it is stored, amended, sealed and hashed like any text."""

from __future__ import annotations

import json
from collections.abc import Set
from dataclasses import dataclass

from safedesk.domain.text import is_blank

MAX_HOLDS = 20
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class Hold:
    hold: str  # a value of the `restraint_types` list
    minutes: int


def to_json(holds: tuple[Hold, ...]) -> str | None:
    """The stored text of a list of holds; None for none."""
    if not holds:
        return None
    items = [{"hold": h.hold, "minutes": h.minutes} for h in holds]
    return json.dumps(items, separators=(",", ":"), ensure_ascii=False)


def from_text(text: str | None) -> tuple[Hold, ...]:
    """The holds in stored text (None or "" for none). Stored text was checked when written."""
    if is_blank(text):
        return ()
    assert text is not None
    return tuple(Hold(str(item["hold"]), int(item["minutes"])) for item in json.loads(text))


def parse(raw: object, allowed: Set[str]) -> tuple[tuple[Hold, ...], str | None]:
    """Holds from JSON input (a list of {"hold", "minutes"}, or its text), or the problem."""
    if is_blank(raw):
        return (), None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return (), 'must be a list like [{"hold": "seated_hold", "minutes": 3}]'
    if not isinstance(raw, list):
        return (), 'must be a list like [{"hold": "seated_hold", "minutes": 3}]'
    if len(raw) > MAX_HOLDS:
        return (), f"has {len(raw)} holds; at most {MAX_HOLDS}"
    found: list[Hold] = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or set(item) - {"hold", "minutes"}:
            return (), f'hold {number} must be {{"hold": …, "minutes": …}}'
        hold, minutes = item.get("hold"), item.get("minutes")
        if not isinstance(hold, str) or hold not in allowed:
            return (), f"hold {number}: {hold!r} is not one of: {', '.join(sorted(allowed))}"
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            return (), f"hold {number}: minutes must be a whole number"
        if not 0 < minutes <= MAX_MINUTES:
            return (), f"hold {number}: minutes must be between 1 and {MAX_MINUTES}"
        found.append(Hold(hold, minutes))
    return tuple(found), None


def holds_used(main_hold: str | None, more_holds_text: str | None) -> list[str]:
    """Every hold on a record: the main one (`restraint_type`) then each further hold, as
    analysis counts them."""
    used = [main_hold] if main_hold else []
    return used + [h.hold for h in from_text(more_holds_text)]
