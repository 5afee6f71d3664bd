"""The application form and its approval in a real headless chromium (Debian's, through
Playwright) against waitress: field errors, the suggested topics, the admin's approval and the
link e-mailed through a real SMTP server."""

from __future__ import annotations

import threading

import pytest

from tests.firms.test_api import seeded  # noqa: F401 - the fixture
from tests.firms.test_web import PASSWORD, link_of
from tests.web.test_browser import CHROMIUM, browser, page, shot  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="scripts/test installs Debian's chromium")


@pytest.fixture
def server(seeded, inbox):  # noqa: F811 - the fixtures imported above
    import waitress

    from web import create_app

    app = create_app({"DATA_DIR": str(seeded), "ADMIN_PASSWORD": PASSWORD})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


def test_apply_fix_the_errors_and_get_approved(server, page, inbox):  # noqa: F811
    page.goto(f"{server}/")
    page.get_by_role("link", name="Registrar su empresa").click()
    page.fill("#name", "Datos del Sur")
    page.fill("#description", "corta")
    page.fill("#email", "no-es-correo")
    page.get_by_role("button", name="Enviar solicitud").click()
    assert page.locator("#description-error").inner_text() == "Escriba al menos 20 caracteres."
    assert "correo válida" in page.locator("#email-error").inner_text()
    assert page.locator("#description").get_attribute("aria-invalid") == "true"
    shot(page, "firm-apply-errors")
    page.fill("#description", "Ciberseguridad para cooperativas: auditorías y pruebas de penetración.")
    page.get_by_role("button", name="Sugerir temas de la descripción").click()
    assert page.locator('input[name=topics][value=cybersecurity]').is_checked()
    page.fill("#email", "hola@datosdelsur.example")
    page.fill("#canton", "Osa")
    page.select_option("#size", "micro")
    page.check('input[name=interests][value=tender]')
    page.press("#email", "Enter")  # sends the form (its default button), not "suggest topics"
    assert page.get_by_role("heading", name="Solicitud recibida").is_visible()

    page.goto(f"{server}/admin/applications")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    assert page.get_by_role("heading", name="Datos del Sur").is_visible()
    shot(page, "firm-applications")
    page.get_by_role("button", name="Aprobar Datos del Sur").click()
    assert "se envió a hola@datosdelsur.example" in page.locator(".notice").inner_text()
    [message] = inbox.messages
    page.goto(server + link_of(message))
    assert page.get_by_role("heading", name="Editar el perfil de Datos del Sur").is_visible()
    page.get_by_role("link", name="Ver su página y sus oportunidades").click()
    assert page.get_by_role("heading", name="Datos del Sur", exact=True).is_visible()
    shot(page, "firm-page")
