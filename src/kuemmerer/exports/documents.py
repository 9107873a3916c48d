"""One entry for the documents of a referral: the data DTO in, the PDF bytes out."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from kuemmerer.paths import write_atomically

if TYPE_CHECKING:
    from kuemmerer.services.dto import ConsentFormData, ReferralSheet


def referral_pdf(data: ReferralSheet | ConsentFormData) -> bytes:
    """Vermittlungsbogen or Schweigepflichtentbindung, by the kind of ``data``."""
    from kuemmerer.services import dto  # loaded already: it came with ``data``

    buffer = io.BytesIO()
    if isinstance(data, dto.ReferralSheet):
        from .referral_sheet import write_referral_sheet

        write_referral_sheet(data, buffer)
    else:
        from .consent_form import write_consent_form

        write_consent_form(data, buffer)
    return buffer.getvalue()


def save_file(content: bytes, target: Path) -> None:
    """Write to a temporary name beside ``target``, then rename: a half-written PDF never
    replaces a good one."""
    write_atomically(content, target)
