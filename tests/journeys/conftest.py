"""Role journeys: a fresh install with the demo, served by uvicorn, walked in Chromium.

A journey starts at `/` and then moves only as a user does: by clicking visible links and
buttons and filling forms. `page.goto` is refused after the first page; the only other way in
is a link read in an e-mail the server sent (`Journey.open_link_from_email`). Every page the
journey crosses goes through axe-core (no serious or critical violation) and leaves a
screenshot under `tests/journeys/shots/<role>/`, kept as a CI artefact.
"""

import email
import email.policy
import re
import threading
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

SHOTS = Path(__file__).resolve().parent / "shots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MAIL_SEPARATOR = re.compile(rb"^-{79}$", re.MULTILINE)
URL = re.compile(r"https?://[^\s<>\"']+")


class GotoRefused(AssertionError):
    """A journey typed a URL instead of following the interface."""


class Journey:
    """One user in one browser context; `step` checks and photographs the current page."""

    def __init__(self, *, context, base_url, role, axe_check, mail_dir):
        self.context = context
        self.page = context.new_page()
        self.base_url = base_url
        self.role = role
        self.axe_check = axe_check
        self.mail_dir = mail_dir
        self.steps: list[dict] = []
        self._typed = self.page.goto
        self._started = False
        self.folder = SHOTS / role
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

        def refuse(url, **kwargs):
            raise GotoRefused(f"{role} : adresse tapée ({url}) — un parcours ne fait que cliquer")

        self.page.goto = refuse

    # -- moving ------------------------------------------------------------------------------

    def start(self, label: str = "accueil") -> None:
        assert not self._started, "un parcours ne commence qu'une fois, à /"
        self._started = True
        self._typed(f"{self.base_url}/")
        self.step(label)

    def open_link_from_email(self, to: str, pattern: str, label: str) -> str:
        """Follow the first link matching `pattern` in the latest e-mail sent to `to`."""
        message = self.latest_email(to)
        body = self.email_text(message)
        links = [u for u in URL.findall(body) if re.search(pattern, u)]
        assert links, f"aucun lien /{pattern}/ dans l'e-mail « {message['Subject']} » :\n{body}"
        link = links[0].rstrip(".,;)")
        assert link.startswith(self.base_url), f"lien d'e-mail hors du site servi : {link}"
        self._typed(link)
        self.step(label)
        return link

    def click(self, name, *, role: str = "link", within: str | None = None, exact=False):
        """Click the first visible link/button with this accessible name."""
        scope = self.page.locator(within) if within else self.page
        target = scope.get_by_role(role, name=name, exact=exact).locator("visible=true").first
        target.click()
        return target

    def follow(self, name, label: str, *, role: str = "link", within=None, exact=False):
        """Click, wait for the next page, then check and photograph it."""
        self.click(name, role=role, within=within, exact=exact)
        self.page.wait_for_load_state("load")
        self.step(label)

    def submit(self, label: str, name=None) -> None:
        """Submit the main form (by its button's name, or the first submit button)."""
        main = self.page.locator("main")
        if name is None:
            main.locator("button[type=submit], input[type=submit]").locator(
                "visible=true"
            ).first.click()
        else:
            main.get_by_role("button", name=name).locator("visible=true").first.click()
        self.page.wait_for_load_state("load")
        self.step(label)

    # -- checking ----------------------------------------------------------------------------

    def step(self, label: str) -> None:
        """axe-core on the current page and a full-page screenshot."""
        self.page.wait_for_load_state("load")
        violations = self.axe_check(self.page, f"{self.role} — {label}")
        number = len(self.steps) + 1
        plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
        shot = self.folder / f"{number:02d}-{slug}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        self.steps.append(
            {"label": label, "url": self.page.url, "shot": shot, "violations": violations}
        )

    def on_phone(self, label: str) -> None:
        """The current page at 390 px wide, checked and photographed, then back to desktop."""
        self.page.set_viewport_size(PHONE)
        try:
            self.step(f"{label} (téléphone)")
        finally:
            self.page.set_viewport_size(DESKTOP)

    # -- e-mail ------------------------------------------------------------------------------

    def emails(self, to: str | None = None) -> list:
        """E-mails the server sent (oldest first), optionally only those sent to `to`."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in MAIL_SEPARATOR.split(path.read_bytes()):
                if chunk.strip():
                    messages.append(
                        email.message_from_bytes(chunk.strip(), policy=email.policy.default)
                    )
        if to is not None:
            messages = [m for m in messages if to in str(m.get("To", ""))]
        return messages

    def latest_email(self, to: str):
        messages = self.emails(to)
        assert messages, f"aucun e-mail envoyé à {to}"
        return messages[-1]

    @staticmethod
    def email_text(message) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""

    # -- session -----------------------------------------------------------------------------

    def log_in(self, login: str, password: str, label: str = "connecté") -> None:
        """Through the header's « Se connecter », as a returning user does."""
        self.follow(re.compile(r"^Se connecter$"), "connexion", within="header")
        self.page.fill("[name=login]", login)
        self.page.fill("[name=password]", password)
        self.submit(label)


@pytest.fixture
def journey_files(tmp_path):
    mail_dir = tmp_path / "courriels"
    media = tmp_path / "media"
    mail_dir.mkdir()
    media.mkdir()
    return {"mail": mail_dir, "media": media}


@pytest.fixture
def live_site_env(journey_files) -> dict:
    return {
        "MAILLAGE_LIVE_MAIL_DIR": str(journey_files["mail"]),
        "MAILLAGE_LIVE_MEDIA_ROOT": str(journey_files["media"]),
    }


@pytest.fixture
def demo_install(home_page, journey_files, settings):
    """A fresh install: migrations (the test database) then `manage.py demo`, its files on the
    disk the server reads."""
    settings.MEDIA_ROOT = str(journey_files["media"])
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from wagtail.models import Collection

    # Made by a migration, emptied by the flush after a previous transactional test.
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    errors = []

    def load() -> None:
        # Off the test thread, where Playwright's event loop runs (the demo's after-commit
        # broadcasts call async_to_sync).
        try:
            call_command("demo", force=True, stdout=StringIO(), stderr=StringIO())
        except BaseException as error:  # noqa: BLE001 - re-raised in the test thread
            errors.append(error)
        finally:
            connections.close_all()

    loader = threading.Thread(target=load)
    loader.start()
    loader.join()
    if errors:
        raise errors[0]


@pytest.fixture
def journey(demo_install, live_url, chromium, assert_no_serious_a11y_violation, journey_files):
    """`journey(role)` opens a browser context for one user of the demo site."""
    contexts = []

    def open_journey(role: str, *, viewport: dict = DESKTOP) -> Journey:
        context = chromium.new_context(locale="fr-FR", viewport=viewport, accept_downloads=True)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return Journey(
            context=context,
            base_url=live_url,
            role=role,
            axe_check=assert_no_serious_a11y_violation,
            mail_dir=journey_files["mail"],
        )

    yield open_journey
    for context in contexts:
        context.close()
