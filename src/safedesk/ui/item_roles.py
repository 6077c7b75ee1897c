"""The data roles our models answer beyond Qt's own: defined once, one meaning each."""

from __future__ import annotations

from PySide6.QtCore import Qt

_FIRST = int(Qt.ItemDataRole.UserRole)

OBJECT_ROLE = _FIRST + 1  # the row's own object (an entry, a queue item, a pupil, an event)
SORT_ROLE = _FIRST + 2  # what a column sorts by when its heading is clicked
FILTER_ROLE = _FIRST + 3  # the text a filter box matches
REF_ROLE = _FIRST + 4  # a record's reference
RICH_TEXT_ROLE = _FIRST + 5  # the cell as rich text, for a delegate that draws it
