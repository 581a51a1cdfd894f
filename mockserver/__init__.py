"""autodialer-mock: a stateful emulator of the Autodialer («Автодайлер») REST API."""

from importlib.metadata import version

# One source: pyproject.toml's version, as installed (CHANGELOG.md's newest heading).
__version__ = version("autodialer-mock")
