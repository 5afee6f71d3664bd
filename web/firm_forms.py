"""A firm applies through a form (the admin approves it), then edits or deletes its profile
through its private link. Every answer here depends on the session (CSRF tokens in the forms),
so none is conditional (see conditional.PRIVATE_BLUEPRINTS)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_babel import gettext, lazy_gettext
from pydantic import ValidationError

from core.errors import ConfigError
from firms.applications import Applications, slug
from firms.location import CANTONS
from firms.profiles import Firm
from firms.store import FirmStore
from firms.suggest import with_suggested_topics

from .firm_links import ExpiredLink, check, send_link
from .labels import taxonomy_status
from .mail import MailError
from .ratelimit import rate_limit
from .tokens import InvalidToken

bp = Blueprint("firm_forms", __name__)

APPLICATIONS_PER_HOUR = 5  # per client address
LINKS_PER_DAY = 3  # new links sent to one firm
FIELDS = ("name", "description", "topics", "canton", "size", "interests", "email", "public")
SIZES = {"micro": lazy_gettext("Micro"), "small": lazy_gettext("Pequeña"),
         "medium": lazy_gettext("Mediana"), "large": lazy_gettext("Grande")}
INTERESTS = {"funding_call": lazy_gettext("Convocatorias de financiamiento"),
             "tender": lazy_gettext("Licitaciones")}


@bp.app_template_filter("firm_size")
def firm_size(size: str) -> str:
    return str(SIZES.get(size, size))


def applications() -> Applications:
    return Applications(Path(current_app.config["DATA_DIR"]) / FirmStore.filename)


def posted_profile(firm_id: str) -> dict:
    """The form as the profile's fields (what the visitor typed, for showing it again)."""
    form = request.form
    return {"id": firm_id, "name": form.get("name", "").strip(),
            "description": form.get("description", "").strip(),
            "topics": form.getlist("topics"), "canton": form.get("canton", "").strip(),
            "size": form.get("size", ""), "interests": form.getlist("interests"),
            "email": form.get("email", "").strip(), "public": form.get("public") == "1"}


def validate(values: dict) -> tuple[Firm | None, dict[str, str]]:
    """The profile, or the errors by field, in the visitor's language."""
    taxonomy, _ = taxonomy_status()
    slugs = set(taxonomy.slugs) if taxonomy else set()
    try:
        return Firm.model_validate(values, context={"topics": slugs}), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "name"
            errors.setdefault("name" if field == "id" else field, _message(field, error))
        return None, errors


def _message(field: str, error: dict) -> str:
    kind, limits = error["type"], error.get("ctx") or {}
    if field == "email":
        return gettext("Escriba una dirección de correo válida, como nombre@empresa.cr.")
    if kind in ("missing", "literal_error"):
        return gettext("Elija una opción.") if field == "size" else gettext("Este campo es obligatorio.")
    if kind == "string_too_short":
        if limits.get("min_length", 1) <= 1:
            return gettext("Este campo es obligatorio.")
        return gettext("Escriba al menos %(num)s caracteres.", num=limits["min_length"])
    if kind == "string_too_long":
        return gettext("Escriba como máximo %(num)s caracteres.", num=limits["max_length"])
    if kind == "too_short":
        return gettext("Elija al menos una opción.")
    if field == "topics":
        return gettext("Elija temas de la lista.")
    return gettext("Valor no válido.")


def suggested(values: dict) -> dict:
    """The values with the topics the description shows checked (the visitor can change them)."""
    if len(values["description"]) < 20:
        return values
    probe = Firm.model_construct(**{**values, "topics": ()})
    return {**values, "topics": list(with_suggested_topics([probe])[0].topics)}


def form_page(template: str, values: dict, errors: dict | None = None, status: int = 200, **extra):
    taxonomy, _ = taxonomy_status()
    return render_template(template, values=values, errors=errors or {},
                           topics=taxonomy.topics if taxonomy else [],
                           cantons=CANTONS, sizes=SIZES, interests=INTERESTS, **extra), status


