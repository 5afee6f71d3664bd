"""A firm's private link: signed for its id with the purpose "edit-firm", valid for a week.

The link opens the firm's edit page, and, as `?token=`, its own page, feed and matches API even
when its profile is private. It is only ever sent to the e-mail address of the profile.
"""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext
from itsdangerous import SignatureExpired

from core import clock
from firms.profiles import Firm

from .outbox import Delivery, Outbox
from .tokens import InvalidToken, sign, unsign

PURPOSE = "edit-firm"
MAX_AGE = 7 * 86400


class ExpiredLink(InvalidToken):
    """A link made for this firm that is more than a week old: a new one can be sent."""


def token_for(firm_id: str) -> str:
    return sign(PURPOSE, firm_id)


def check(firm_id: str, token: str | None) -> None:
    """Nothing when `token` is this firm's unexpired link; else InvalidToken (ExpiredLink if
    it was genuine and only too old)."""
    if not token:
        raise InvalidToken("no token")
    try:
        signed_for = unsign(PURPOSE, token, max_age=MAX_AGE)
    except InvalidToken as exc:
        if isinstance(exc.__cause__, SignatureExpired) and unsign(PURPOSE, token) == firm_id:
            raise ExpiredLink("expired") from exc
        raise
    if signed_for != firm_id:
        raise InvalidToken("made for another firm")


def has_access(firm_id: str, token: str | None) -> bool:
    try:
        check(firm_id, token)
    except InvalidToken:
        return False
    return True


def send_link(firm: Firm) -> Delivery:
    """E-mail the firm a fresh link to its edit page, at the address of its profile."""
    token = token_for(firm.id)
    message = EmailMessage()
    message["To"] = firm.email
    message["Subject"] = gettext("Observatorio TIC: el enlace para editar el perfil de %(name)s",
                                 name=firm.name)
    message.set_content(gettext(
        "Hola:\n\nEste es el enlace privado para ver y editar el perfil de %(name)s en el Observatorio "
        "TIC, y ver sus oportunidades:\n\n%(edit)s\n\nSu página, con sus oportunidades: %(page)s\n\n"
        "El enlace vence en 7 días; desde la misma página puede pedir uno nuevo. No lo comparta: "
        "quien lo tenga puede cambiar o borrar el perfil.\n",
        name=firm.name, edit=url_for("firm_forms.edit", firm_id=firm.id, token=token, _external=True),
        page=url_for("firm_pages.page", firm_id=firm.id, token=token, _external=True)))
    key = f"firm-link:{firm.id}:{clock.now().isoformat()}:{hashlib.sha256(token.encode()).hexdigest()[:12]}"
    outbox = Outbox(Path(current_app.config["DATA_DIR"]) / Outbox.filename)
    return outbox.send([(key, message)])
