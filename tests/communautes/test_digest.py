"""The e-mail digest and the signed unsubscribe links."""

import datetime
import json
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
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
from communautes.notifications import desabonnement
from communautes.notifications.digest import digest_send
from formations.factories import FormationPageFactory, SessionFactory
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
