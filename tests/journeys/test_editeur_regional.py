"""The regional editor's journey: second factor, this year's programme, a formation and its
session in their région only, an LHEO import with its dry run, indicators and exports."""

import datetime
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from formations.models import FormationPage, ProgrammePage, RegionPage, Session
from maillage.demo.comptes import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

EDITEUR = "julien.moreau@maillage.localhost"  # Auvergne-Rhône-Alpes (site/demo/comptes.py)
REGION = "Auvergne-Rhône-Alpes"
AUTRE_REGION = "Provence-Alpes-Côte d'Azur"
FORMATION = "Accueillir les publics sous main de justice"
LHEO = Path(__file__).resolve().parents[1] / "formations" / "data" / "exemple-onisep-2.2.xml"
LHEO_NUMERO = "9436_18706"
ADRESSE = "4 passage des Éditeurs"
TOTP_PERIOD = 30
# Wagtail's rich-text editor (Draftail) renders a contenteditable whose accessible name
# axe-core cannot compute; the label is Wagtail's own markup, which we cannot change. On
# admin pages everything else, our panels and screens included, is checked.
ADMIN_AXE_EXCLUDE = [".Draftail-Editor"]


@pytest.fixture
def admin_axe(axe_source):
    """The journey's axe check, with Wagtail's rich-text widget left out on admin pages."""

    def wrap(journey):
        site_check = journey.axe_check

        def check(page, label):
            if "/admin/" not in page.url:
                return site_check(page, label)
            # Wagtail's messages fade in: contrast is judged once transitions are over.
            page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
            page.evaluate("() => {\n" + axe_source + "\n}")
            results = page.evaluate(
                "async (exclude) => await axe.run({exclude: exclude.map(s => [s])})",
                ADMIN_AXE_EXCLUDE,
            )
            assert results["passes"], f"axe-core n'a rien vérifié sur {page.url}"
            blocking = [
                f"[{v['impact']}] {v['id']}: {[n['target'] for n in v['nodes']]}"
                for v in results["violations"]
                if v.get("impact") in ("serious", "critical")
            ]
            assert not blocking, f"axe-core, page « {label} » ({page.url}) : {blocking}"
            return results["violations"]

        journey.axe_check = check
        return journey

    return wrap


def main_text(page) -> str:
    """The text of the page's main region, French non-breaking spaces made plain."""
    return page.locator("main").inner_text().replace("\xa0", " ").replace("\u202f", " ")


