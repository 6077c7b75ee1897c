"""safedesk-admin risk-assessment: save a pupil's risk assessment or behaviour plan (a new
version when the pupil has one)."""

from __future__ import annotations

import argparse

from safedesk.cli.common import EXIT_OK, out, signed_in
from safedesk.cli.json_input import read_json
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text, moment_text
from safedesk.domain.risk_assessment import LABELS, StoredAssessment, parse_kind
from safedesk.paths import DataPaths
from safedesk.services import risk_assessments


def cmd_risk_assessment(args: argparse.Namespace, paths: DataPaths) -> int:
    payload = read_json(args.json)
    if not isinstance(payload, dict):
        raise ValidationError(
            {"json": 'must be one JSON object with "risks", "consulted" and "review_on"'}
        )
    kind = payload.get("kind")
    if kind is not None:
        if not isinstance(kind, str):
            raise ValidationError({LABELS["kind"]: "must be safeguarding or behaviour_plan"})
        kind = parse_kind(kind)  # a bad kind is said before the password is asked for
    with signed_in(args, paths, exclusive=False) as session:
        saved = risk_assessments.make_assessment(session, args.pupil, payload, kind)
    out(saved.reference)
    return EXIT_OK


def listed_line(stored: StoredAssessment) -> str:
    """A line of `records --pupil`: reference, when it was saved, kind, version, review date."""
    return (
        f"{stored.ref:<14} {moment_text(stored.made_at)}  {stored.kind.label:<30} "
        f"version {stored.version}, review by {date_text(stored.content.review_on)}"
    )


def listed_json(stored: StoredAssessment) -> dict[str, object]:
    """An item of `records --pupil --json`: its "kind" is risk_assessment or behaviour_plan;
    "recorded_at" is when this version was saved."""
    found: dict[str, object] = stored.to_json()
    found["kind"] = "behaviour_plan" if stored.kind.value == "behaviour_plan" else "risk_assessment"
    found["recorded_at"] = found["made_at"]
    found["pupils"] = [{"upn": stored.upn, "name": stored.pupil_name, "role": None}]
    return found
