"""Optional persistence of the emulator's state (``--db FILE``): SQLite, versioned schema."""

from .persistence import Persistence, attach

__all__ = ["Persistence", "attach"]
