"""Small numbers in the governors' report: what is shown instead of a count that could point
to a child.

The rules (the governors' report states them in plain words too):

1. **Primary.** In a breakdown by pupil group — year group, class, SEN / pupil premium /
   looked after, or per pupil — every count from 0 to 2 is shown as "fewer than 3". Zero
   is shown so too: were zeros printed as 0, "fewer than 3" would mean 1 or 2 and two of
   them beside a published total could be worked out.
2. **Secondary.** The whole-school total of a breakdown is published elsewhere in the
   report, so when exactly one cell of a breakdown is "fewer than 3", it could be worked
   out by subtraction: the smallest other cell is hidden too, as "not shown".
3. **Counts of pupils** (how many pupils were held, how many had 3 or more incidents) of 1
   or 2 are shown as "fewer than 3"; 0 is shown as 0 (no child is pointed to).
4. **A part of a whole** (pupils with SEN among the pupils held) is hidden when it, or the
   rest of the whole, is 1 or 2: "fewer than 3", or "not shown" when the part itself is
   larger (the rest would give it away).

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
    if is_small(part):
        return FEWER
    if is_small(whole - part):
        return NOT_SHOWN
    return f"{part:,}"


def breakdown(counts: Mapping[str, int]) -> dict[str, str]:
    """Each key's count as shown, by rules 1 and 2, in the order given."""
    shown = {key: (FEWER if n < SMALL else f"{n:,}") for key, n in counts.items()}
    hidden = [key for key, n in counts.items() if n < SMALL]
    if len(hidden) == 1:
        others = [key for key in counts if key not in hidden]
        if others:
            smallest = min(others, key=lambda key: counts[key])
            shown[smallest] = NOT_SHOWN
    return shown
