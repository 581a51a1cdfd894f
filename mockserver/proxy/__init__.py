"""The HTTP side of holding the emulator against the real service: the recording proxy
(:mod:`.app`), its in-process shadow emulator (:mod:`.shadow`) and the replay server
(:mod:`.replay`). The rules themselves live in :mod:`mockserver.drift`."""
