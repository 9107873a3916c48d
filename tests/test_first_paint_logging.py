"""The log file opens after the first paint (issue 12 §1): what is logged before it is held in
memory and written into the file when it opens; if the file cannot be opened, nothing keeps
piling up in memory."""

from __future__ import annotations

import logging

import pytest

from kuemmerer.logging_setup import hold_early_records, setup_logging


@pytest.fixture
def root_logger():
    """The root logger as it was, restored (and any file closed) after the test."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield root
    for h in root.handlers:
        if h not in handlers:
            h.close()
    root.handlers = handlers
    root.setLevel(level)


def _held(root: logging.Logger) -> list[logging.Handler]:
    return [h for h in root.handlers if type(h).__name__ == "_EarlyRecords"]


def test_what_is_logged_before_the_log_file_opens_ends_up_in_it(tmp_path, root_logger):
    hold_early_records()
    hold_early_records()  # twice (a second start in the same process) holds once
    assert len(_held(root_logger)) == 1
    logging.getLogger("kuemmerer.qt").warning("Qt meldet etwas vor dem ersten Zeichnen")
    logging.getLogger("kuemmerer.ui").debug("zu fein für das Protokoll")
    path = setup_logging(tmp_path / "log")
    logging.getLogger("kuemmerer.ui").info("nach dem Öffnen")
    for h in root_logger.handlers:
        h.flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["Qt meldet etwas vor dem ersten Zeichnen", "nach dem Öffnen"]
    assert "WARNING kuemmerer.qt" in lines[0]
    assert _held(root_logger) == []


def test_a_log_file_that_cannot_be_opened_leaves_nothing_held_in_memory(tmp_path, root_logger):
    hold_early_records()
    (tmp_path / "log").write_text("eine Datei, kein Ordner", encoding="utf-8")
    with pytest.raises(OSError):
        setup_logging(tmp_path / "log")
    assert _held(root_logger) == []


def test_held_records_below_the_log_files_level_are_left_out(tmp_path, root_logger):
    hold_early_records(logging.INFO)
    logging.getLogger("kuemmerer.ui").info("nur eine Auskunft")
    logging.getLogger("kuemmerer.ui").error("ein Fehler")
    path = setup_logging(tmp_path / "log", level=logging.WARNING)
    for h in root_logger.handlers:
        h.flush()
    assert [line.split(": ", 1)[1] for line in path.read_text(encoding="utf-8").splitlines()] == ["ein Fehler"]