def next_code(totp_code, secret: str, used: set[int]) -> str:
    """A code of a period not used yet: allauth refuses a code given twice."""
    while int(time.time()) // TOTP_PERIOD in used:
        time.sleep(1)
    used.add(int(time.time()) // TOTP_PERIOD)
    return totp_code(secret)


def choose_formation(page, *region_and_pages: str) -> None:
    """Pick a formation in Wagtail's page chooser, exploring from the catalogue."""
    page.get_by_role("button", name=re.compile("Choisi(ssez|r) une (autre )?page")).click()
    modal = page.locator(".modal-content")
    for title in region_and_pages[:-1]:
        modal.locator("tr", has_text=title).get_by_role("link", name="Explorer").first.click()
    modal.get_by_role("link", name=region_and_pages[-1]).first.click()
    modal.wait_for(state="hidden")


def fill_session(page, *, debut: datetime.date) -> None:
    page.get_by_role("textbox", name="Début").fill(debut.isoformat())
    page.get_by_role("textbox", name="Fin").fill((debut + datetime.timedelta(days=1)).isoformat())
    page.get_by_role("textbox", name="Adresse").fill(ADRESSE)
    page.get_by_role("textbox", name="Code postal").fill("69002")
    page.get_by_role("textbox", name="Ville").fill("Lyon")
    page.get_by_role("spinbutton", name="Nombre de places").fill("15")
    page.keyboard.press("Escape")  # closes the date picker over the form


def test_editeur_regional(journey, admin_axe, totp_code):
    annee = timezone.localdate().year
    programme = f"Programme SPRO {annee}"
    codes_used: set[int] = set()
    j = admin_axe(journey("editeur-regional"))
    page = j.page

    j.start()
    j.log_in(EDITEUR, DEMO_PASSWORD, "tableau de bord")
    assert page.get_by_role("heading", name=re.compile("Bonjour Julien")).is_visible()

    # Editors must set up a second factor the first time they open the admin.
    j.follow("Ouvrir l'administration", "confirmer le mot de passe")
    page.fill("[name=password]", DEMO_PASSWORD)
    j.submit("activer la double authentification")
    assert "/comptes/2fa/totp/activate/" in page.url
    secret = page.input_value("#authenticator_secret")
    page.fill("[name=code]", next_code(totp_code, secret, codes_used))
    j.submit("codes de récupération", name="Activer")
    assert "Application d'authentification activée" in page.content()

    # Back to the admin: each admin session asks for a code.
    j.follow("Mon tableau de bord", "tableau de bord, double authentification active")
    j.follow("Ouvrir l'administration", "code de l'administration")
    page.fill("[name=code]", next_code(totp_code, secret, codes_used))
    j.submit("administration")
    assert page.url.endswith("/admin/")

    # The explorer opens on their région: the other régions are not even listed.
    j.follow(re.compile("Pages? crées? dans Maillage"), "pages de ma région")
    assert page.get_by_role("heading", name=REGION).first.is_visible()
    assert AUTRE_REGION not in main_text(page)

    j.follow("Ajouter une sous-page", "nouveau programme")
    page.get_by_role("textbox", name="Titre").fill(programme)
    page.keyboard.press("Tab")  # leaving the title fills the slug, as for a user
    page.get_by_role("spinbutton", name="Année").fill(str(annee))
    j.click("Plus d'actions", role="button")
    j.follow("Publier", "programme publié", role="button")
    expect(page.locator("main")).to_contain_text(f"Page « {programme} » créée et publiée")

    j.follow(f"Ajouter une sous-page à « {programme} »", "nouvelle formation")
    page.get_by_role("textbox", name="Titre").fill(FORMATION)
    page.keyboard.press("Tab")
    j.click("Plus d'actions", role="button")
    j.follow("Publier", "formation publiée", role="button")
    # The database is read once the user sees the confirmation, not while the page loads.
    expect(page.locator("main")).to_contain_text(f"Page « {FORMATION} » créée et publiée")
    formation = FormationPage.objects.get(title=FORMATION)
    assert formation.live
    assert formation.get_parent().specific.annee == annee
    assert formation.get_parent().get_parent().specific.territoire.nom == REGION

    # Sessions: only their région's are listed.
    j.follow("Sessions", "sessions de ma région", within="nav")
    region_page = RegionPage.objects.get(territoire__nom=REGION)
    mine = Session.objects.filter(formation__path__startswith=region_page.path).count()
    others = Session.objects.exclude(formation__path__startswith=region_page.path).count()
    assert mine and others
    assert f"{mine} session" in main_text(page)

    # Attaching a session to another région's formation is refused.
    autre_region = RegionPage.objects.get(territoire__nom=AUTRE_REGION)
    autre_programme = ProgrammePage.objects.child_of(autre_region).first()
    autre_formation = FormationPage.objects.child_of(autre_programme).first()
    j.follow(re.compile("Ajouter un\\(e\\) session"), "nouvelle session")
    choose_formation(page, AUTRE_REGION, autre_programme.title, autre_formation.title)
    fill_session(page, debut=timezone.localdate() + datetime.timedelta(days=30))
    j.submit("session refusée dans une autre région", name="Créer")
    assert "/new/" in page.url
    assert "Ce choix ne fait pas partie de ceux disponibles" in main_text(page)
    assert not Session.objects.filter(adresse=ADRESSE).exists()

    j.follow("Sessions", "retour aux sessions", within="nav")
    j.follow(re.compile("Ajouter un\\(e\\) session"), "nouvelle session dans ma région")
    choose_formation(page, REGION, programme, FORMATION)
    fill_session(page, debut=timezone.localdate() + datetime.timedelta(days=30))
    j.submit("session créée", name="Créer")
    expect(page.locator("main")).to_contain_text(f"{mine + 1} sessions")
    session = Session.objects.get(formation=formation)
    assert (session.adresse, session.ville, session.capacite) == (ADRESSE, "Lyon", 15)
    assert f"{mine + 1} sessions" in main_text(page)

    # LHEO: a dry run says what would change and writes nothing, then the import.
    j.follow("Import LHEO", "import LHEO", within="nav")
    page.set_input_files("#id_fichier", str(LHEO))
    j.submit("simulation de l'import", name="Vérifier le fichier")
    expect(page.locator("main")).to_contain_text("Simulation")
    rapport = main_text(page)
    assert "1 formation créée" in rapport
    assert not FormationPage.objects.filter(numero=LHEO_NUMERO).exists()
    j.submit("import réalisé", name="Importer")
    expect(page.locator("main")).to_contain_text("Résultat de l'import")
    importee = FormationPage.objects.get(numero=LHEO_NUMERO)
    assert importee.get_ancestors().filter(pk=region_page.pk).exists()

    # Indicators and exports, from the dashboard.
    j.follow("Mon tableau de bord", "retour au tableau de bord", within="nav")
    j.follow("Indicateurs et exports", "indicateurs de mon programme")
    assert "Remplissage des sessions" in main_text(page)
    assert page.locator("svg, figure, canvas").count()

    for format_, extension in (("CSV", ".csv"), ("XLSX", ".xlsx")):
        with page.expect_download() as download:
            j.click(f"Télécharger en {format_}")
        fichier = download.value
        assert fichier.suggested_filename.endswith(extension)
        contenu = Path(fichier.path()).read_bytes()
        if extension == ".csv":
            assert "Accueillir" in contenu.decode("utf-8-sig")
        else:
            assert contenu[:2] == b"PK"  # an Office Open XML package

    assert len(j.steps) >= 20
