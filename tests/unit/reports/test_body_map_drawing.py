"""The body map in the chronology PDF: both outlines, each mark numbered with its key, the
shapes' legend; a record without marks prints no drawing; further holds read as words."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from safedesk.domain import body_outline
from safedesk.domain.body_map import BodyMark, MarkKind, Side
from safedesk.domain.chronology import Chronology, ChronologyItem, ItemGroup, LogHead
from safedesk.domain.entries import Kind
from safedesk.domain.people import Pupil, PupilDetails
from safedesk.reports.chronology_pdf import render_chronology
from safedesk.services import export, records
from safedesk.services.session import Session
from tests import factories

START = datetime.fromisoformat("2026-10-01T09:00+01:00")
MARKS = (
    BodyMark(Side.FRONT, 0.815, 0.43, MarkKind.BRUISE, 30, "fingertip bruising"),
    BodyMark(Side.BACK, 0.5, 0.42, MarkKind.CUT, 12, "graze from the fall"),
    BodyMark(Side.FRONT, 0.5, 0.085, MarkKind.BURN, None, ""),
)


def chronology(detail: tuple[tuple[str, str], ...], marks: tuple[BodyMark, ...] = ()) -> Chronology:
    pupil = Pupil(1, PupilDetails("B801200005001", "Khan", "Amir", date(2017, 5, 1)))
    item = ChronologyItem(
        START,
        START,
        ItemGroup.INTERVENTION,
        "PI-2026-0001",
        "Physical intervention",
        "Seated hold",
        "Mr Tomasz Wójcik",
        detail,
        marks=marks,
    )
    return Chronology(
        "St Brigid's",
        pupil,
        (item,),
        frozenset(ItemGroup),
        None,
        None,
        "Jo Bloggs",
        START + timedelta(days=1),
        LogHead(9, "ab" * 32),
    )


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_body_map_is_drawn_with_a_numbered_key_and_the_legend() -> None:
    lines = "\n".join(m.describe() for m in MARKS)
    data = render_chronology(
        chronology((("Injuries to the pupil", "none"), ("Body map", lines)), MARKS)
    )
    found = text_of(data)
    assert "Front" in found and "Back" in found
    assert "1. Bruise, left forearm (front), 30 mm: fingertip bruising" in found
    assert "2. Cut, lower back, 12 mm: graze from the fall" in found
    assert "3. Burn, face (front)" in found
    for kind in MarkKind:
        assert kind.label in found  # the legend of shapes
    assert "Bruise (front, 30 mm)" not in found  # the key replaces the marks' lines
    # The cover, then the item with its drawing (a KeepTogether nested in the last item's left
    # a blank page before it).
    assert len(PdfReader(io.BytesIO(data)).pages) == 2


def test_no_drawing_without_marks() -> None:
    found = text_of(render_chronology(chronology((("Body map", "—"),))))
    assert "Key to the shapes" not in found
    assert "Body map" in found


def test_each_named_area_lies_on_the_outline() -> None:
    for area in body_outline.AREAS:
        assert body_outline.inside(area.x, area.y), area.label
        assert body_outline.nearest_area(area.side, area.x, area.y) == area
    assert not body_outline.inside(0.05, 0.05)


def test_a_recorded_interventions_body_map_is_drawn_in_the_exported_chronology(
    head_session: Session, tmp_path: Path
) -> None:
    factories.add_pupils(head_session)
    marks = [
        {"side": "front", "x": 0.815, "y": 0.43, "kind": "bruise", "size_mm": 25, "note": "red"},
        {"side": "back", "x": 0.5, "y": 0.27, "kind": "mark", "size_mm": None, "note": ""},
    ]
    payload = factories.intervention() | {
        "body_map": marks,
        "more_holds": [{"hold": "seated_hold", "minutes": 3}],
    }
    records.record(head_session, Kind.INTERVENTION, payload)
    target = tmp_path / "chronology.pdf"
    export.export_chronology_pdf(head_session, factories.PUPIL_A, target)
    found = " ".join(text_of(target.read_bytes()).split())
    assert "Key to the shapes" in found
    assert "1. Bruise, left forearm (front), 25 mm: red" in found
    assert "2. Mark, upper back" in found
    assert "Seated hold 3 min" in found
    assert '"kind"' not in found and '"hold"' not in found
