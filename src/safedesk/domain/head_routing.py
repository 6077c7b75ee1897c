"""Whether a concern about an adult, typed with a name and a job rather than an account, is
about the headteacher, so that it goes to the chair of governors and never to the head.

When in doubt it goes to the chair: a concern about someone else that reaches the chair is
passed back; one about the head that reaches the head is what must never happen. So any
head's surname, or a job that means the headteacher, is enough; "Deputy" or "Assistant"
make a job someone else's.
"""

from __future__ import annotations

from collections.abc import Iterable

from safedesk.domain.text import name_words

_HEAD_JOBS = {"headteacher", "headmistress", "headmaster", "principal", "ht"}
# A job with one of these is not the headteacher's, though it has their title in it.
_NOT_THE_HEAD = {"deputy", "assistant", "associate", "vice", "pa", "secretary", "personal"}


def is_head_job(job: object) -> bool:
    """Headteacher, Head, Acting Head, Head of School, Executive Headteacher, Principal, HT;
    not Deputy Headteacher, Assistant Principal, Head of Year 6 or Headteacher's PA."""
    said = name_words(job)
    if any(word in _NOT_THE_HEAD for word in said):
        return False
    if any(word in _HEAD_JOBS for word in said):
        return True
    for at, word in enumerate(said):
        after = said[at + 1 :]
        if word == "head" and (
            not after
            or after[0] == "teacher"
            or after[:2] == ["of", "school"]
            or after[:3] == ["of", "the", "school"]
        ):
            return True
    return False


def names_a_head(name: object, head_names: Iterable[str]) -> bool:
    """``name`` could be one of the heads': it has their surname ("Mrs Okonkwo"), or is made
    of words of their name only ("Adaeze")."""
    typed = name_words(name)
    if not typed:
        return False
    for head in head_names:
        theirs = name_words(head)
        if theirs and (theirs[-1] in typed or set(typed) <= set(theirs)):
            return True
    return False
