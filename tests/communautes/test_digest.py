"""The e-mail digest and the signed unsubscribe links."""

import datetime
import json
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communautes.factories import (
    AdhesionFactory,
    CommunauteFactory,
    PublicationFactory,
    ReponseFactory,
    UserFactory,
)
from communautes.models import Adhesion, Communaute, Publication, ResumeEnvoi
from communautes.notifications import desabonnement, digest
from communautes.notifications.digest import digest_send
from formations.factories import FormationPageFactory, SessionFactory
from formations.models import Session
from maillage.factories import CommuneFactory, ProfilFactory, TerritoireFactory, ThematiqueFactory
from maillage.models import Profil

pytestmark = pytest.mark.django_db


def abonne(frequence="quotidien", **kwargs):
    user = UserFactory()
    ProfilFactory(user=user, frequence_resume=frequence, **kwargs)
    return user


@pytest.fixture
def scene():
    """One subscriber, the communities around them, and sessions near and far."""
    departement = TerritoireFactory(departement=True)
    ailleurs = TerritoireFactory(departement=True)
    vae, cep = ThematiqueFactory(nom="VAE"), ThematiqueFactory(nom="CEP")
    user = abonne(territoires=[departement], thematiques=[vae])
    autre = UserFactory()
    a = CommunauteFactory(nom="Communauté A")
    b = CommunauteFactory(nom="Communauté B")
    muette = CommunauteFactory(nom="Communauté muette")
    fermee = CommunauteFactory(nom="Communauté D", visibilite=Communaute.Visibilite.MEMBRES)
    AdhesionFactory(user=user, communaute=a)
    AdhesionFactory(user=user, communaute=b, niveau_notification="resume")
    AdhesionFactory(user=user, communaute=muette, niveau_notification="muet")
    AdhesionFactory(user=user, communaute=fermee, etat=Adhesion.Etat.BANNIE)
    PublicationFactory(communaute=a, auteur=autre, titre="Nouvelle fiche de liaison")
    PublicationFactory(communaute=a, auteur=autre, titre="Café pro", nature="evenement")
    PublicationFactory(communaute=a, auteur=autre, titre="Masquée", masquee=True)
    PublicationFactory(communaute=a, auteur=user, titre="Ma propre publication")
    PublicationFactory(communaute=b, auteur=autre, titre="Qui connaît le CEP ?", nature="question")
    # Asked three days ago: recalled only if still unanswered, and it has an answer.
    repondue = PublicationFactory(
        communaute=b, auteur=autre, titre="Déjà répondue", nature="question"
    )
    ReponseFactory(publication=repondue, auteur=user)
    Publication.objects.filter(pk=repondue.pk).update(
        cree_le=timezone.now() - datetime.timedelta(days=3)
    )
    ancienne = PublicationFactory(
        communaute=b, auteur=autre, titre="Toujours sans réponse", nature="question"
    )
    Publication.objects.filter(pk=ancienne.pk).update(
        cree_le=timezone.now() - datetime.timedelta(days=3)
    )
    PublicationFactory(communaute=muette, auteur=autre, titre="Bruit muet")
    PublicationFactory(communaute=fermee, auteur=autre, titre="Secret de D")

    def session(titre, departement, thematique):
        formation = FormationPageFactory(title=titre)
        formation.thematiques.set([thematique])
        formation.save()
        return SessionFactory(formation=formation, commune=CommuneFactory(departement=departement))

    session("Session VAE proche", departement, vae)
    session("Session VAE lointaine", ailleurs, vae)
    session("Session CEP proche", departement, cep)
    return user


def test_digest_merges_visible_activity_and_matching_sessions(scene):
    stats = digest_send(frequence="quotidien")
    assert stats["envoyes"] == 1 and stats["membres"] == 1
    (message,) = mail.outbox
    assert message.to == [scene.email]
    body = message.body
    for attendu in (
        "Nouvelle fiche de liaison",
        "Café pro",
        "Qui connaît le CEP ?",
        "Toujours sans réponse",
        "Session VAE proche",
        "/communautes/desabonnement/",
    ):
        assert attendu in body, attendu
    for absent in (
        "Masquée",
        "Ma propre publication",
        "Déjà répondue",
        "Bruit muet",
        "Secret de D",
        "Session VAE lointaine",
        "Session CEP proche",
    ):
        assert absent not in body, absent
    assert body.count("Qui connaît le CEP ?") == 1  # listed once, not again as a question
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "Nouvelle fiche de liaison" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = message.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    assert desabonnement.token_read(token)["communaute"] is None


