"""PDF documents (reportlab). No Qt here: the UI runs these off its thread."""
