"""The facilitator's journey: a closed practice-analysis group, from its creation to a case
published in the library, then a community moderated — all by clicking, on the demo."""

import datetime
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "maillage-demo"
ANNE = "anne.lefebvre@maillage.localhost"
GROUPE = "Codev des conseillers du Rhône"
# Who joins: the first two take part in the live séance, the others make up the group's
# minimum of five active members, below which no séance opens.
MEMBRES = {
    "membre-1": ("emilie.durand@maillage.localhost", "Émilie Durand"),
    "membre-2": ("lucie.bernard@maillage.localhost", "Lucie Bernard"),
    "membre-3": ("mehdi.bouzid@maillage.localhost", "Mehdi Bouzid"),
    "membre-4": ("claire.martin@maillage.localhost", "Claire Martin"),
    "membre-5": ("sarah.cohen@maillage.localhost", "Sarah Cohen"),
}
# Member of the Rhône community the facilitator manages, and of no group.
NON_MEMBRE = "nicolas.faure@maillage.localhost"
COMMUNAUTE = "Professionnels de l'orientation du Rhône"
PUBLICATION = "Qui accompagne les 16-18 ans sortis du lycée sans solution ?"
QUESTION = "Comment garder le lien avec un jeune qui ne vient plus aux rendez-vous ?"
SITUATION = (
    "Karima, 17 ans, ne vient plus aux rendez-vous depuis deux mois. Sa mère m'a laissé "
    "son numéro, le 06 12 34 56 78, pour que je la rappelle."
)
MINUTEUR = re.compile(r"^-?\d{2}:\d{2}$")
LIVE = 10_000


def _expect():
    from playwright.sync_api import expect

    return expect


def _main_text(journey) -> str:
    return journey.page.locator("main").inner_text()


def _mark_page(journey) -> None:
    """A marker that survives only as long as the page is not reloaded."""
    journey.page.evaluate("() => { window.__memePage = true; }")


def _same_page(journey) -> bool:
    return journey.page.evaluate("() => window.__memePage === true")


def _nav(journey, name: str, label: str) -> None:
    journey.follow(name, label, within="#navigation-principale", exact=True)


def _create_group(anne) -> None:
    _nav(anne, "Mon tableau de bord", "tableau de bord sans groupe")
    section = anne.page.locator("section", has=anne.page.locator("#section-analyse-pratiques"))
    _expect()(section).to_contain_text("Vous ne faites partie d'aucun groupe")
    anne.follow("Mes groupes", "mes groupes (vide)", within="#section-analyse-pratiques >> ..")
    anne.follow("Créer un groupe", "créer un groupe")
    page = anne.page
    page.get_by_label("Nom du groupe").fill(GROUPE)
    page.get_by_label("Méthode").select_option("codev")
    page.get_by_label("Nombre maximal de membres").fill("8")
    page.get_by_label("Description (visible des membres et des invités)").fill(
        "Conseillers de missions locales, CIO, Cap emploi et France Travail du Rhône."
    )
    assert "Confidentialité" in page.get_by_label("Charte du groupe").input_value()
    anne.submit("groupe créé", name="Créer le groupe")
    assert "Le groupe est créé" in _main_text(anne)


def _invite(anne) -> None:
    page = anne.page
    # Two from the directory, by name, as a facilitator who knows colleagues does.
    for role in ("membre-1", "membre-2"):
        _email, nom = MEMBRES[role]
        page.get_by_label("Nom, prénom ou structure").fill(nom.split()[-1])
        anne.click("Chercher", role="button")
        page.wait_for_load_state("load")
        anne.step(f"annuaire : {nom}")
        anne.follow(f"Inviter {nom}", f"{nom} invitée", role="button")
        assert "L'invitation est envoyée." in _main_text(anne)
    # The others by their e-mail address.
    for role in ("membre-3", "membre-4", "membre-5"):
        email, nom = MEMBRES[role]
        page.get_by_label("Adresse e-mail du compte à inviter").fill(email)
        anne.follow("Inviter", f"{nom} invité·e", role="button", exact=True)
        assert "L'invitation est envoyée." in _main_text(anne)
    attente = page.locator("section", has=page.locator("#attente"))
    for _email, nom in MEMBRES.values():
        _expect()(attente).to_contain_text(nom)


def _accept_invitation(member, email: str) -> None:
    member.start()
    member.log_in(email, PASSWORD)
    member.open_link_from_email(email, r"/analyse-pratiques/", "invitation reçue par e-mail")
    assert "Invitation : lisez et acceptez la charte" in _main_text(member)
    member.follow(GROUPE, "invitation au groupe")
    assert "Confidentialité" in _main_text(member)
    member.page.get_by_label(re.compile("J'ai lu la charte")).check()
    member.submit("membre du groupe", name="Accepter la charte et rejoindre le groupe")
    assert "Vous avez accepté la charte du groupe." in _main_text(member)
    _expect()(member.page.locator("h1")).to_have_text(GROUPE)


