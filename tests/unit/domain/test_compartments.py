"""Which encrypted file holds which records, and which roles need which files."""

from __future__ import annotations

from safedesk.domain.compartments import (
    KIND_COMPARTMENT,
    Compartment,
    compartments_for,
    is_reading_role,
)
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role


def test_concerns_are_in_the_safeguarding_file_behaviour_and_restraint_in_the_behaviour_file() -> (
    None
):
    assert KIND_COMPARTMENT[Kind.CONCERN] is Compartment.SAFEGUARDING
    assert KIND_COMPARTMENT[Kind.BEHAVIOUR] is Compartment.BEHAVIOUR
    assert KIND_COMPARTMENT[Kind.INTERVENTION] is Compartment.BEHAVIOUR


def test_staff_and_administrators_need_no_reading_file() -> None:
    assert compartments_for([Role.STAFF]) == frozenset()
    assert compartments_for([Role.ADMIN, Role.STAFF]) == frozenset()
    assert not is_reading_role(Role.STAFF)
    assert not is_reading_role(Role.ADMIN)


def test_the_behaviour_lead_needs_only_the_behaviour_file() -> None:
    assert compartments_for([Role.BEHAVIOUR_LEAD]) == {Compartment.BEHAVIOUR}
    assert is_reading_role(Role.BEHAVIOUR_LEAD)


def test_the_dsl_and_head_need_both_reading_files_never_the_school_file() -> None:
    both = {Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}
    assert compartments_for([Role.DSL]) == both
    assert compartments_for([Role.HEAD]) == both | {Compartment.ALLEGATIONS}
    assert compartments_for([Role.BEHAVIOUR_LEAD, Role.DSL, Role.ADMIN]) == both
    assert Compartment.SCHOOL not in compartments_for(list(Role))
    assert is_reading_role(Role.DSL) and is_reading_role(Role.HEAD)


def test_compartment_labels() -> None:
    assert Compartment.SCHOOL.label == "school"
    assert Compartment.SAFEGUARDING.label == "safeguarding records"
    assert Compartment.BEHAVIOUR.label == "behaviour records"


def test_only_the_head_needs_allegations_and_only_the_chair_allegations_about_the_head() -> None:
    for role in Role:
        needs = compartments_for([role])
        assert (Compartment.ALLEGATIONS in needs) == (role is Role.HEAD)
        assert (Compartment.ALLEGATIONS_HEAD in needs) == (role is Role.CHAIR_OF_GOVERNORS)
    assert compartments_for([Role.CHAIR_OF_GOVERNORS]) == {Compartment.ALLEGATIONS_HEAD}
