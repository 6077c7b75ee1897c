"""Exporting a chronology to PDF: permitted like opening it, audited, optionally encrypted.

The document is built in memory and written to a temporary file next to the one the person
chose, named ``.<name>.<random>.partial`` (``.chronology.pdf.k3j9x2ab.partial`` for
``chronology.pdf``), then renamed onto it once complete: a failure or a cancellation leaves
no file, and a crash at most a ``.partial`` one. Never inside safedesk's data folder (a PDF
there would go into every backup, outside the files' encryption). A password must be worth
having: at least 12 characters and not one of the passwords everyone tries first.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from safedesk.domain.chronology import ItemGroup
from safedesk.domain.errors import SafedeskError, ValidationError
from safedesk.reports.pdf_base import Cancelled, Progress, encrypt, page_count
from safedesk.reports.pdf_base import ExportCancelled as ExportCancelled
from safedesk.services.chronology import open_chronology
from safedesk.services.session import Session

MIN_PDF_PASSWORD = 12
PARTIAL_SUFFIX = ".partial"
# The most common passwords (lists of leaked passwords) and the words they are built on,
# compared in lower case without spaces or punctuation, with digits at either end removed.
COMMON_PASSWORD_WORDS = frozenset(
    [
        "password",
        "passw0rd",
        "p4ssw0rd",
        "passwd",
        "qwerty",
        "qwertz",
        "azerty",
        "qwertyuiop",
        "qwertyuiopasdfghjkl",
        "asdfghjkl",
        "zxcvbnm",
        "qazwsx",
        "qazwsxedc",
        "qwer",
        "asdf",
        "letmein",
        "welcome",
        "welcomeback",
        "iloveyou",
        "loveyou",
        "admin",
        "administrator",
        "changeme",
        "default",
        "secret",
        "topsecret",
        "login",
        "monkey",
        "dragon",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "soccer",
        "superman",
        "batman",
        "shadow",
        "master",
        "trustno",
        "master",
        "killer",
        "starwars",
        "whatever",
        "freedom",
        "computer",
        "internet",
        "abc",
        "abcdef",
        "abcdefg",
        "abcdefgh",
        "abcdefghijkl",
        "abcdefghijklmnop",
        "school",
        "teacher",
        "safeguarding",
        "safeguard",
        "safedesk",
        "chronology",
        "official",
        "officialsensitive",
        "sensitive",
        "confidential",
        "private",
        "pdf",
        "pdfpassword",
        "document",
        "childprotection",
        "correcthorsebatterystaple",
        "helloworld",
        "hello",
        "liverpool",
        "chelsea",
        "arsenal",
        "manchester",
        "london",
        "england",
        "summer",
        "winter",
        "spring",
        "autumn",
    ]
)
# Runs of keys or characters anyone would try: a password inside one of these is refused.
_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "zaq12wsxcde34rfvbgt56yhnmju78ik9ol0p",
    "01234567890",
)

# Letters written as symbols or digits ("P@ssw0rd"): read back as the letters.
_SYMBOLS = str.maketrans({"@": "a", "$": "s"})
_DIGITS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})


class ExportFailed(SafedeskError):
    pass


@dataclass(frozen=True)
class ExportResult:
    path: Path
    items: int
    pages: int
    encrypted: bool
    names_other_pupils: bool = False


def pdf_password_problem(password: str) -> str | None:
    """Why ``password`` will not do for a PDF, or None (the form and the service ask this)."""
    if len(password) < MIN_PDF_PASSWORD:
        return f"must be at least {MIN_PDF_PASSWORD} characters"
    plain = re.sub(r"[\W_]+", "", password.casefold().translate(_SYMBOLS))
    core = plain.strip("0123456789")
    if (
        not core
        or core in COMMON_PASSWORD_WORDS
        or core.translate(_DIGITS) in COMMON_PASSWORD_WORDS
        or len(set(plain)) <= 2
        or any(plain in run or plain in run[::-1] for run in _RUNS)
        or _repeats(plain)
    ):
        return "is one of the passwords people try first: choose a few unrelated words"
    return None


def _repeats(text: str) -> bool:
    """One short piece typed over and over ("abcabcabcabc", "passwordpassword")."""
    size = len(text)
    return any(size % n == 0 and text == text[:n] * (size // n) for n in range(1, size // 2 + 1))


def check_password(password: str | None) -> None:
    if password is not None and (problem := pdf_password_problem(password)):
        raise ValidationError({"password": problem})


def check_target(session: Session, target: Path) -> Path:
    """The file to write, refused inside the data folder or where it cannot go."""
    resolved = target.expanduser().resolve()
    data = session.paths.root.expanduser().resolve()
    if _inside(resolved, data):
        raise ValidationError(
            {
                "file": f"{resolved} is inside safedesk's data folder ({data}); a PDF there "
                "would be copied into every backup. Choose another folder"
            }
        )
    if not resolved.parent.is_dir():
        raise ValidationError({"file": f"the folder {resolved.parent} does not exist"})
    if resolved.is_dir():
        raise ValidationError({"file": f"{resolved} is a folder; give a file name"})
    return resolved


def _inside(path: Path, folder: Path) -> bool:
    def norm(p: Path) -> str:
        return os.path.normcase(str(p))

    return norm(path) == norm(folder) or norm(path).startswith(norm(folder) + os.sep)


def export_chronology_pdf(
    session: Session,
    upn: str,
    target: Path,
    *,
    password: str | None = None,
    groups: Iterable[ItemGroup] | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    include_other_pupils: bool = False,
    include_attachments: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    """With ``include_attachments``, its records' attachments follow it (audited)."""
    from safedesk.reports.chronology_pdf import render_chronology  # reportlab: loaded on use

    check_password(password)
    target = check_target(session, target)
    chronology = open_chronology(
        session,
        upn,
        groups=groups,
        first_day=first_day,
        last_day=last_day,
        purpose="exported",
        include_other_pupils=include_other_pupils,
    )
    pdf = render_chronology(chronology, progress=progress, cancelled=cancelled)
    if cancelled is not None and cancelled():
        raise ExportCancelled
    if include_attachments:
        from safedesk.services import attachments

        pdf = attachments.append_to_pdf(session, chronology, pdf)
    pages = page_count(pdf)
    if password:
        pdf = encrypt(pdf, password)
    write_once(target, pdf)
    return ExportResult(
        target, len(chronology.items), pages, bool(password), chronology.other_pupils_named
    )


def write_once(target: Path, data: bytes) -> None:
    """``data`` in ``target``, whole or not at all (written aside, then renamed onto it)."""
    partial = write_partial(target, data)
    publish(partial, target)


def write_partial(target: Path, data: bytes) -> Path:
    """``data`` in a new ``.<name>.<random>.partial`` file beside ``target``, on disk."""
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent
        )
    except OSError as exc:
        raise _failed(target, exc) from None
    partial = Path(name)
    try:
        with open(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _failed(target, exc) from None
        raise
    return partial


def publish(partial: Path, target: Path) -> None:
    """Rename the complete ``partial`` file onto ``target`` (replacing any file there)."""
    try:
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise _failed(target, exc) from None
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); Windows has no folder handle to sync."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY | flags)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _failed(target: Path, exc: OSError) -> ExportFailed:
    return ExportFailed(
        f"Could not write {target.name}: {exc.strerror or exc}. Nothing was saved; "
        "try another folder or free some space."
    )
