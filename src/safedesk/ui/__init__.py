"""The PySide6 desktop interface: windows, forms and models. Calls services only."""
