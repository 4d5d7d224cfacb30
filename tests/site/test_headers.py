"""Security headers (CSP, Permissions-Policy, private caching) and the offline API docs."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles.views import serve
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
# Inline scripts of these types hold data, never code (json_script, Swagger's settings).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict_site_policy(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["connect-src"] == ["'self'", "ws://testserver", "wss://testserver"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def cache_directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.fixture
def catalogue_url(home_page):
    from formations.factories import SessionFactory
    from formations.models import CatalogueIndexPage

    SessionFactory()
    return CatalogueIndexPage.objects.get().url


@pytest.fixture
def communaute_url(db):
    from communautes.factories import CommunauteFactory

    return CommunauteFactory(nom="Accueil des jeunes").get_absolute_url()


class TestContentSecurityPolicy:
    def test_home_page_gets_the_strict_policy(self, client, home_page):
        response = client.get(home_page.url)

        assert response.status_code == 200
        assert_strict_site_policy(response)

    def test_community_page_gets_the_strict_policy(self, client, communaute_url):
        response = client.get(communaute_url)

        assert response.status_code == 200
        assert_strict_site_policy(response)

    def test_catalogue_gets_the_strict_policy(self, client, catalogue_url):
        response = client.get(catalogue_url)

        assert response.status_code == 200
        assert_strict_site_policy(response)

    def test_signed_in_dashboard_gets_the_strict_policy(self, member_client):
        response = member_client.get(reverse("dashboard"))

        assert response.status_code == 200
        assert_strict_site_policy(response)

    def test_error_pages_get_the_strict_policy(self, client, home_page):
        response = client.get("/cette-page-nexiste-pas/")

        assert response.status_code == 404
        assert_strict_site_policy(response)

    def test_wagtail_admin_gets_a_policy_that_allows_its_inline_code(
        self, client, staff_user_totp, mfa_login
    ):
        mfa_login(client, staff_user_totp)

        response = client.get("/admin/")

        assert response.status_code == 200
        directives = policy(response)
        assert "'unsafe-inline'" in directives["script-src"]
        assert "'unsafe-inline'" in directives["style-src"]
        # Page previews are shown in a same-origin frame.
        assert directives["frame-ancestors"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]

    def test_django_admin_gets_the_admin_policy(self, client, staff_user_totp, mfa_login):
        mfa_login(client, staff_user_totp)

        response = client.get("/django-admin/")

        assert response.status_code == 200
        assert "'unsafe-inline'" in policy(response)["script-src"]

    def test_attachment_downloads_keep_their_sandbox(self, rf, settings):
        from django.http import HttpResponse

        from maillage.middleware import SecurityHeadersMiddleware

        def sandboxed(request):
            response = HttpResponse(b"%PDF-1.4")
            response["Content-Security-Policy"] = "default-src 'none'; sandbox"
            return response

        response = SecurityHeadersMiddleware(sandboxed)(rf.get("/communautes/x/pieces/1/"))

        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


class TestPermissionsPolicy:
    @pytest.mark.parametrize("path", ["/", "/api/", "/healthz"])
    def test_every_response_denies_powerful_features(self, client, home_page, path):
        response = client.get(path)

        features = dict(
            item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", feature


class TestCacheControl:
    def test_anonymous_home_page_stays_cacheable(self, client, home_page):
        response = client.get(home_page.url)

        assert response.status_code == 200
        assert not cache_directives(response) & {"private", "no-store"}

    def test_signed_in_pages_are_private(self, member_client, home_page, catalogue_url):
        for url in (home_page.url, reverse("dashboard"), catalogue_url, "/api/"):
            response = member_client.get(url)

            assert response.status_code == 200, url
            assert {"private", "no-store"} <= cache_directives(response), url
            assert "public" not in cache_directives(response), url

    def test_never_cache_directives_are_kept(self, member_client):
        response = member_client.get("/healthz")

        assert {"no-cache", "private", "no-store"} <= cache_directives(response)


class TestOfflineApiDocs:
    def test_docs_reference_no_external_host_and_their_assets_are_served(self, client):
        response = client.get("/api/docs")

        assert response.status_code == 200
        assert_strict_site_policy(response)
        html = response.content.decode()
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), html
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert any(a.endswith(".js") for a in assets)
        assert any(a.endswith(".css") for a in assets)
        factory = RequestFactory()
        for url in assets:
            path = urlsplit(url).path
            assert path.startswith("/static/"), url
            served = serve(factory.get(path), path.removeprefix("/static/"), insecure=True)
            assert served.status_code == 200, url


class _InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, handlers, javascript: URLs."""

    def __init__(self, allow_inline_styles: bool):
        super().__init__(convert_charrefs=True)
        self.allow_inline_styles = allow_inline_styles
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "script" and "src" not in values:
            kind = values.get("type", "").strip().lower()
            if kind not in DATA_SCRIPT_TYPES:
                self.problems.append(f"ligne {line} : <script> en ligne")
        if tag == "style" and not self.allow_inline_styles:
            self.problems.append(f"ligne {line} : <style> en ligne")
        for name, value in values.items():
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"ligne {line} : gestionnaire {name}=")
            if name == "style" and not self.allow_inline_styles:
                self.problems.append(f"ligne {line} : attribut style=")
            if name in URL_ATTRIBUTES and re.sub(r"\s", "", value).lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"ligne {line} : lien javascript:")


def inline_code(source: str, *, allow_inline_styles: bool = False) -> list[str]:
    finder = _InlineCodeFinder(allow_inline_styles)
    finder.feed(source)
    finder.close()
    return finder.problems


def project_templates() -> list[Path]:
    return sorted(
        path
        for path in REPO.glob("*/templates/**/*.html")
        if not {".venv", "node_modules"} & set(path.relative_to(REPO).parts)
    )


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<script type="module">import "x";</script>',
        '<button onclick="go()">Go</button>',
        '<body onload="init()">',
        '<a href=" javascript:void(0)">x</a>',
        '<p style="color: red">x</p>',
        "<style>p { color: red }</style>",
    ],
)
def test_the_scan_catches_inline_code(source):
    assert inline_code(source)


def test_the_scan_accepts_external_scripts_and_json_data():
    source = (
        '<script src="/static/communautes/live.js" defer></script>'
        '<script type="application/json" id="donnees">{"a": 1}</script>'
        '<a href="/communautes/" data-online="1">x</a>'
    )

    assert inline_code(source) == []


def test_no_project_template_carries_inline_code():
    templates = project_templates()
    assert len(templates) > 50
    problems = []
    for path in templates:
        # E-mail clients ignore stylesheets: e-mails keep their inline styles.
        in_email = "emails" in path.parts
        for problem in inline_code(path.read_text(encoding="utf-8"), allow_inline_styles=in_email):
            problems.append(f"{path.relative_to(REPO)} {problem}")
    assert not problems, "\n".join(problems)
