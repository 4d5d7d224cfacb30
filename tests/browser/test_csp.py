"""Pages keep working under their Content-Security-Policy, with no request leaving the site."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSP_VIOLATION_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched_page(browser_context, live_server):
    """A page that records CSP violations and every host it sends a request to."""
    browser_context.add_init_script(CSP_VIOLATION_RECORDER)
    page = browser_context.new_page()
    page.csp_console = []
    page.hosts = set()
    page.on(
        "console",
        lambda message: (
            page.csp_console.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("request", lambda request: page.hosts.add(urlsplit(request.url).netloc))
    return page


def assert_no_violation(page) -> None:
    assert page.evaluate("window.__cspViolations") == []
    assert page.csp_console == []


def test_api_docs_render_offline_under_the_site_policy(live_server, watched_page):
    watched_page.goto(f"{live_server.url}/api/docs")

    watched_page.wait_for_selector(".swagger-ui .info .title")
    assert "API Maillage" in watched_page.inner_text(".swagger-ui .info .title")
    # The operations come from our OpenAPI document, fetched under connect-src 'self'.
    watched_page.wait_for_selector(".opblock-summary-path")
    assert_no_violation(watched_page)
    assert watched_page.hosts == {urlsplit(live_server.url).netloc}


def test_wagtail_admin_works_under_the_admin_policy(
    live_server, watched_page, staff_user_totp, mfa_login
):
    client = mfa_login(Client(), staff_user_totp)
    watched_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    watched_page.goto(f"{live_server.url}/admin/")

    watched_page.wait_for_selector("main")
    assert watched_page.url == f"{live_server.url}/admin/"
    # The sidebar's menu is drawn by Wagtail's scripts: it is there only if they ran.
    watched_page.wait_for_selector(".sidebar-main-menu")
    assert_no_violation(watched_page)


def test_site_pages_of_a_member_run_without_violation(
    live_server, watched_page, verified_user, home_page
):
    client = Client()
    client.force_login(verified_user)
    watched_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    for path in ("/", reverse("dashboard"), f"{reverse('recherche')}?q=accueil"):
        watched_page.goto(f"{live_server.url}{path}")
        watched_page.wait_for_load_state("load")
        assert_no_violation(watched_page)
    assert watched_page.hosts == {urlsplit(live_server.url).netloc}
