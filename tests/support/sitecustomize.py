"""Loaded by every Python process the test suite starts (tests/conftest.py puts this folder
on PYTHONPATH): cheap key slots, as in the suite itself. The installed program has no such
switch; only code placed on its path can lower the cost, and whoever can do that can replace
the program anyway.
"""

from safedesk.store import crypto

crypto.allow_weak_kdf("a process started by the test suite")
