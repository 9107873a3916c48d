"""One running instance per database file: an OS-level lock on ``<db>.lock``.

The operating system releases the lock when the process ends, even by a crash,
so a stale lock file never blocks the next start. The lock belongs to the real file
(symlinks resolved), so a second start through a link is refused as well. The PID in
the file is only a hint for people: when it cannot be written (disk full) the lock
still holds and the start goes on.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kuemmerer.domain.errors import DatabaseLocked, StorageError
from kuemmerer.paths import PRIVATE_FILE_MODE, private_db_folder, private_file, real_path, storage_problem


class InstanceLock:
    def __init__(self, db_path: Path):
        self.path = Path(str(real_path(db_path)) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        try:
            private_db_folder(self.path.parent)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        except OSError as exc:
            raise StorageError(
                f"Die Sperrdatei {self.path} lässt sich nicht anlegen. "
                + (storage_problem(exc) or "Bitte prüfen Sie, ob der Ordner beschreibbar ist.")
            ) from None
        private_file(self.path)
        try:
            if sys.platform == "win32":
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise DatabaseLocked(
                "Kümmerer läuft bereits mit dieser Datenbank. Bitte das geöffnete Fenster "
                "verwenden oder es zuerst schließen."
            ) from None
        try:  # unbuffered: a failed write leaves nothing to flush on release
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, str(os.getpid()).encode("ascii"))
        except OSError:  # e.g. disk full: the lock itself holds, the PID is only a hint
            pass
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