def _non_member_does_not_see_the_group(journey) -> None:
    journey.start()
    journey.log_in(NON_MEMBRE, PASSWORD)
    _nav(journey, "Analyse de pratiques", "non-membre : ses groupes")
    text = _main_text(journey)
    assert "Vous ne faites partie d'aucun groupe" in text
    assert GROUPE not in text


def _report_publication(journey) -> None:
    _nav(journey, "Communautés", "communautés")
    journey.follow(COMMUNAUTE, "communauté du Rhône")
    journey.follow(PUBLICATION, "publication à signaler")
    page = journey.page
    page.locator("main summary", has_text=re.compile("^Signaler$")).first.click()
    page.get_by_label("Motif du signalement").first.select_option("hors_sujet")
    page.get_by_label("Précisions (facultatif)").first.fill(
        "Question sans rapport avec ce fil, à déplacer ou masquer."
    )
    journey.follow("Envoyer le signalement", "publication signalée", role="button")


def _schedule(anne) -> None:
    page = anne.page
    _expect()(page.locator("section", has=page.locator("#membres"))).to_contain_text(
        MEMBRES["membre-5"][1]
    )
    demain = (datetime.datetime.now() + datetime.timedelta(days=1)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    page.get_by_label("Date et heure").fill(demain.strftime("%Y-%m-%dT%H:%M"))
    anne.follow("Programmer", "séance programmée", role="button", exact=True)
    assert "La séance est programmée" in _main_text(anne)


def _open_seance_from_group(journey, label: str) -> None:
    _nav(journey, "Analyse de pratiques", f"{label} : mes groupes")
    journey.follow(GROUPE, f"{label} : le groupe")
    journey.follow(re.compile(r"\d{4}, 09h30"), f"{label} : la séance")


def _badge(journey):
    return journey.page.locator("#statut")


def _run_live(anne, membre1, membre2) -> None:
    expect = _expect()
    page = anne.page
    page.get_by_label("Client ou narrateur").select_option(label=MEMBRES["membre-1"][1])
    anne.follow("Enregistrer les rôles", "rôles choisis", role="button")
    assert "Les rôles sont enregistrés." in _main_text(anne)
    members = (membre1, membre2)
    for member in members:
        expect(member.page.locator("#role-client")).to_have_text(
            MEMBRES["membre-1"][1], timeout=LIVE
        )
    anne.follow("Ouvrir la séance", "séance ouverte", role="button")
    expect(_badge(anne)).to_have_text("En cours")
    for number, member in enumerate(members, start=1):
        # The members' pages follow the opening (a new stage reloads them once).
        expect(_badge(member)).to_have_text("En cours", timeout=LIVE)
        expect(member.page.locator("#minuteur")).to_have_text(MINUTEUR)
        expect(member.page.locator("#phase-numero")).to_have_text(re.compile(r"^Phase 1 sur \d+$"))
        member.step(f"séance en cours (membre {number})")
        _mark_page(member)

    anne.follow("Pause", "séance en pause", role="button", exact=True)
    expect(_badge(anne)).to_have_text("En pause")
    for member in members:
        expect(_badge(member)).to_have_text("En pause", timeout=LIVE)
        assert _same_page(member)
    membre2.step("pause vue en direct")

    anne.follow("Reprendre", "séance reprise", role="button", exact=True)
    for journey in (anne, *members):
        expect(_badge(journey)).to_have_text("En cours", timeout=LIVE)
        expect(journey.page.get_by_text("En pause", exact=True)).to_have_count(0)
    for member in members:
        assert _same_page(member)

    # The client asks the group; the other member's page shows it without a reload.
    membre1.page.get_by_label("Votre question, précise").fill(QUESTION)
    membre1.submit("question du client", name="Enregistrer la question")
    assert "Votre question est enregistrée." in _main_text(membre1)
    _mark_page(membre1)
    for journey in (membre2, anne):
        expect(journey.page.locator("#question-live")).to_have_text(QUESTION, timeout=LIVE)
    assert _same_page(membre2)
    membre2.step("question reçue en direct")

    titre_phase = membre2.page.locator("#phase-titre").inner_text()
    anne.follow("Phase suivante", "phase suivante", role="button")
    for member in members:
        expect(member.page.locator("#phase-numero")).to_have_text(
            re.compile(r"^Phase 2 sur \d+$"), timeout=LIVE
        )
        expect(member.page.locator("#phase-titre")).not_to_have_text(titre_phase)
        expect(_badge(member)).to_have_text("En cours")
        assert _same_page(member)
    membre2.step("phase 2 en direct")
    membre2.on_phone("séance en direct")
    anne.on_phone("pilotage de la séance")

    anne.follow("Terminer la séance", "séance terminée", role="button")
    for member in members:
        expect(_badge(member)).to_have_text("Terminée", timeout=LIVE)


def _propose_case(membre1) -> None:
    membre1.follow("Proposer ma situation comme cas", "proposer un cas")
    page = membre1.page
    page.locator("#id_titre").fill("Garder le lien avec un jeune décrocheur")
    page.locator("#id_situation").fill(SITUATION)
    page.locator("#id_questions").fill(QUESTION)
    page.get_by_label(re.compile("J'accepte que cette situation")).check()
    membre1.submit("cas enregistré", name="Enregistrer le brouillon")
    flags = page.locator("section.callout")
    expect = _expect()
    expect(flags).to_contain_text("Karima")
    expect(flags).to_contain_text("06 12 34 56 78")
    # A phone number can never be published: the client replaces it before the review.
    phone = flags.locator("li", has_text="06 12 34 56 78")
    phone.get_by_role("button", name=re.compile("^Remplacer par")).click()
    page.wait_for_load_state("load")
    membre1.step("téléphone remplacé")
    expect(page.locator("section.callout")).not_to_contain_text("06 12 34 56 78")
    for case in page.locator("fieldset input[type=checkbox]").all():
        case.check()
    membre1.submit("cas envoyé en relecture", name="Envoyer en relecture")
    assert "Votre cas est transmis pour relecture." in _main_text(membre1)


def _review_case(anne) -> None:
    expect = _expect()
    anne.follow(GROUPE, "retour au groupe")
    cas = anne.page.locator("section", has=anne.page.locator("#cas-proposes"))
    expect(cas).to_contain_text("à relire")
    anne.follow("Garder le lien avec un jeune décrocheur", "cas à relire")
    flags = anne.page.locator("section.callout")
    expect(flags).to_contain_text("Karima")
    # Approving with a flag left open is refused, with the reason.
    anne.follow("Approuver la publication", "approbation refusée", role="button")
    assert "élément signalé n'est pas résolu" in _main_text(anne)
    flags.locator("li", has_text="Karima").get_by_role(
        "button", name=re.compile("^Remplacer par")
    ).click()
    anne.page.wait_for_load_state("load")
    anne.step("prénom remplacé")
    texte = _main_text(anne)
    assert "Karima" not in texte
    assert "06 12 34 56 78" not in texte
    assert "[prénom]" in texte
    anne.follow("Approuver la publication", "cas approuvé", role="button")
    assert "Votre relecture est enregistrée." in _main_text(anne)


def _second_review(membre2) -> None:
    membre2.follow(GROUPE, "membre 2 : retour au groupe")
    membre2.follow("Garder le lien avec un jeune décrocheur", "membre 2 : cas à relire")
    membre2.follow("Approuver la publication", "membre 2 : cas approuvé", role="button")
    assert "Votre relecture est enregistrée." in _main_text(membre2)
    _expect()(membre2.page.locator(".lead")).to_have_text(re.compile("Publié"))


def _moderate(anne) -> None:
    _nav(anne, "Communautés", "communautés")
    anne.follow(COMMUNAUTE, "communauté animée")
    anne.follow("Outils d'animation et de modération", "modération")
    signalements = anne.page.locator("section", has=anne.page.locator("#signalements"))
    _expect()(signalements).to_contain_text(PUBLICATION)
    anne.follow(PUBLICATION, "publication signalée", within="main")
    anne.page.locator("main summary", has_text=re.compile("^Modérer$")).first.click()
    anne.page.get_by_label("Motif (obligatoire pour masquer ou supprimer)").first.fill(
        "Hors sujet, signalé par un membre"
    )
    anne.follow("Masquer", "publication masquée", role="button", exact=True)
    _expect()(anne.page.locator("main")).to_contain_text(
        "Publication masquée par la modération : Hors sujet, signalé par un membre"
    )


def test_facilitator_runs_a_group_from_creation_to_a_published_case(journey):
    anne = journey("animateur")
    anne.start()
    anne.log_in(ANNE, PASSWORD)
    _create_group(anne)
    _invite(anne)

    autre = journey("non-membre")
    _non_member_does_not_see_the_group(autre)
    _report_publication(autre)

    members = {role: journey(role) for role in MEMBRES}
    for role, member in members.items():
        _accept_invitation(member, MEMBRES[role][0])

    # Back on the group she left on the facilitation page: who accepted shows there.
    anne.follow(GROUPE, "le groupe et ses membres")
    _expect()(anne.page.locator("#membres")).to_have_text("5 membres")
    anne.follow("Animer le groupe", "animer le groupe")
    _schedule(anne)
    anne.follow(GROUPE, "le groupe et sa séance")
    anne.on_phone("page du groupe")
    anne.follow(re.compile(r"\d{4}, 09h30"), "la séance")

    membre1, membre2 = members["membre-1"], members["membre-2"]
    _open_seance_from_group(membre1, "membre 1")
    _open_seance_from_group(membre2, "membre 2")
    _run_live(anne, membre1, membre2)

    _propose_case(membre1)
    _review_case(anne)
    _second_review(membre2)

    _moderate(anne)
