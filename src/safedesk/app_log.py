"""The one log: a rotating file in the data folder's ``logs`` folder, with nothing secret in it.

What ran (start-up, version, tasks with their timings, sign-in outcomes), and every unexpected
error with its stack. Never a name, a record's words, a password, a key or a UPN: an
exception's *message* is never written (ours may name someone; Python's and SQLite's often
quote what was typed: ``invalid literal for int(): 'Smith'``, ``no such column: Smith``), only
its type and the frames of its stack; and a logged argument is written only when it is of a
kind that cannot hold words (a number, a date, an exception's type name) or marked ``safe()``
by the code that logs it. No Qt here: the app and safedesk-admin both set it up.
"""

from __future__ import annotations

import datetime
import enum
import errno
import faulthandler
import logging
import logging.handlers
import os
import platform
import sys
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from safedesk import __version__
from safedesk.paths import DataPaths

LOG_NAME = "safedesk.log"
FAULTS_NAME = "faults.log"  # a hard crash (in Qt or SQLite): the Python frames of each thread
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger("safedesk")
HIDDEN = "<hidden>"


class safe(str):  # noqa: N801 - reads as a marker at the call site: log.info("%s", safe(x))
    """A string its logger vouches for (an id, a task's name): written as it is."""

    __slots__ = ()


# --- what may be written --------------------------------------------------------------------


def _exception_type_names() -> set[str]:
    names: set[str] = set()
    todo: list[type[BaseException]] = [BaseException]
    while todo:
        cls = todo.pop()
        if cls.__name__ not in names:
            names.add(cls.__name__)
            todo.extend(cls.__subclasses__())
    return names


def _safe_value(value: Any, depth: int = 0) -> Any:
    """``value`` if it cannot hold anyone's words, else a placeholder naming its kind."""
    if value is None or isinstance(value, bool | int | float | safe):
        return value
    if isinstance(value, enum.Enum | datetime.date | datetime.time | datetime.timedelta):
        return value
    if isinstance(value, type):
        return value.__qualname__
    if isinstance(value, str):
        # Type names are logged as `type(exc).__name__` across the code: those stay.
        return value if value in _exception_type_names() else HIDDEN
    if isinstance(value, list | tuple | set | frozenset) and depth < 2:
        return [_safe_value(item, depth + 1) for item in value]
    return f"<{type(value).__name__} hidden>"


def safe_message(msg: object, args: Any) -> str:
    """The record's message with every argument that might hold words replaced."""
    if not isinstance(msg, str):
        return f"<{type(msg).__name__} hidden>"
    if not args:
        return msg
    if isinstance(args, Mapping):
        cleaned: Any = {key: _safe_value(value) for key, value in args.items()}
    else:
        cleaned = tuple(_safe_value(value) for value in args)
    try:
        return str(msg % cleaned)
    except (TypeError, ValueError, KeyError):
        return f"{msg} [arguments hidden]"


def _short_path(filename: str) -> str:
    """From the package down (``safedesk/ui/tasks.py``): no install folder or account name."""
    parts = Path(filename).parts
    for anchor in ("safedesk", "site-packages", "lib"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[index if anchor == "safedesk" else index + 1 :])
    return Path(filename).name


def _describe(exc: BaseException) -> str:
    """The type, and what is known to hold no words: an OS error's code, SQLite's code name."""
    cls = type(exc)
    name = (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )
    extra = []
    code = getattr(exc, "errno", None)
    if isinstance(exc, OSError) and isinstance(code, int):
        extra.append(errno.errorcode.get(code, str(code)))
    sqlite_name = getattr(exc, "sqlite_errorname", None)
    if isinstance(sqlite_name, str) and sqlite_name.isidentifier():
        extra.append(sqlite_name)
    try:
        has_message = bool(exc.args)
    except Exception:
        has_message = True
    if has_message:
        extra.append("message not logged")
    return f"{name} ({', '.join(extra)})" if extra else name


