"""Where files live: platformdirs defaults, overrides, and refusal of network paths."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from kuemmerer.domain.errors import StorageError

ENV_DB = "KUEMMERER_DB"
DB_FILE_NAME = "kuemmerer.sqlite"
NETWORK_FILESYSTEMS = {
    "nfs", "nfs4", "cifs", "smbfs", "smb3", "sshfs", "fuse.sshfs", "afs", "9p", "ncpfs",
    "fuse.rclone", "davfs", "fuse.davfs2", "glusterfs", "ceph", "fuse.s3fs",
}
_DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a network drive


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("kuemmerer", appauthor=False, roaming=False))


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("kuemmerer", appauthor=False))


def default_db_path() -> Path:
    return data_dir() / DB_FILE_NAME


def demo_db_path() -> Path:
    """The demo database that ``kuemmerer --demo`` (``make run``) creates and fills."""
    return data_dir() / "demo" / "kuemmerer-demo.sqlite"


def resolve_db_path(cli_value: str | os.PathLike | None) -> Path:
    """``--db`` wins over ``KUEMMERER_DB``, which wins over the platformdirs default."""
    raw = cli_value or os.environ.get(ENV_DB) or default_db_path()
    path = Path(raw).expanduser()
    if is_network_path(path):
        raise StorageError(
            f"Die Datenbank darf nicht auf einem Netzlaufwerk liegen ({path}). "
            "Bitte einen Ordner auf diesem Rechner wählen."
        )
    return real_path(path)


def real_path(path: str | os.PathLike) -> Path:
    """The file a path really names: symlinks (and on Windows junctions, via the final
    path) resolved, so the lock, the backup folder and a restore all meet the same file
    however she reached it."""
    return Path(os.path.realpath(Path(path).expanduser().absolute()))


# -- private files (DESIGN.md §3: files 0600, folders 0700) --------------------------------
# On Windows the user's profile folder already keeps other users out; there is no chmod.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: str | os.PathLike, *, tighten: bool = True) -> Path:
    """Create ``path`` (and missing parents) readable by her only; an existing folder is
    tightened to 0700 when ``tighten`` (only folders Kümmerer owns: data, backup, log)."""
    path = Path(path)
    if os.name != "posix":
        path.mkdir(parents=True, exist_ok=True)
        return path
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is narrowed by the umask only
    if tighten and not missing:
        _tighten(path, PRIVATE_DIR_MODE, stat.S_ISDIR)
    return path


def private_db_folder(folder: str | os.PathLike) -> Path:
    """The folder of a database: created 0700; an existing one is tightened only when it is
    Kümmerer's own data folder (or below it), never a folder she chose, like Dokumente."""
    folder = Path(folder)
    own = real_path(data_dir())
    resolved = real_path(folder)
    return private_dir(folder, tighten=resolved == own or own in resolved.parents)


def private_file(path: str | os.PathLike) -> None:
    """Tighten an existing regular file to 0600 (a missing file, a device like /dev/null
    or a file of another user is left as it is)."""
    if os.name == "posix":
        _tighten(Path(path), PRIVATE_FILE_MODE, stat.S_ISREG)


def create_private_file(path: str | os.PathLike) -> None:
    """Create an empty file that is 0600 from its first moment (fails if it exists)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    os.close(fd)


def fsync_dir(folder: str | os.PathLike) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(content: bytes, target: str | os.PathLike) -> None:
    """Write to a temporary name beside ``target``, sync, then rename: a half-written file
    never replaces a good one, and a failure leaves no temporary file behind. The file is
    readable by her only (0600): what Kümmerer writes out holds residents' data."""
    target = Path(target)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.unlink(missing_ok=True)
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE), "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def _tighten(path: Path, mode: int, is_kind) -> None:
    try:
        st = os.stat(path)
        if is_kind(st.st_mode) and stat.S_IMODE(st.st_mode) != mode and st.st_uid == os.geteuid():
            os.chmod(path, mode)
    except OSError:  # gone meanwhile, or not hers: nothing to tighten
        pass


