"""PyInstaller entry for the desktop app."""

import sys

from safedesk.app import main

sys.exit(main())