def describe_exception(exc: BaseException) -> str:
    """Like a Python traceback, chained causes included, but with no exception's message."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    how = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, how))
        if current.__cause__ is not None:
            current, how = (
                current.__cause__,
                "The above exception was the direct cause of the following exception:",
            )
        elif current.__context__ is not None and not current.__suppress_context__:
            current, how = (
                current.__context__,
                "During handling of the above exception, another exception occurred:",
            )
        else:
            current = None
    lines: list[str] = []
    for index, (one, _how) in enumerate(reversed(chain)):
        if index:
            lines += ["", chain[len(chain) - index][1], ""]
        lines += _frames(one)
    return "\n".join(lines)


def _frames(exc: BaseException, indent: str = "") -> list[str]:
    lines = [f"{indent}Traceback (most recent call last):"]
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(
            f'{indent}  File "{_short_path(frame.filename)}", line {frame.lineno}, in {frame.name}'
        )
        if frame.line:
            lines.append(f"{indent}    {frame.line}")
    lines.append(f"{indent}{_describe(exc)}")
    if isinstance(exc, BaseExceptionGroup) and len(indent) < 8:
        for number, inner in enumerate(exc.exceptions, 1):
            lines.append(f"{indent}  +- {number} -")
            lines += _frames(inner, indent + "  | ")
    return lines


def _exc_value(exc_info: Any) -> BaseException | None:
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple) and len(exc_info) == 3:
        value = exc_info[1]
        return value if isinstance(value, BaseException) else None
    return None


class Redact(logging.Filter):
    """On every handler that writes somewhere (the log file, safedesk-admin's console):
    the message is rebuilt from safe arguments only, an exception is written by its type and
    stack. The record is changed in place, so any handler after this one sees the same."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "_safedesk_redacted", False):
            record.msg = safe_message(record.msg, record.args)
            record.args = ()
            exc = _exc_value(record.exc_info)
            record.exc_text = describe_exception(exc) if exc is not None else None
            record._safedesk_redacted = True
        return True


class RedactingFormatter(logging.Formatter):
    """Belt and braces: even a record that missed the filter gets no exception message."""

    def formatException(self, ei: Any) -> str:
        exc = _exc_value(ei)
        return describe_exception(exc) if exc is not None else ""


# --- the file -------------------------------------------------------------------------------


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Each log file is made owner-only (0600 on POSIX, whatever the umask), like the store's."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        """A log that cannot be written (a full disk, a rotation another process holds up)
        never stops the work, nor prints the record anywhere else."""


_handler: PrivateRotatingFileHandler | None = None
_faults: IO[str] | None = None


def log_folder(paths: DataPaths) -> Path:
    return paths.logs


def log_file(paths: DataPaths, name: str = LOG_NAME) -> Path:
    return paths.logs / name


def setup(
    paths: DataPaths, program: str, *, name: str = LOG_NAME, faults: bool = False
) -> Path | None:
    """Log ``program``'s run (``app``, ``demo``, ``safedesk-admin``) to the data folder's
    ``logs/<name>`` from now on; ``faults`` also writes a hard crash's frames to
    ``faults.log`` there. Returns the log folder (the app shows it in its error messages),
    or None if it cannot be written: safedesk then runs without a log."""
    global _handler, _faults
    stop()
    folder = log_folder(paths)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = PrivateRotatingFileHandler(
            log_file(paths, name), maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        return None
    handler.addFilter(Redact())
    handler.setFormatter(RedactingFormatter(FORMAT))
    handler.setLevel(logging.INFO)
    log.addHandler(handler)
    if log.level == logging.NOTSET or log.level > logging.INFO:
        log.setLevel(logging.INFO)
    _handler = handler
    if faults:
        try:
            fd = os.open(folder / FAULTS_NAME, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError:
            pass
        else:
            _faults = os.fdopen(fd, "a", encoding="utf-8")
            faulthandler.enable(_faults, all_threads=True)
    log.info(
        "safedesk %s started (%s; Python %s; %s)",
        safe(__version__),
        safe(program),
        safe(platform.python_version()),
        safe(sys.platform),
    )
    return folder


def stop() -> None:
    """Close the log (the end of a run, or a test)."""
    global _handler, _faults
    if _faults is not None:
        if sys.__stderr__ is not None:
            faulthandler.enable(sys.__stderr__, all_threads=True)
        else:
            faulthandler.disable()
        _faults.close()
        _faults = None
    if _handler is not None:
        log.removeHandler(_handler)
        _handler.close()
        _handler = None


def current_folder() -> Path | None:
    """Where the log is being written, if it is."""
    return Path(_handler.baseFilename).parent if _handler is not None else None


def log_files(folder: Path) -> Iterable[Path]:
    return sorted(p for p in folder.glob("*") if p.is_file())


def log_unexpected(
    what: str, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """An error nothing caught (the excepthooks): its type and stack, never its message."""
    log.error("unexpected error %s", safe(what), exc_info=(exc_type, exc, tb))