def test_rerun_and_dry_run_send_nothing_twice(scene):
    dry = digest_send(frequence="quotidien", dry_run=True)
    assert dry["envoyes"] == 1 and mail.outbox == [] and not ResumeEnvoi.objects.exists()
    digest_send(frequence="quotidien")
    again = digest_send(frequence="quotidien")
    assert again["membres"] == 0 and again["envoyes"] == 0
    assert len(mail.outbox) == 1
    assert ResumeEnvoi.objects.get().elements == 5
    # The weekly run is another period: it does not touch daily subscribers.
    assert digest_send(frequence="hebdomadaire")["membres"] == 0


def test_members_with_nothing_to_say_are_skipped():
    silencieux = abonne()
    AdhesionFactory(user=silencieux, communaute=CommunauteFactory())
    abonne(frequence="jamais")
    stats = digest_send(frequence="quotidien")
    assert stats == {**stats, "membres": 1, "envoyes": 0, "vides": 1}
    assert mail.outbox == []


def test_queries_per_batch_do_not_grow_with_the_batch():
    communaute = CommunauteFactory()
    PublicationFactory(communaute=communaute, titre="Actualité")

    def run(n):
        for _ in range(n):
            AdhesionFactory(user=abonne(), communaute=communaute)
        with CaptureQueriesContext(connection) as queries:
            stats = digest_send(frequence="quotidien", batch_size=1000)
        assert stats["envoyes"] == n
        return len(queries)

    petit = run(3)
    grand = run(25)
    assert grand == petit


def liens_desabonnement(texte):
    return re.findall(r"http://[^\s\"<>]+/communautes/desabonnement/[^/\s\"]+/", texte)


def test_shared_blocks_keep_each_members_name_links_and_communities(client, monkeypatch):
    """Members of one community share its rendered block, never another member's name,
    links or private community, whether the block comes from the run's cache or not."""
    commune = CommunauteFactory(nom="Réseau commun")
    privee = CommunauteFactory(nom="Groupe privé", visibilite=Communaute.Visibilite.MEMBRES)
    PublicationFactory(communaute=commune, titre="Fiche <partagée> & [[x:nom]]")
    PublicationFactory(communaute=privee, titre="Compte rendu confidentiel")
    membres = []
    for n, nom in enumerate(["Zoé <b>", "Jean-Luc", "Anne"]):
        user = abonne()
        user.first_name, user.last_name = nom, f"O'Hara {n}"
        user.save()
        AdhesionFactory(user=user, communaute=commune)
        membres.append(user)
    AdhesionFactory(user=membres[0], communaute=privee, niveau_notification="resume")

    def run(**kwargs):
        mail.outbox.clear()
        ResumeEnvoi.objects.all().delete()
        digest_send(frequence="quotidien", **kwargs)
        return {m.to[0]: m for m in mail.outbox}

    messages = run()
    assert len(messages) == 3
    for user in membres:
        message = messages[user.email]
        texte, html = message.body, message.alternatives[0][0]
        assert f"Bonjour {user.get_full_name()}," in texte
        assert "Fiche <partagée> & [[x:nom]] : http" in texte
        assert "Fiche &lt;partagée&gt; &amp; [[x:nom]]</a>" in html
        autres = [m for m in membres if m != user]
        assert not any(m.last_name in texte or m.last_name in html for m in autres)
        assert ("Compte rendu confidentiel" in texte) == (user == membres[0])
        assert ("Groupe privé" in html) == (user == membres[0])
        liens = liens_desabonnement(texte)
        assert liens == liens_desabonnement(html)
        assert {desabonnement.token_read(lien.rsplit("/", 2)[1])["user"] for lien in liens} == {
            user
        }
    assert "Bonjour Zoé &lt;b&gt; O&#x27;Hara 0," in messages[membres[0].email].alternatives[0][0]

    # A run whose block cache holds one block at a time gives the same e-mails.
    monkeypatch.setattr(digest, "MAX_BLOCS", 1)
    sans_cache = run()
    for email, message in messages.items():
        assert sans_liens_desabonnement(sans_cache[email].body) == sans_liens_desabonnement(
            message.body
        )


