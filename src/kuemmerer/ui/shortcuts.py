"""Hilfe → Tastenkürzel: every keyboard shortcut the program has, in one table.

The table is written by hand (a shortcut needs a German sentence), but it is checked
against the running window: ``live_shortcuts`` collects the key sequences of every
action, shortcut and button below a widget, and the tests require that each of them is
listed here and that each entry here exists (no invented shortcuts). Keys handled in
``keyPressEvent``/event filters (Enter, Esc in dialogs, arrow keys in search results)
are listed with the place in the code that handles them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget


@dataclass(frozen=True)
class Shortcut:
    keys: str  # portable text, as QKeySequence reads it ("Ctrl+Shift+N")
    where: str
    what: str
    # handled by code, not by an action/shortcut object: not found by live_shortcuts
    handled_in_code: bool = False


SECTIONS_KEYS = tuple(f"Ctrl+{i + 1 if i < 9 else 0}" for i in range(10))

SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("Ctrl+N", "überall", "Besuch erfassen (Sprechstunde: mit Namen oder anonym)"),
    Shortcut("Ctrl+Shift+S", "Hauptfenster", "Strichliste öffnen"),
    Shortcut("Ctrl+Q", "Hauptfenster", "Kümmerer beenden"),
    Shortcut("F1", "Hauptfenster", "Handbuch öffnen (beim Bereich, in dem Sie sind)"),
    Shortcut("Ctrl+L", "überall", "Kümmerer sperren (zum Entsperren das Passwort)"),
    *(Shortcut(keys, "Hauptfenster", f"Bereich „{name}“ öffnen") for keys, name in zip(
        SECTIONS_KEYS, ("Heute", "Personen", "Anliegen", "Vermittlungen", "Partner", "Ehrenamt", "Aktivitäten",
                        "Netzwerk", "Berichte", "Einstellungen"), strict=True)),
    Shortcut("Ctrl+F", "Listen (Personen, Anliegen, Vermittlungen, Partner)", "ins Suchfeld springen"),
    Shortcut("Ctrl+Shift+N", "Personen, Partner", "neu anlegen"),
    Shortcut("Del", "Listen (Personen, Partner, Kontakte einer Person, Besuche unter Heute, Strichliste, "
                    "Einstellungen)",
             "den gewählten Eintrag löschen"),
    Shortcut("F2", "Einstellungen, Listen (Stadtgebiete, Themen, Angebote …)", "den gewählten Eintrag umbenennen"),
    Shortcut("Ctrl+Up", "Einstellungen, Listen", "den gewählten Eintrag nach oben"),
    Shortcut("Ctrl+Down", "Einstellungen, Listen", "den gewählten Eintrag nach unten"),
    Shortcut("Alt+Left", "Strichliste", "einen Tag zurück"),
    Shortcut("Alt+Right", "Strichliste", "einen Tag vor"),
    Shortcut("Esc", "Strichliste", "Fenster schließen"),
    Shortcut("Return", "Eingabemasken", "Speichern (außer in mehrzeiligen Feldern)", handled_in_code=True),
    Shortcut("Ctrl+Return", "Eingabemasken", "Speichern, auch aus einem mehrzeiligen Feld"),
    Shortcut("Esc", "Eingabemasken", "Abbrechen (bei ungespeicherten Änderungen mit Rückfrage)",
             handled_in_code=True),
    Shortcut("Down", "Besuch erfassen, Suchfelder mit Trefferliste", "in die Trefferliste", handled_in_code=True),
    Shortcut("Return", "Besuch erfassen, Trefferliste", "den gewählten Treffer übernehmen", handled_in_code=True),
    Shortcut("Return", "Anliegen, Verlauf", "den gewählten Kontakt bearbeiten", handled_in_code=True),
    Shortcut("Del", "Anliegen, Verlauf", "den gewählten Kontakt löschen", handled_in_code=True),
)


_GERMAN_KEYS = {"Ctrl": "Strg", "Shift": "Umschalt", "Del": "Entf", "Return": "Eingabe", "Left": "Pfeil links",
                "Right": "Pfeil rechts", "Up": "Pfeil hoch", "Down": "Pfeil runter"}


def german(keys: str) -> str:
    """"Ctrl+Shift+N" as printed on a German keyboard: "Strg+Umschalt+N"."""
    return "+".join(_GERMAN_KEYS.get(part, part) for part in keys.split("+"))


def portable(seq: QKeySequence) -> str:
    return seq.toString(QKeySequence.SequenceFormat.PortableText)


def live_shortcuts(root: QObject) -> set[str]:
    """Key sequences (portable text) of every action, QShortcut and button at or below ``root``."""
    found: set[str] = set()
    objects = [root, *root.findChildren(QObject)]
    for obj in objects:
        if isinstance(obj, QAction):
            seqs = obj.shortcuts()
        elif isinstance(obj, QShortcut):
            seqs = [obj.key()]
        elif isinstance(obj, QAbstractButton):
            seqs = [obj.shortcut()]
        else:
            continue
        found.update(portable(s) for s in seqs if not s.isEmpty())
    return found


def shortcuts_html() -> str:
    rows = "".join(
        f"<tr valign='top'><td style='padding:2px 12px 2px 0'><b>{escape(german(s.keys))}</b></td>"
        f"<td style='padding:2px 12px 2px 0'>{escape(s.what)}</td>"
        f"<td style='color:#555'>{escape(s.where)}</td></tr>" for s in SHORTCUTS)
    return ("<table cellspacing='0'><tr><th align='left'>Taste</th><th align='left'>Wirkung</th>"
            f"<th align='left'>Wo</th></tr>{rows}</table>")


class ShortcutsDialog(QDialog):
    """Hilfe → Tastenkürzel."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Tastenkürzel")
        self.text = QTextBrowser()
        self.text.setHtml(shortcuts_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Schließen")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(760, 560)
