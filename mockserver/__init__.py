"""autodialer-mock: a stateful emulator of the Autodialer («Автодайлер») REST API."""

__version__ = "0.1.0"