def test_each_unsubscribe_link_of_a_digest_does_what_it_says(scene, client):
    digest_send(frequence="quotidien")
    (message,) = mail.outbox
    texte, html = message.body, message.alternatives[0][0]
    liens = liens_desabonnement(texte)
    # One per community shown, then the digest's own, the same in both parts and the header.
    assert liens == liens_desabonnement(html) and len(liens) == 3
    assert message.extra_headers["List-Unsubscribe"] == f"<{liens[-1]}>"
    for nom, lien in zip(("Communauté A", "Communauté B"), liens, strict=False):
        assert client.post(lien).status_code == 200
        adhesion = Adhesion.objects.get(user=scene, communaute__nom=nom)
        assert adhesion.niveau_notification == "muet"
    assert Profil.objects.get(user=scene).frequence_resume == "quotidien"
    assert client.post(liens[-1]).status_code == 200
    assert Profil.objects.get(user=scene).frequence_resume == "jamais"


@pytest.mark.parametrize(
    ("frequence", "periode"), [("quotidien", "du jour"), ("hebdomadaire", "de la semaine")]
)
def test_subject_header_is_the_one_django_sends(frequence, periode):
    """The digest's Subject header, encoded once per run, is the one Django encodes itself."""
    AdhesionFactory(user=abonne(frequence), communaute=PublicationFactory().communaute)
    digest_send(frequence=frequence)
    (message,) = mail.outbox
    assert message.subject == f"[Maillage] Votre résumé {periode} sur Maillage"
    entete = message.message()["Subject"]
    assert entete == EmailMultiAlternatives(subject=message.subject).message()["Subject"]
    assert entete.startswith("=?utf-8?q?")


def test_digest_links_are_the_tokens_links_already_sent_carry(client, monkeypatch, settings):
    """The digest signs with one signer for the run; its tokens are `signing.dumps`'s, as in
    the links sent before, which keep working."""
    user = abonne()
    adhesion = AdhesionFactory(user=user)
    ancien = signing.dumps(
        {"u": user.pk, "k": "communaute", "c": adhesion.communaute_id},
        salt=desabonnement.SALT,
        compress=True,
    )
    url = settings.SITE_URL + reverse("communautes:desabonnement", kwargs={"token": ancien})
    # Signed in the same second, the two tokens are the same.
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: ancien.split(":")[1])
    liens = desabonnement.Liens()
    assert liens.url(user_id=user.pk, communaute_id=adhesion.communaute_id) == url
    assert liens.url(user_id=user.pk) == desabonnement.url_for(user_id=user.pk)
    monkeypatch.undo()
    assert client.post(url).status_code == 200
    adhesion.refresh_from_db()
    assert adhesion.niveau_notification == "muet"


def test_command_ends_with_one_json_line(scene):
    out = StringIO()
    call_command("envoyer_digest", "--frequence", "quotidien", "--dry-run", stdout=out)
    resume = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (
        resume["dry_run"] is True and resume["envoyes"] == 1 and resume["frequence"] == "quotidien"
    )


# --- unsubscribe ---------------------------------------------------------------------------


def lien(user, communaute=None):
    return reverse(
        "communautes:desabonnement",
        kwargs={
            "token": desabonnement.token_make(
                user_id=user.pk, communaute_id=communaute.pk if communaute else None
            )
        },
    )


def test_digest_unsubscribe_confirms_on_get_and_applies_on_post(client):
    user = abonne()
    url = lien(user)
    page = client.get(url)
    assert page.status_code == 200 and "Confirmer le désabonnement" in page.content.decode()
    assert Profil.objects.get(user=user).frequence_resume == "quotidien"
    # One-click from a mail client: no session, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Profil.objects.get(user=user).frequence_resume == "jamais"


def test_community_unsubscribe_mutes_only_that_community(client):
    user = abonne()
    a, b = AdhesionFactory(user=user), AdhesionFactory(user=user)
    client.post(lien(user, a.communaute))
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.niveau_notification == "muet" and b.niveau_notification == "tout"
    assert Profil.objects.get(user=user).frequence_resume == "quotidien"


