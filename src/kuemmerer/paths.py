"""Where files live: platformdirs defaults, overrides, and refusal of network paths."""

from __future__ import annotations

import os
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
    return path.absolute()


def _mount_fs_type(path: Path) -> str | None:
    """File system type of the mount that holds ``path`` (Linux), or None."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    probe = path.absolute()
    while not probe.exists() and probe != probe.parent:
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
