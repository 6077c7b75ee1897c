"""Through the service (a real store): further holds corrected on a record holding a hold
the school has retired since, and a letter date that cannot be true refused on amend."""

from __future__ import annotations

import pytest

from safedesk.domain.entries import Kind
from safedesk.domain.errors import ValidationError
from safedesk.services import amendments, lists, records
from safedesk.services.session import Session
from tests import factories


def test_further_holds_are_corrected_keeping_a_hold_retired_since(head_session: Session) -> None:
    factories.add_pupils(head_session)
    first = [{"hold": "block", "minutes": 1}, {"hold": "seated_hold", "minutes": 2}]
    ref = records.record(
        head_session, Kind.INTERVENTION, factories.intervention() | {"more_holds": first}
    )
    lists.retire_value(head_session, "restraint_types", "block")
    kept = [{"hold": "block", "minutes": 1}, {"hold": "seated_hold", "minutes": 3}]
    amendments.amend(head_session, ref, "more_holds", kept, "The seated hold was 3 minutes.")
    current = records.open_record(head_session, ref).current()["more_holds"]
    assert current == '[{"hold":"block","minutes":1},{"hold":"seated_hold","minutes":3}]'
    # A retired hold the record did not have is still refused.
    lists.retire_value(head_session, "restraint_types", "guide")
    with pytest.raises(ValidationError) as caught:
        amendments.amend(
            head_session, ref, "more_holds", [*kept, {"hold": "guide", "minutes": 1}], "Also."
        )
    assert caught.value.problems["more_holds"].startswith("hold 3: 'guide' is not one of")


def test_a_letter_date_before_the_intervention_is_refused_on_amend(head_session: Session) -> None:
    factories.add_pupils(head_session)
    ref = records.record(head_session, Kind.INTERVENTION, factories.intervention())
    for day, problem in (
        ("2001-01-01", "is before the intervention"),
        ("2099-01-01", "is in the future"),
    ):
        with pytest.raises(ValidationError) as caught:
            amendments.amend(head_session, ref, "parent_letter_sent_on", day, "The letter.")
        assert caught.value.problems == {"parent_letter_sent_on": problem}
