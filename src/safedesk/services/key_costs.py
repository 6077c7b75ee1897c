"""The cost of turning a password into a key, as the services take it.

Screens pass it through (tests choose a fast one); they never reach into the store for it.
"""

from __future__ import annotations

from safedesk.store.crypto import KdfParams

__all__ = ["KdfParams"]
