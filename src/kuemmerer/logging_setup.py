"""Log file setup. Logs never contain personal data: SQL parameters are hidden
(``hide_parameters=True``) and services log ids and actions only.

``logging.handlers`` (which brings ``socket``, ``pickle``, ``queue``…) is imported by
``setup_logging`` only: the window calls it after its first paint (issue 12 §1), while
``safe_traceback`` and ``log_unexpected`` stay cheap to import."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import log_dir, private_dir, private_file

if TYPE_CHECKING:
    import logging.handlers

LOG_FILE_NAME = "kuemmerer.log"


def private_rotating_file_handler(path: Path, **kwargs) -> logging.handlers.RotatingFileHandler:
    """A ``RotatingFileHandler`` whose every log file (the current one and each after a
    rollover) is 0600."""
    import logging.handlers

    class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
        def _open(self):
            stream = super()._open()
            private_file(self.baseFilename)
            return stream

    return PrivateRotatingFileHandler(path, **kwargs)


class _EarlyRecords(logging.Handler):
    """Holds what is logged before the log file is open (the window paints first); the file
    gets these records when ``setup_logging`` opens it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def hold_early_records(level: int = logging.INFO) -> None:
    """Until ``setup_logging`` runs, keep log records in memory instead of losing them."""
    root = logging.getLogger()
    if not any(isinstance(h, _EarlyRecords) for h in root.handlers):
        root.addHandler(_EarlyRecords())
    root.setLevel(level)


def setup_logging(directory: Path | None = None, level: int = logging.INFO) -> Path:
    import logging.handlers

    root = logging.getLogger()
    early = [h for h in root.handlers if isinstance(h, _EarlyRecords)]
    for held in early:  # first: if the file cannot be opened, nothing piles up in memory
        root.removeHandler(held)
    directory = Path(directory) if directory else log_dir()
    private_dir(directory)  # 0700, an existing one tightened (POSIX)
    path = directory / LOG_FILE_NAME
    for old in directory.glob(LOG_FILE_NAME + "*"):
        private_file(old)
    handler = private_rotating_file_handler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers = [h for h in root.handlers if not isinstance(h, logging.handlers.RotatingFileHandler)]
    root.addHandler(handler)
    root.setLevel(level)
    for held in early:
        for record in held.records:
            if record.levelno >= level:
                handler.handle(record)
    return path


def safe_traceback(exc: BaseException) -> str:
    """The traceback without exception *messages* (they may quote user input):
    file, line and function of each frame, and the exception types of the chain."""
    import traceback

    parts = []
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        parts.append("\n".join(lines) + f"\n{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__ or current.__context__
    return "\n-- caused by --\n".join(reversed(parts))


def log_unexpected(logger: logging.Logger, what: str, exc: BaseException) -> None:
    logger.error("%s\n%s", what, safe_traceback(exc))
