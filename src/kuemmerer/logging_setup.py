"""Log file setup. Logs never contain personal data: SQL parameters are hidden
(``hide_parameters=True``) and services log ids and actions only."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .paths import log_dir, private_dir, private_file

LOG_FILE_NAME = "kuemmerer.log"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file (the current one and each after a rollover) is 0600."""

    def _open(self):
        stream = super()._open()
        private_file(self.baseFilename)
        return stream


def setup_logging(directory: Path | None = None, level: int = logging.INFO) -> Path:
    directory = Path(directory) if directory else log_dir()
    private_dir(directory)  # 0700, an existing one tightened (POSIX)
    path = directory / LOG_FILE_NAME
    for old in directory.glob(LOG_FILE_NAME + "*"):
        private_file(old)
    handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h, logging.handlers.RotatingFileHandler)]
    root.addHandler(handler)
    root.setLevel(level)
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
