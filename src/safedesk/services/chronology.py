"""A pupil's chronology, for roles allowed to read every record in it (audited).

It is about one child. Other pupils named on the same records are "another pupil (A)", "(B)"…
(lettered in the order they first appear), and their names and UPNs are masked wherever
they occur in the text (``domain.redaction``), unless the DSL chooses to include them:
that choice is audited (``chronology.other_pupils_named``) and printed on the PDF.

What stays on her file: every record that names her, whatever her part (a witness's
behaviour record, a concern naming her with another child), with the other child masked.
Casework follows the case: the DSL's acts on a case are on the chronology of every pupil
its record names, because the record does not say which child each act concerns (the
concern form asks for "the pupil this is about"; a police notification names the children
of one household), and leaving them out would strip a child's own referral from her
transfer whenever a second pupil was named. On a case that names others too, each act
says so ("Case also names: another pupil (A)"), with their names masked in it.

Her risk assessments are on it too, each version on the day it was saved, for those who may
read that kind (``risk_assessments.kinds_for``; the behaviour lead, the plans only), under
their own filter, "Risk assessments".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from safedesk.domain import local_time
from safedesk.domain.attachments import AttachmentInfo
from safedesk.domain.casework import CaseEvent
from safedesk.domain.chronology import (
    CASEWORK_LISTS_LABELS,
    ChronologyItem,
    ItemGroup,
    LogHead,
    SignedLogHead,
    case_item,
    entry_items,
    in_order,
    notification_item,
    status_items,
)
from safedesk.domain.chronology import Chronology as Chronology  # where callers found it
from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import FIXED_LISTS, Kind, StoredEntry
from safedesk.domain.errors import NotFound, PermissionDenied
from safedesk.domain.formatting import counted, date_text
from safedesk.domain.people import Pupil, PupilDetails, User
from safedesk.domain.redaction import PupilMask
from safedesk.domain.risk_assessment import LABELS as ASSESSMENT_LABELS
from safedesk.domain.risk_assessment import StoredAssessment
from safedesk.domain.roles import Permission
from safedesk.services import attachments, intake, pupil_status, risk_assessments
from safedesk.services.session import Session
from safedesk.store import attachments as attached
from safedesk.store import casework, entries, evidence, lists, pupils, school, users
from safedesk.store import risk_assessments as assessments_store
from safedesk.store.casework import StoredNotification
from safedesk.store.db import Connection

# A behaviour lead's risk assessments are the behaviour plans (risk_assessments.kinds_for).
_BEHAVIOUR_GROUPS = frozenset(
    {ItemGroup.BEHAVIOUR, ItemGroup.INTERVENTION, ItemGroup.RISK_ASSESSMENT, ItemGroup.AMENDMENT}
)


def allowed_groups(user: User) -> frozenset[ItemGroup]:
    """DSL and head see everything; a behaviour lead the behaviour-only chronology."""
    if user.can(Permission.CASEWORK) and user.can(Permission.READ_CONCERNS):
        return frozenset(ItemGroup)
    if user.can(Permission.READ_BEHAVIOUR):
        return _BEHAVIOUR_GROUPS
    return frozenset()


@dataclass
class _Found:
    """What the files hold for one pupil, before it is made into items."""

    entries: list[StoredEntry] = field(default_factory=list)
    notifications: list[StoredNotification] = field(default_factory=list)
    timelines: dict[str, list[CaseEvent]] = field(default_factory=dict)
    case_pupils: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    attachments: dict[str, list[AttachmentInfo]] = field(default_factory=dict)  # by record
    assessments: list[StoredAssessment] = field(default_factory=list)  # every version


def open_chronology(
    session: Session,
    upn: str,
    *,
    groups: Iterable[ItemGroup] | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    purpose: str = "opened",
    include_other_pupils: bool = False,
) -> Chronology:
    """Every item of the groups asked for (default: all this user may read), in time order.

    Other pupils are masked unless ``include_other_pupils`` (audited)."""
    allowed = allowed_groups(session.user)
    wanted = allowed if groups is None else frozenset(groups)
    if not allowed or not wanted <= allowed:
        with session.store.write() as conn:
            session.audit(
                conn, "permission.refused", object_type="chronology", object_id=upn.upper()
            )
        raise PermissionDenied(
            f"Your account ({session.user.roles_label}) may not open this chronology: it "
            "holds records only the Designated Safeguarding Lead may read."
        )
    with session.store.read() as conn:
        found = pupils.by_upns(conn, [upn.strip().upper()])
        if not found:
            raise NotFound(f"There is no pupil with UPN {upn}.")
        pupil = next(iter(found.values()))
        names = users.display_names(conn)
        labels = _labels(conn)
        school_name = school.get(conn).name
    # Amendments come with the entries they amend, so only of the kinds asked for.
    kinds = [k for k in Kind if ItemGroup(k.value) in wanted]
    assessed = risk_assessments.kinds_for(session) if ItemGroup.RISK_ASSESSMENT in wanted else []
    read: list[Compartment] = []
    needs_safeguarding = bool(
        wanted & {ItemGroup.CONCERN, ItemGroup.NOTIFICATION, ItemGroup.CASEWORK}
    ) or any(kind.compartment is Compartment.SAFEGUARDING for kind in assessed)
    if any(KIND_COMPARTMENT[k] is Compartment.BEHAVIOUR for k in kinds) or any(
        kind.compartment is Compartment.BEHAVIOUR for kind in assessed
    ):
        read.append(Compartment.BEHAVIOUR)
    if needs_safeguarding:
        read.insert(0, Compartment.SAFEGUARDING)
    # Every record of the files read that this user may see is loaded, not only the groups
    # asked for, so that a pupil is the same letter, and masked, whatever the filter.
    loaded = [k for k in Kind if ItemGroup(k.value) in allowed]
    stored = _Found()
    for compartment in read:
        store = session.compartment(compartment, "open this chronology")
        intake.take_in_waiting(session, compartment)
        here = [k for k in loaded if KIND_COMPARTMENT[k] is compartment]
        with store.read() as conn:
            pupil_id = pupils.copy_ids(conn, [pupil.upn]).get(pupil.upn)
            if pupil_id is None:
                continue
            found_here = entries.for_pupil(conn, pupil_id, here)
            stored.entries += found_here
            stored.attachments |= attached.for_refs(conn, [e.ref for e in found_here])
            if compartment is Compartment.SAFEGUARDING:
                _read_safeguarding(conn, pupil_id, stored, wanted)
            for kind in assessed:
                if kind.compartment is compartment:
                    stored.assessments += assessments_store.versions(conn, kind, pupil.upn)
    mask = _mask(session, pupil, stored, include_other_pupils)
    items = _items(stored, frozenset(kinds), wanted, labels, names, mask)
    items += [assessment_item(version, mask) for version in stored.assessments]
    items = attachments.listed_on(items, stored.attachments, mask)
    # The DSL's and the head's: on the header whatever the filter, and their starts and ends
    # among the DSL's casework.
    statuses = pupil_status.statuses_for_chronology(session, pupil.upn)
    if statuses and ItemGroup.CASEWORK in wanted:
        items += status_items(statuses, mask)
    in_range = [i for i in items if _within(i.happened_at, first_day, last_day)]
    now = session.clock.now()
    detail: dict[str, object] = {
        "groups": sorted(g.value for g in wanted),
        "from": first_day.isoformat() if first_day else None,
        "to": last_day.isoformat() if last_day else None,
        "other_pupils": "named" if include_other_pupils else "masked",
    }
    if stored.assessments:
        detail["risk_assessments"] = sorted({v.ref for v in stored.assessments})
    heads = []
    for compartment in read:
        with session.compartment(compartment).write() as conn:
            if include_other_pupils and mask.count:
                session.audit(
                    conn,
                    "chronology.other_pupils_named",
                    object_type="pupil",
                    object_id=pupil.upn,
                    detail={"purpose": purpose, "other_pupils": mask.count},
                )
            heads.append(
                session.audit(
                    conn,
                    f"chronology.{purpose}",
                    object_type="pupil",
                    object_id=pupil.upn,
                    detail=detail,
                )
            )
    head = LogHead(heads[0].seq, heads[0].hash) if heads else LogHead(0, "0" * 64)
    signed: list[SignedLogHead] = []
    for compartment in read:
        with session.compartment(compartment).read() as conn:
            latest = evidence.latest_signed(conn, compartment.value)
        if latest is not None:
            signed.append(
                SignedLogHead(latest.file, latest.seq, latest.hash, latest.signer, latest.at)
            )
    return Chronology(
        school_name,
        pupil,
        tuple(in_order(in_range)),
        wanted,
        first_day,
        last_day,
        session.user.display_name,
        now,
        head,
        mask.count,
        include_other_pupils and mask.count > 0,
        tuple(signed),
        statuses,
    )


def assessment_item(version: StoredAssessment, mask: PupilMask) -> ChronologyItem:
    """One version of a risk assessment, on the day it was saved: "RA-2026-0001 version 2:
    3 risks, review by 01/03/2027", and in full (other pupils masked, as in records)."""
    content = version.content
    review = date_text(content.review_on)
    replaces = f"{version.version} (replaces version {version.version - 1})"
    detail = [("Version", replaces if version.version > 1 else "1 (the first)")]
    for number, risk in enumerate(content.risks, start=1):
        detail.append(
            (
                f"{ASSESSMENT_LABELS['risk']} {number}",
                f"{mask.text(risk.risk)}\n{ASSESSMENT_LABELS['measures']}: "
                f"{mask.text(risk.measures)}\n{ASSESSMENT_LABELS['owner']}: "
                f"{mask.text(risk.owner)}",
            )
        )
    detail.append((ASSESSMENT_LABELS["consulted"], mask.text(content.consulted) or ""))
    detail.append((ASSESSMENT_LABELS["review_on"], review))
    return ChronologyItem(
        version.made_at,
        version.made_at,
        ItemGroup.RISK_ASSESSMENT,
        version.ref,
        version.kind.label,
        f"{version.reference}: {counted(len(content.risks), 'risk')}, review by {review}",
        version.author_name,
        tuple(detail),
    )


