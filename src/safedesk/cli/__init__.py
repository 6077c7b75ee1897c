"""safedesk-admin: headless administration. Command names, flags and exit codes are a contract."""

from safedesk.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED_CHECK,
    EXIT_LOCKED,
    EXIT_NOT_ALLOWED,
    EXIT_OK,
    FAST_KDF_ENV,
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    RECOVERY_ENV,
)
from safedesk.cli.main import main

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED_CHECK",
    "EXIT_LOCKED",
    "EXIT_NOT_ALLOWED",
    "EXIT_OK",
    "FAST_KDF_ENV",
    "NEW_PASSWORD_ENV",
    "PASSWORD_ENV",
    "RECOVERY_ENV",
    "main",
]
