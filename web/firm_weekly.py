"""The weekly e-mail of a firm's matches, for the firms that ask for it on their edit page.

`observatorio firms send` (run it weekly, e.g. from cron after the Monday digest) e-mails each
such firm, at the address of its own profile, its good matches closing soonest first, as its page
lists them, with a fresh private link. Each message is keyed per firm and ISO week in the outbox,
so a rerun in the same week sends nothing twice. A firm without matches that week gets nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

from flask import render_template
from flask_babel import gettext

from firms.service import Matching
from firms.store import FirmStore
from search.backend import SearchBackend

from .firm_links import token_for
from .firm_pages import CANDIDATES, SHOWN, closing_soonest


def weekly_messages(store: FirmStore, backend: SearchBackend,
                    week: str) -> Iterator[tuple[str, EmailMessage]]:
    """(outbox key, message) for every firm that asked for the e-mail and has matches."""
    matching = Matching(store, backend, private=True)
    for firm in store.weekly():
        matches = closing_soonest(matching.for_firm(firm.id, CANDIDATES))[:SHOWN]
        if not matches:
            continue
        message = EmailMessage()
        message["To"] = firm.email
        message["Subject"] = gettext("Observatorio TIC: oportunidades para %(name)s, semana %(week)s",
                                     name=firm.name, week=week)
        message.set_content(render_template("firms/weekly.txt", firm=firm, matches=matches,
                                            token=token_for(firm.id)))
        yield f"firm-weekly:{week}:{firm.id}", message