def _read_safeguarding(
    conn: Connection, pupil_id: int, found: _Found, wanted: frozenset[ItemGroup]
) -> None:
    """Police notifications naming this pupil, and the casework on her cases."""
    for entry in found.entries:
        if entry.kind is Kind.CONCERN:
            found.case_pupils[entry.ref] = tuple((p.upn, p.name) for p in entry.pupils)
    for ref in casework.notification_refs_for_pupil(conn, pupil_id):
        note = casework.notification_by_ref(conn, ref)
        if note is not None:
            found.notifications.append(note)
            found.case_pupils[ref] = note.pupils
    if ItemGroup.CASEWORK in wanted:
        found.timelines = casework.timelines(conn, list(found.case_pupils))


def _mask(session: Session, pupil: Pupil, found: _Found, include_names: bool) -> PupilMask:
    """Letters for the other pupils in the order they first appear, and every spelling of
    their names: the school's list now, and the names the records were made with."""
    seen: list[tuple[datetime, list[tuple[str, str]]]] = [
        (e.occurred_at, [(p.upn, p.name) for p in e.pupils]) for e in found.entries
    ]
    seen += [(_received(n), list(n.pupils)) for n in found.notifications]
    spelled: dict[str, set[str]] = {}
    order: list[str] = []
    for _, on_record in sorted(seen, key=lambda s: s[0]):
        for upn, name in on_record:
            spelled.setdefault(upn, set()).add(name)
            order.append(upn)
    with session.store.read() as conn:
        details = pupils.by_upns(conn, order)
    others = [
        details[upn].details if upn in details else _unlisted(upn)  # not on the list: by UPN
        for upn in dict.fromkeys(order)
        if upn != pupil.upn
    ]
    return PupilMask(
        [pupil.details],
        others,
        other_names=spelled,
        subject_names=spelled.get(pupil.upn, ()),
        include_names=include_names,
    )


