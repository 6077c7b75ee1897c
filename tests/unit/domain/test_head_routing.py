"""A concern typed about the headteacher by name or job goes to the chair of governors: the
ways staff name the head, found by an outside tester, and the jobs that are someone else's."""

from __future__ import annotations

import pytest

from safedesk.domain.head_routing import is_head_job, names_a_head

HEADS = ["Mrs Adaeze Okonkwo"]


@pytest.mark.parametrize(
    "job",
    [
        "Headteacher",
        "Head Teacher",
        "Head-teacher",
        "head",
        "The Head",
        "Acting Head",
        "Interim headteacher",
        "Executive Headteacher",
        "Headmistress",
        "Headmaster",
        "Head of School",
        "Principal",
        "HT",
        "Headteacher and DSL",
        "Ｈｅａｄｔｅａｃｈｅｒ",  # full-width letters
        "Head\u200bteacher",  # an invisible character inside
    ],
)
def test_a_job_that_means_the_headteacher(job: str) -> None:
    assert is_head_job(job)


@pytest.mark.parametrize(
    "job",
    [
        "Deputy Headteacher",
        "Assistant Headteacher",
        "Deputy Head",
        "Headteacher's PA",
        "Assistant Principal",
        "Vice Principal",
        "Head of Year 6",
        "Head of Maths",
        "Head cook",
        "Class teacher",
        "",
        None,
    ],
)
def test_a_job_that_is_someone_elses(job: str | None) -> None:
    assert not is_head_job(job)


@pytest.mark.parametrize(
    "name",
    [
        "Mrs Adaeze Okonkwo",
        "Adaeze Okonkwo",
        "Mrs Okonkwo",
        "okonkwo",
        "Mrs A Okonkwo",
        "Mrs Adaeze Okonkwo (head)",
        "Mrs Ａｄａｅｚｅ Okonkwo",
        "Adaeze",
        "Mrs O\u200bkonkwo",
    ],
)
def test_the_ways_staff_name_the_head(name: str) -> None:
    assert names_a_head(name, HEADS)


@pytest.mark.parametrize("name", ["Mr Ray Stone", "Mrs O", "Mrs", "", "Ada Stone"])
def test_other_names_are_not_the_heads(name: str) -> None:
    assert not names_a_head(name, HEADS)