# -- what to tell her when the medium refuses ------------------------------------------------
DISK_FULL = ("Auf dem Datenträger ist kein Platz mehr frei, deshalb wurde nichts gespeichert. "
             "Bitte schaffen Sie Platz (z. B. den Papierkorb leeren oder große Dateien löschen) "
             "und versuchen Sie es dann noch einmal.")
READ_ONLY = ("Der Datenträger ist schreibgeschützt, deshalb wurde nichts gespeichert. Bitte heben Sie "
             "den Schreibschutz auf (z. B. am USB-Stick) oder kopieren Sie die Datenbank an einen "
             "beschreibbaren Ort und öffnen Sie sie dort.")
NO_PERMISSION = ("Kümmerer darf hier nicht schreiben (fehlende Zugriffsrechte), deshalb wurde nichts "
                 "gespeichert. Bitte lassen Sie die Rechte des Ordners prüfen oder wählen Sie einen "
                 "Ordner, in dem Sie schreiben dürfen.")
IO_ERROR = ("Der Datenträger meldet einen Schreib- oder Lesefehler, deshalb wurde nichts gespeichert. "
            "Bitte prüfen Sie, ob er noch angeschlossen ist, und versuchen Sie es noch einmal.")
_BY_ERRNO = {errno.ENOSPC: DISK_FULL, errno.EROFS: READ_ONLY, errno.EACCES: NO_PERMISSION,
             errno.EPERM: NO_PERMISSION, errno.EIO: IO_ERROR}
if hasattr(errno, "EDQUOT"):
    _BY_ERRNO[errno.EDQUOT] = DISK_FULL
_BY_SQLITE = (("SQLITE_FULL", DISK_FULL), ("SQLITE_READONLY", READ_ONLY), ("SQLITE_PERM", NO_PERMISSION),
              ("SQLITE_IOERR", IO_ERROR))


def _is_sqlite_error(exc: BaseException) -> bool:
    """An error of either SQLite driver: the stdlib's or SQLCipher's (``sqlcipher3``, not
    imported here: only ``db/`` talks to the drivers). SQLCipher's ``Connection.backup``
    raises its errors without ``sqlite_errorname`` (a full disk is only "database or disk is
    full"), so the driver is recognised by the exception's module. ``sqlite3`` is not imported
    for this (the window's first paint does without it): no error of it exists before it is."""
    stdlib_sqlite = sys.modules.get("sqlite3")
    return ((stdlib_sqlite is not None and isinstance(exc, stdlib_sqlite.Error)) or hasattr(exc, "sqlite_errorname")
            or type(exc).__module__.split(".")[0] == "sqlcipher3")


def storage_problem(exc: BaseException) -> str | None:
    """A German message that says what to do, if ``exc`` (or what it wraps: SQLAlchemy's
    ``orig``, a cause or context) is the disk refusing: full, read-only, no permission,
    an I/O error. None for anything else."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _BY_ERRNO:
            return _BY_ERRNO[current.errno]
        if _is_sqlite_error(current):
            name = getattr(current, "sqlite_errorname", "") or ""
            for prefix, message in _BY_SQLITE:
                if name.startswith(prefix):
                    return message
            if "database or disk is full" in str(current):
                return DISK_FULL
        orig = getattr(current, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__]
    return None


def _mount_fs_type(path: Path) -> str | None:
    """File system type of the mount that holds ``path`` (Linux), or None."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    probe = path.absolute()

    def exists(p: Path) -> bool:
        try:  # a name too long for the file system is not there (preflight says so in German)
            return p.exists()
        except OSError:
            return False

    while not exists(probe) and probe != probe.parent:
        probe = probe.parent
    best, best_type = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (str(probe) == mount_point or str(probe).startswith(mount_point.rstrip("/") + "/")) \
                and len(mount_point) > len(best):
            best, best_type = mount_point, parts[2]
    return best_type


def is_network_path(path: Path) -> bool:
    text = str(path)
    if text.startswith(("\\\\", "//")):  # UNC path: \\server\share
        return True
    if sys.platform == "win32":
        import ctypes

        drive = Path(path).absolute().drive
        if drive:
            return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == _DRIVE_REMOTE
        return False
    fs = _mount_fs_type(path)
    return fs is not None and fs.lower() in NETWORK_FILESYSTEMS
