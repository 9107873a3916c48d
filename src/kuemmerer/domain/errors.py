"""Errors the services raise; their messages are German and shown to the user."""

from __future__ import annotations

from collections.abc import Mapping


class KuemmererError(Exception):
    """Base class for errors whose message may be shown to the user as is."""


class ValidationError(KuemmererError):
    """Bad input: one German message per field name.

    ``errors`` maps a field name (as the service calls it) to a message;
    the key ``""`` holds messages that belong to no single field.
    """

    def __init__(self, errors: Mapping[str, str]):
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in self.errors.items()))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})


class NotFound(KuemmererError):
    """A record that a caller referred to does not exist (any more)."""

    def __init__(self, what: str, ident: object):
        self.what = what
        self.ident = ident
        super().__init__(f"{what} {ident} wurde nicht gefunden.")


class InUse(KuemmererError):
    """A record cannot be deleted because others still refer to it."""


class StorageError(KuemmererError):
    """The database file cannot be used as asked (locked, damaged, on a network path…)."""


class DatabaseLocked(StorageError):
    pass


class NeedsKey(StorageError):
    """The database is encrypted and no key (password or Notfallcode) was given: nothing
    was opened, moved or created."""


class WrongKey(StorageError):
    """The key given does not open the database (a wrong Notfallcode, or a file whose first
    page is damaged — SQLCipher cannot tell the two apart): nothing was moved or created."""


class DatabaseDamaged(StorageError):
    """The file failed its check and was moved aside; ``moved_to`` says where."""

    def __init__(self, message: str, moved_to: str | None = None, newest_backup: str | None = None):
        self.moved_to = moved_to
        self.newest_backup = newest_backup
        super().__init__(message)


class NotADatabase(StorageError):
    """The path is a folder, a device or a foreign file: refused, nothing moved or created."""


class DatabaseUnreadable(StorageError):
    """The file cannot be read (no permission): refused, nothing moved or created."""


class DatabaseReadOnly(StorageError):
    """The file or its folder cannot be written: refused before anything is written, so no
    save can fail halfway (nothing moved or created)."""


class MigrationBlocked(StorageError):
    """The schema could not be brought up to date (e.g. a dangling reference); the file was
    left as it was and ``newest_backup`` names the newest backup that passes its check."""

    def __init__(self, message: str, newest_backup: str | None = None):
        self.newest_backup = newest_backup
        super().__init__(message)
