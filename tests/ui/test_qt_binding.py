"""The Qt binding the app is locked to survives a long day's work.

PySide6 6.12.0 lost a reference to Python's None on every Qt call that returns nothing; on
Python 3.11 (where None is not immortal) the program aborted with "none_dealloc" after a few
thousand such calls - a morning's typing in a form. Run apart, so an abort is a failure here
rather than the end of the test run.
"""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = 100_000

_PROGRAM = f"""
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for number in range({CALLS}):
    label.setText("x")
    label.setVisible(True)
print("done")
"""


def test_calls_returning_nothing_do_not_wear_out_none() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    ran = subprocess.run(
        [sys.executable, "-c", _PROGRAM], env=env, capture_output=True, text=True, timeout=300
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.strip() == "done"
