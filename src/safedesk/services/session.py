"""A signed-in user with an open store: the context every service call takes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from safedesk.domain.clock import Clock
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.people import User
from safedesk.domain.roles import Permission
from safedesk.paths import DataPaths
from safedesk.store import audit
from safedesk.store.db import Connection, Store


@dataclass
class Session:
    paths: DataPaths
    store: Store
    user: User
    clock: Clock

    def audit(
        self,
        conn: Connection,
        action: str,
        *,
        object_type: str | None = None,
        object_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> audit.AuditHead:
        return audit.append(
            conn,
            at=self.clock.now(),
            actor=self.user.username,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=detail,
        )

    def require(self, permission: Permission, doing: str) -> None:
        """Refuse (and audit the refusal) unless the user holds ``permission``."""
        if self.user.can(permission):
            return
        with self.store.write() as conn:
            self.audit(conn, "permission.refused", detail={"permission": permission.value})
        raise PermissionDenied(
            f"Your account ({self.user.roles_label}) is not allowed to {doing}. "
            "Ask your Designated Safeguarding Lead or administrator if you need this."
        )

    @property
    def locked(self) -> bool:
        return self.store.closed

    def lock(self) -> None:
        """Close every connection and wipe the data key (idle lock, sign out)."""
        if not self.store.closed:
            try:
                with self.store.write() as conn:
                    self.audit(conn, "signout")
            finally:
                self.store.close()
