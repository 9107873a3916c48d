"""One running instance per database file: an OS-level lock on ``<db>.lock``.

The operating system releases the lock when the process ends, even by a crash,
so a stale lock file never blocks the next start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from kuemmerer.domain.errors import DatabaseLocked


class InstanceLock:
    def __init__(self, db_path: Path):
        self.path = Path(str(db_path) + ".lock")
        self._fh: TextIO | None = None

    def acquire(self) -> InstanceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")  # noqa: SIM115 (held open while locked)
        try:
            if sys.platform == "win32":
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise DatabaseLocked(
                "Kümmerer läuft bereits mit dieser Datenbank. Bitte das geöffnete Fenster "
                "verwenden oder es zuerst schließen."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