EMPTY = {"name": "", "description": "", "topics": [], "canton": "", "size": "", "interests": [],
         "email": "", "public": True}


@bp.route("/firms/apply", methods=["GET", "POST"])
def apply():
    if request.method == "GET":
        return form_page("firms/apply.html", EMPTY)
    values = posted_profile(slug(request.form.get("name", "")))
    if request.form.get("action") == "suggest":
        return form_page("firms/apply.html", suggested(values))
    address = request.remote_addr or "?"
    if rate_limit().exceeded("firm-apply", address, APPLICATIONS_PER_HOUR, 3600):
        return form_page("firms/apply.html", values, {"form": gettext(
            "Demasiadas solicitudes desde esta dirección. Inténtelo de nuevo en una hora.")}, 429)
    if not values["topics"]:
        values = suggested(values)
    firm, errors = validate(values)
    if firm is None:
        return form_page("firms/apply.html", values, errors)  # 200: the page is the answer
    rate_limit().hit("firm-apply", address)
    applications().submit(firm)
    return render_template("firms/message.html", title=gettext("Solicitud recibida"), message=gettext(
        "Gracias. La administración del observatorio revisará la solicitud; cuando la apruebe, "
        "recibirá en %(email)s un enlace privado para ver y editar su perfil.", email=firm.email))


def _firm_with_link(firm_id: str, token: str) -> Firm:
    """The firm the link was made for, or the expired-link page, or 404 (altered, another firm's)."""
    firm = FirmStore(Path(current_app.config["DATA_DIR"]) / FirmStore.filename).get(firm_id, private=True)
    try:
        check(firm_id, token)
    except ExpiredLink:
        if firm is not None:
            abort(make_response(render_template("firms/expired.html", firm_id=firm_id), 410))
        abort(404)
    except InvalidToken:
        abort(404)
    if firm is None:
        abort(404)
    return firm


@bp.route("/firms/<firm_id>/edit/<token>", methods=["GET", "POST"])
def edit(firm_id: str, token: str):
    firm = _firm_with_link(firm_id, token)
    store = applications()
    if request.method == "GET":
        return form_page("firms/edit.html", firm.model_dump(), firm=firm, token=token,
                         weekly=firm.id in {f.id for f in store.weekly()})
    values, weekly = posted_profile(firm.id), request.form.get("weekly") == "1"
    if request.form.get("action") == "suggest":
        return form_page("firms/edit.html", suggested(values), firm=firm, token=token, weekly=weekly)
    if not values["topics"]:
        values = suggested(values)
    saved, errors = validate(values)
    if saved is None:
        return form_page("firms/edit.html", values, errors, firm=firm, token=token, weekly=weekly)
    store.save([saved])
    store.set_weekly(saved.id, weekly)
    return form_page("firms/edit.html", saved.model_dump(), firm=saved, token=token, weekly=weekly,
                     notice=gettext("Perfil guardado."))


@bp.post("/firms/<firm_id>/delete/<token>")
def delete(firm_id: str, token: str):
    firm = _firm_with_link(firm_id, token)
    applications().delete(firm.id)
    return render_template("firms/message.html", title=gettext("Perfil borrado"), message=gettext(
        "El perfil de %(name)s y sus coincidencias se han borrado del observatorio.", name=firm.name))


@bp.post("/firms/<firm_id>/new-link")
def new_link(firm_id: str):
    """Send a fresh link to the firm's own address (the same answer whether the firm exists)."""
    firm = applications().get(firm_id, private=True)
    if firm is not None and not rate_limit().exceeded("firm-link", firm.id, LINKS_PER_DAY, 86400):
        rate_limit().hit("firm-link", firm.id)
        try:
            send_link(firm)
        except (MailError, ConfigError):
            current_app.logger.exception("could not send a new link to firm %s", firm.id)
    return render_template("firms/message.html", title=gettext("Enlace enviado"), message=gettext(
        "Si el perfil existe, enviamos un enlace nuevo a la dirección de correo registrada en él."))