@pytest.mark.parametrize("alteration", ["tampered", "forged", "expired"])
def test_bad_tokens_get_a_clear_message_and_change_nothing(client, monkeypatch, alteration):
    user = abonne()
    victime = AdhesionFactory(user=user)
    token = desabonnement.token_make(user_id=user.pk, communaute_id=victime.communaute_id)
    if alteration == "tampered":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif alteration == "forged":
        token = signing.dumps({"u": user.pk, "k": "resume"}, salt="autre-chose")
    else:
        monkeypatch.setattr(desabonnement, "MAX_AGE", -1)
    url = reverse("communautes:desabonnement", kwargs={"token": token})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "n'est pas valide ou a expiré" in response.content.decode()
    victime.refresh_from_db()
    assert victime.niveau_notification == "tout"
    assert Profil.objects.get(user=user).frequence_resume == "quotidien"


# --- dry run and preview -------------------------------------------------------------------


def digest_command(*args):
    out = StringIO()
    call_command("envoyer_digest", *args, stdout=out, stderr=StringIO())
    lines = out.getvalue().strip().splitlines()
    return "\n".join(lines[:-1]), json.loads(lines[-1])


def sans_liens_desabonnement(texte):
    """Unsubscribe tokens carry their signing time: the same digest differs in them only."""
    return re.sub(r"/communautes/desabonnement/[^/\s]+/", "/communautes/desabonnement/X/", texte)


@pytest.fixture
def abonnes():
    """Daily and weekly subscribers, activity in their community, sessions in their territory."""
    departement = TerritoireFactory(departement=True)
    ailleurs = TerritoireFactory(departement=True)
    autre = UserFactory()
    reseau = CommunauteFactory(nom="Réseau des conseillers")
    gens = SimpleNamespace(
        lecteur=abonne(),
        voisin=abonne(territoires=[departement]),
        silencieux=abonne(territoires=[ailleurs]),
        hebdo=abonne("hebdomadaire"),
        jamais=abonne("jamais"),
    )
    for user in (gens.lecteur, gens.voisin, gens.hebdo, gens.jamais):
        AdhesionFactory(user=user, communaute=reseau)
    PublicationFactory(communaute=reseau, auteur=autre, titre="Fiche de liaison partagée")
    PublicationFactory(
        communaute=reseau, auteur=autre, titre="Qui connaît la PMSMP ?", nature="question"
    )
    SessionFactory(
        formation=FormationPageFactory(title="Accueillir les jeunes"),
        commune=CommuneFactory(departement=departement),
    )
    return gens


