"""Creating a school and unlocking it: the entry points the app and safedesk-admin use."""

from __future__ import annotations

from safedesk.services.recovery import reset_with_recovery_key
from safedesk.services.setup import Headteacher, NewSchool, create_school, validate_new_user
from safedesk.services.signin import require_store, sign_in

__all__ = [
    "Headteacher",
    "NewSchool",
    "create_school",
    "require_store",
    "reset_with_recovery_key",
    "sign_in",
    "validate_new_user",
]
