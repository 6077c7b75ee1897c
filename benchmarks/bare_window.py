"""The frozen benchmark's baseline: a bare PySide6 window that quits once shown."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication(sys.argv[:1])
window = QWidget()
window.show()
if sys.stdout is not None:
    print("shown", flush=True)
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
