"""The admin: password login, source health and history, run one source now, the taxonomy
status, the scheduler's next and last runs, the firms' applications."""

from __future__ import annotations

import functools
import hmac
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext

from core.clock import now
from core.yamlfile import ConfigError
from crawlers.health import HealthStore
from firms.applications import Applications

from .crawl_jobs import AlreadyRunning, CrawlJobs
from .firm_links import send_link
from .labels import taxonomy_path, taxonomy_status
from .mail import MailError
from .outbox import Outbox
from .ratelimit import rate_limit
from .schedule import Planned, RunLog, Scheduler, jobs_of, load_schedule

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Why a spider read a record and did not index it (`SourceSpider.skip`); others show as they are.
SKIP_REASONS = {
    "no link": lazy_gettext("sin enlace"),
    "no title or text": lazy_gettext("sin título ni texto"),
    "same id as a later record": lazy_gettext("mismo id que un registro posterior"),
}
HISTORY = 20  # runs shown on a source's page
MAX_FAILURES = 5  # wrong passwords from one address within LOCKOUT_SECONDS before it must wait
LOCKOUT_SECONDS = 15 * 60


@bp.before_request
def require_password_configured():
    if not current_app.config.get("ADMIN_PASSWORD"):
        return render_template("admin/disabled.html"), 503
    return None


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not session.get("admin"):
            return redirect(url_for("admin.login", next=request.path))
        return view(*args, **kwargs)
    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, address = None, request.remote_addr or "?"
    if request.method == "POST":
        if rate_limit().exceeded("login", address, MAX_FAILURES, LOCKOUT_SECONDS):
            error = gettext("Demasiados intentos fallidos. Espere 15 minutos.")
        elif hmac.compare_digest(request.form.get("password", "").encode(),
                                 current_app.config["ADMIN_PASSWORD"].encode()):
            rate_limit().clear("login", address)
            session.clear()
            session.permanent = True
            session["admin"] = True
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/admin") else url_for("admin.dashboard"))
        else:
            rate_limit().hit("login", address)
            error = gettext("Contraseña incorrecta.")
    return render_template("admin/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("search.search"))


def crawl_jobs() -> CrawlJobs:
    """The admin's crawl runs, as every worker sees them (in the data directory)."""
    return CrawlJobs(Path(current_app.config["DATA_DIR"]), current_app.config["SEARCH_BACKEND"])


def load_catalogue():
    """The configured sources and None, or an empty list and the error naming file and line."""
    from crawlers.config import default_sources, load_sources

    path = current_app.config.get("SOURCES_FILE") or default_sources()
    try:
        return path, load_sources(path), None
    except ConfigError as exc:
        return path, [], str(exc)


@bp.get("/")
@login_required
def dashboard():
    path, sources, sources_error = load_catalogue()
    store = HealthStore(Path(current_app.config["DATA_DIR"]) / "health.db")
    health = dict(zip([s.id for s in sources], store.health([s.id for s in sources]), strict=True))
    taxonomy, taxonomy_error = taxonomy_status()
    running = {j.source: j for j in crawl_jobs().recent(100) if j.running}
    schedule, schedule_error = planned_jobs(sources)
    outbox = Outbox(Path(current_app.config["DATA_DIR"]) / Outbox.filename)
    return render_template("admin/dashboard.html", sources=sources, health=health, sources_path=path,
                           sources_error=sources_error, taxonomy=taxonomy, taxonomy_error=taxonomy_error,
                           taxonomy_path=taxonomy_path(), jobs=crawl_jobs().recent(), running=running,
                           schedule=schedule, schedule_error=schedule_error,
                           disabled_addresses=outbox.disabled(), in_doubt=outbox.in_doubt())


def planned_jobs(sources: list) -> tuple[list[Planned], str | None]:
    """What `observatorio schedule` runs next, and what it ran last; or the schedule file's error."""
    try:
        config = load_schedule(current_app.config.get("SCHEDULE_FILE"))
    except ConfigError as exc:
        return [], str(exc)
    log = RunLog(Path(current_app.config["DATA_DIR"]) / RunLog.filename)
    return Scheduler(jobs_of(sources, config), config, log).plan(now()), None


@bp.get("/sources/<source_id>")
@login_required
def source(source_id: str):
    """One source: its recent runs, with what each skipped and why, and the last run's errors."""
    _, sources, _ = load_catalogue()
    entry = next((s for s in sources if s.id == source_id), None)
    if entry is None:
        abort(404)
    store = HealthStore(Path(current_app.config["DATA_DIR"]) / "health.db")
    return render_template("admin/source.html", source=entry, health=store.health([source_id])[0],
                           runs=store.runs(source_id, HISTORY), skip_reason=skip_reason)


def skip_reason(reason: str) -> str:
    return str(SKIP_REASONS.get(reason, reason))


@bp.post("/sources/<source_id>/run")
@login_required
def run_source(source_id: str):
    path, sources, _ = load_catalogue()
    if source_id not in {s.id for s in sources}:
        abort(404)
    try:
        job = crawl_jobs().start(source_id, str(path))
    except AlreadyRunning:
        flash(gettext("Esa fuente ya se está rastreando."))
        return redirect(url_for("admin.dashboard"))
    return redirect(url_for("admin.run", job_id=job.id))


@bp.get("/runs/<job_id>")
@login_required
def run(job_id: str):
    job = crawl_jobs().get(job_id)
    if job is None:
        abort(404)
    return render_template("admin/run.html", job=job)


def firm_applications() -> Applications:
    return Applications(Path(current_app.config["DATA_DIR"]) / Applications.filename)


@bp.get("/applications")
@login_required
def applications():
    """The firms that applied through the form, waiting for approval."""
    return render_template("admin/applications.html", pending=firm_applications().pending())


@bp.post("/applications/<firm_id>/approve")
@login_required
def approve(firm_id: str):
    firm = firm_applications().approve(firm_id)
    if firm is None:
        abort(404)
    flash_link_sent(firm, gettext("%(name)s aprobada.", name=firm.name))
    return redirect(url_for("admin.applications"))


@bp.post("/firms/link")
@login_required
def resend_link():
    """Send a firm its edit link again (after a mail failure, or when it lost the e-mail)."""
    firm = firm_applications().get(request.form.get("firm_id", ""), private=True)
    if firm is None:
        abort(404)
    flash_link_sent(firm, "")
    return redirect(url_for("admin.applications"))


def flash_link_sent(firm, done: str) -> None:
    try:
        delivery = send_link(firm)
    except (MailError, ConfigError) as exc:
        flash(f'{done} {gettext("No se pudo enviar su enlace: %(error)s", error=exc)}'.strip())
        return
    if delivery.refused:
        outcome = gettext("El servidor de correo rechazó su enlace: %(error)s",
                          error="; ".join(delivery.refused.values()))
    else:
        outcome = gettext("El enlace privado de %(name)s se envió a %(email)s.", name=firm.name,
                          email=firm.email)
    flash(f"{done} {outcome}".strip())


@bp.post("/applications/<firm_id>/reject")
@login_required
def reject(firm_id: str):
    if not firm_applications().reject(firm_id):
        abort(404)
    flash(gettext("Solicitud rechazada y borrada."))
    return redirect(url_for("admin.applications"))
