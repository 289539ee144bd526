"""The QPI team portal."""
