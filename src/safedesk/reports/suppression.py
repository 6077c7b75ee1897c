"""Small numbers in the governors' report: what is shown instead of a count that could point
to a child.

The rules (the governors' report states them in plain words too):

1. **Primary.** In a breakdown by pupil group — year group, class, SEN / pupil premium /
   looked after, or per pupil — every count from 0 to 2 is shown as "fewer than 3". Zero
   is shown so too: were zeros printed as 0, "fewer than 3" would mean 1 or 2 and two of
   them beside a published total could be worked out. A breakdown whose total is 0 is
   shown as 0s: there is nothing to hide.
2. **Secondary.** A breakdown that splits a total (year groups) adds up to a figure
   published elsewhere in the report, so a reader knows the sum of its hidden cells. While
   any hidden cell could then take only one value (the other hidden cells each being 0 to
   2, or, for a cell hidden here, from 3 up to the smallest figure still shown), the
   smallest figure still shown is hidden too, as "not shown". If hiding every cell is not
   enough (every cell 2, say), the whole table is "not shown".
3. **Counts of pupils** (how many pupils were held, how many had 3 or more incidents) of 1
   or 2 are shown as "fewer than 3"; 0 is shown as 0 (no child is pointed to).
4. **A part of a whole** (pupils with SEN among the pupils held) is shown only when both it
   and the rest of the whole are 3 or more; otherwise it is "not shown" (0 included, so that
   the figure is hidden wherever else the report holds it), and 0 only when the whole is 0.

Whole-school counts of records (by type, place, trigger, week, category, urgency) are shown
as they are: they are about the school, not a group smaller than a class.
"""

from __future__ import annotations

from collections.abc import Mapping

SMALL = 3
FEWER = "fewer than 3"
NOT_SHOWN = "not shown"


def is_small(number: int) -> bool:
    return 0 < number < SMALL


def pupils(number: int) -> str:
    """A count of pupils (rule 3)."""
    return FEWER if is_small(number) else f"{number:,}"


def part_of(whole: int, part: int) -> str:
    """``part`` of ``whole`` pupils (rule 4)."""
    if whole == 0:
        return "0"
    if part < SMALL or whole - part < SMALL:
        return NOT_SHOWN
    return f"{part:,}"


def groups(counts: Mapping[str, int], whole: int) -> dict[str, str]:
    """Counts for pupil groups that overlap and do not add up to anything published (SEN,
    pupil premium, looked after), each at most ``whole``: rule 1 alone."""
    if whole == 0:
        return {key: "0" for key in counts}
    return {key: (FEWER if n < SMALL else f"{n:,}") for key, n in counts.items()}


def breakdown(counts: Mapping[str, int]) -> dict[str, str]:
    """Each key's count as shown, by rules 1 and 2, in the order given; the counts add up
    to a total a reader knows."""
    total = sum(counts.values())
    if total == 0:
        return {key: "0" for key in counts}
    if len(counts) == 1:  # the whole total, published anyway
        return {key: f"{n:,}" for key, n in counts.items()}
    small = [key for key, n in counts.items() if n < SMALL]
    # Hidden next, smallest first (the first of equals in the order given).
    rest = sorted((key for key in counts if key not in small), key=lambda key: counts[key])
    secondary: list[str] = []
    while small and not _safe(shown_as(counts, small, secondary), total):
        if len(secondary) == len(rest):
            return {key: NOT_SHOWN for key in counts}
        secondary.append(rest[len(secondary)])
    return shown_as(counts, small, secondary)


def shown_as(counts: Mapping[str, int], small: list[str], secondary: list[str]) -> dict[str, str]:
    return {
        key: FEWER if key in small else NOT_SHOWN if key in secondary else f"{n:,}"
        for key, n in counts.items()
    }


def possible(shown: Mapping[str, str], total: int) -> dict[str, range]:
    """What a reader who knows these rules and the total can tell of each hidden cell: the
    values it could take (for the tests, and to check a table before it is printed)."""
    exact = {
        key: int(words.replace(",", "")) for key, words in shown.items() if words[:1].isdigit()
    }
    if len(exact) == 0 and all(words == NOT_SHOWN for words in shown.values()):
        bounds = {key: (0, total) for key in shown}  # the whole table not shown
    else:
        top = min(exact.values(), default=total)
        bounds = {
            key: (0, SMALL - 1) if words == FEWER else (SMALL, top)
            for key, words in shown.items()
            if key not in exact
        }
    hidden_sum = total - sum(exact.values())
    found = {}
    for key, (low, high) in bounds.items():
        others_low = sum(b[0] for k, b in bounds.items() if k != key)
        others_high = sum(b[1] for k, b in bounds.items() if k != key)
        found[key] = range(
            max(low, hidden_sum - others_high), min(high, hidden_sum - others_low) + 1
        )
    return found


def _safe(shown: Mapping[str, str], total: int) -> bool:
    """Whether every hidden cell could take more than one value."""
    return all(len(values) > 1 for values in possible(shown, total).values())
