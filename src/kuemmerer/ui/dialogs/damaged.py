"""Die Datenbank ist beschädigt (oder lässt sich nicht aktualisieren): was passiert ist, und
die neueste geprüfte Sicherung mit Datum und Inhalt – mit einem Klick wiederherstellen."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from kuemmerer import APP_TITLE
from kuemmerer.services.maintenance import RecoveryOffer


def describe_offer(offer: RecoveryOffer) -> str:
    persons = "1 Person" if offer.persons == 1 else f"{offer.persons:,} Personen".replace(",", ".")
    return (f"Sicherung vom {offer.taken_at:%d.%m.%Y} um {offer.taken_at:%H:%M} Uhr\n"
            f"Sie enthält {persons}. Was danach eingetragen wurde, fehlt darin.\n"
            f"Datei: {offer.path.name}")


START_EMPTY = 2  # result code of "Mit leerer Datenbank beginnen"


class DamagedDialog(QDialog):
    """Accepted = restore ``offer``; rejected = quit (nothing else happens: no empty database
    is created in place of hers); ``START_EMPTY`` only if ``allow_empty`` (database missing)."""

    def __init__(self, message: str, offer: RecoveryOffer | None, parent: QWidget | None = None, *,
                 allow_empty: bool = False):
        super().__init__(parent)
        self.setWindowTitle(f"{APP_TITLE} – Datenbank kann nicht geöffnet werden")
        self.offer = offer
        layout = QVBoxLayout(self)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        box = QGroupBox("Neueste geprüfte Sicherung" if offer else "Keine Sicherung vorhanden")
        box_layout = QVBoxLayout(box)
        if offer:
            self.offer_label = QLabel(describe_offer(offer))
        else:
            self.offer_label = QLabel("Es gibt keine Sicherung, die die Prüfung besteht. Bitte die beiseitegelegte "
                                      "Datei nicht löschen; eine Fachkraft kann vielleicht noch Daten daraus retten.")
        self.offer_label.setWordWrap(True)
        box_layout.addWidget(self.offer_label)
        if offer:
            hint = QLabel("Ein Klick auf „Diese Sicherung wiederherstellen“ öffnet Kümmerer mit diesem Stand. "
                          "Die beiseitegelegte Datei bleibt erhalten.")
            hint.setWordWrap(True)
            box_layout.addWidget(hint)
        layout.addWidget(box)

        self.buttons = QDialogButtonBox()
        self.restore_button: QPushButton | None = None
        if offer:
            self.restore_button = self.buttons.addButton("Diese Sicherung wiederherstellen",
                                                         QDialogButtonBox.ButtonRole.AcceptRole)
            self.restore_button.setDefault(True)
        self.empty_button: QPushButton | None = None
        if allow_empty:
            self.empty_button = self.buttons.addButton("Mit leerer Datenbank beginnen",
                                                       QDialogButtonBox.ButtonRole.ActionRole)
            self.empty_button.clicked.connect(lambda: self.done(START_EMPTY))
        self.quit_button = self.buttons.addButton("Beenden", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        (self.restore_button or self.quit_button).setFocus()