def _unlisted(upn: str) -> PupilDetails:
    return PupilDetails(upn, "", "", date.min)


def _received(note: StoredNotification) -> datetime:
    received = note.values.get("received_at")
    return datetime.fromisoformat(received) if received else note.recorded_at


def _items(
    found: _Found,
    kinds: frozenset[Kind],
    wanted: frozenset[ItemGroup],
    labels: dict[str, dict[str, str]],
    names: dict[str, str],
    mask: PupilMask,
) -> list[ChronologyItem]:
    items = [
        item
        for entry in found.entries
        if entry.kind in kinds
        for item in entry_items(entry, labels, names, mask)
        if item.group in wanted
    ]
    if ItemGroup.NOTIFICATION in wanted:
        items += [
            notification_item(n.ref, n.author, n.recorded_at, n.values, n.pupils, names, mask)
            for n in found.notifications
        ]
    for ref, events in found.timelines.items():
        on_case = found.case_pupils.get(ref, ())
        items += [case_item(ref, event, names, mask, on_case) for event in events]
    return items


def _labels(conn: Connection) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for item in lists.all_items(conn):
        found.setdefault(item.list_name, {})[item.value] = item.label
    for name, values in FIXED_LISTS.items():
        found[name] = dict(values)
    return found | {name: dict(values) for name, values in CASEWORK_LISTS_LABELS.items()}


def _within(moment: datetime, first_day: date | None, last_day: date | None) -> bool:
    day = local_time.to_local(moment).date()
    return (first_day is None or day >= first_day) and (last_day is None or day <= last_day)