def test_dry_run_previews_each_digest_writes_nothing_then_a_real_run_sends_them(abonnes):
    apercu, stats = digest_command("--frequence", "quotidien", "--dry-run")

    assert stats["dry_run"] is True
    assert (stats["membres"], stats["envoyes"], stats["vides"]) == (3, 2, 1)
    assert mail.outbox == [] and not ResumeEnvoi.objects.exists()
    blocs = dict(bloc.split("\n", 1) for bloc in re.split(r"^=== À : ", apercu, flags=re.M) if bloc)
    assert set(blocs) == {abonnes.lecteur.email, abonnes.voisin.email}
    for bloc in blocs.values():
        assert bloc.startswith("Objet : [Maillage] Votre résumé du jour sur Maillage")
        assert "Fiche de liaison partagée" in bloc and "Qui connaît la PMSMP ?" in bloc
    assert "Accueillir les jeunes" in blocs[abonnes.voisin.email]
    assert "Accueillir les jeunes" not in blocs[abonnes.lecteur.email]

    _sortie, reel = digest_command("--frequence", "quotidien")

    assert (reel["dry_run"], reel["envoyes"], reel["vides"]) == (False, 2, 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(blocs)
    for message in mail.outbox:
        bloc = blocs[message.to[0]]
        assert bloc.startswith(f"Objet : {message.subject}\n")
        attendu = sans_liens_desabonnement(message.body.rstrip())
        assert attendu in sans_liens_desabonnement(bloc)
    assert ResumeEnvoi.objects.filter(frequence="quotidien").count() == 3


def test_weekly_dry_run_previews_only_weekly_subscribers(abonnes):
    apercu, stats = digest_command("--frequence", "hebdomadaire", "--dry-run")
    assert (stats["membres"], stats["envoyes"]) == (1, 1)
    assert apercu.startswith(f"=== À : {abonnes.hebdo.email}\n")
    assert "Votre résumé de la semaine sur Maillage" in apercu
    assert mail.outbox == [] and not ResumeEnvoi.objects.exists()


def test_apercu_shows_one_member_and_writes_nothing(abonnes):
    apercu, stats = digest_command(
        "--frequence", "quotidien", "--apercu", abonnes.voisin.email.upper()
    )
    assert (stats["dry_run"], stats["membres"], stats["envoyes"]) == (True, 1, 1)
    assert apercu.count("=== À : ") == 1 and abonnes.voisin.email in apercu
    assert "Accueillir les jeunes" in apercu
    assert mail.outbox == [] and not ResumeEnvoi.objects.exists()

    vide, stats = digest_command("--frequence", "quotidien", "--apercu", abonnes.silencieux.email)
    assert stats["envoyes"] == 0 and "aucun e-mail ne serait envoyé" in vide


@pytest.mark.parametrize(
    ("qui", "message"),
    [
        ("hebdo", "ne reçoit pas ce résumé (préférence : chaque semaine)"),
        ("jamais", "ne reçoit pas ce résumé (préférence : jamais)"),
        ("inconnu", "Aucun compte actif n'a l'adresse personne@exemple.fr"),
        ("deja", "a déjà reçu le résumé de la période du"),
    ],
)
def test_apercu_of_a_member_without_this_digest_says_why(abonnes, qui, message):
    if qui == "deja":
        digest_send(frequence="quotidien")
        mail.outbox.clear()
    email = (
        "personne@exemple.fr"
        if qui == "inconnu"
        else getattr(abonnes, "lecteur" if qui == "deja" else qui).email
    )
    envois = ResumeEnvoi.objects.count()
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("envoyer_digest", "--frequence", "quotidien", "--apercu", email)
    assert mail.outbox == [] and ResumeEnvoi.objects.count() == envois


def test_dry_run_preview_queries_do_not_grow_with_the_batch():
    communaute = CommunauteFactory()
    PublicationFactory(communaute=communaute, titre="Actualité")

    def run(n):
        for _ in range(n):
            AdhesionFactory(user=abonne(), communaute=communaute)
        apercus = []
        with CaptureQueriesContext(connection) as queries:
            stats = digest_send(
                frequence="quotidien", dry_run=True, batch_size=1000, preview=apercus.append
            )
        # Nothing is claimed, so earlier members are previewed again.
        assert stats["envoyes"] == len(apercus) == Adhesion.objects.count()
        assert not ResumeEnvoi.objects.exists()
        return len(queries)

    assert run(3) == run(25)


# --- the demo ------------------------------------------------------------------------------


def test_demo_daily_dry_run_finds_counsellors_and_stays_fresh(settings):
    from maillage.demo.communautes import communautes_provide

    settings.DEBUG = True
    call_command("demo", stdout=StringIO(), stderr=StringIO())

    apercu, stats = digest_command("--frequence", "quotidien", "--dry-run")
    assert stats["membres"] >= 1 and stats["envoyes"] >= 1
    assert "=== À : claire.martin@maillage.localhost" in apercu
    assert mail.outbox == [] and not ResumeEnvoi.objects.exists()

    # Days later, the demo reloaded: its rerun posts fresh news once, so the digest has some.
    trois_jours = timezone.now() - datetime.timedelta(days=3)
    Publication.objects.update(cree_le=trois_jours)
    Session.objects.update(cree_le=trois_jours)
    assert digest_command("--frequence", "quotidien", "--dry-run")[1]["envoyes"] == 0
    publications = Publication.objects.count()
    communautes_provide(progress=lambda message: None)
    communautes_provide(progress=lambda message: None)
    assert Publication.objects.count() == publications + 1
    apercu, stats = digest_command("--frequence", "quotidien", "--dry-run")
    assert stats["envoyes"] >= 1 and "Veille CEP du" in apercu
