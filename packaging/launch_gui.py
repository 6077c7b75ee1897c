"""PyInstaller entry for the desktop app."""

import os
import sys

# A windowed Windows build starts with no console: sys.stdout and sys.stderr are None, and
# the first print (the demo school's folder, a warning) would raise.
if sys.stdout is None:
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
if sys.stderr is None:
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115

from safedesk.app import main

sys.exit(main())
