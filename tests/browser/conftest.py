"""Browser fixtures: the system Chromium driven by Playwright, and axe-core for accessibility."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = ("serious", "critical")


def _require(path: Path, hint: str, strict: bool) -> None:
    """Fail in CI mode, skip locally; never download a browser or a package from here."""
    if path.exists():
        return
    message = f"{path} est introuvable ({hint})"
    if strict:
        pytest.fail(message)
    pytest.skip(message)


# Module scope: Playwright's sync API keeps an event loop running in this thread until it
# stops, and the asyncio tests that run after the browser tests need the thread free again.
@pytest.fixture(scope="module")
def chromium(strict_services):
    _require(CHROMIUM, "installez le paquet Debian chromium", strict_services)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium):
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


@pytest.fixture(scope="session")
def axe_source(strict_services) -> str:
    _require(AXE, "lancez `npm install` à la racine du dépôt", strict_services)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def assert_no_serious_a11y_violation(axe_source):
    """Run axe-core on the current page; fail on any serious or critical violation."""

    def check(page, label: str) -> list:
        # Evaluated through the DevTools protocol: the site's CSP forbids an inline <script>.
        page.evaluate("() => {\n" + axe_source + "\n}")
        results = page.evaluate("async () => await axe.run(document)")
        assert results["passes"], f"axe-core n'a rien vérifié sur {page.url}"
        blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        report = "\n".join(
            f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})\n"
            + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"])
            for v in blocking
        )
        assert not blocking, f"axe-core, page « {label} » ({page.url}) :\n{report}"
        return results["violations"]

    return check
