"""A facilitator creates a group from the site, invites people, and an invitee answers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from analyse_pratiques import services
from analyse_pratiques.models import AcceptationCharte, Adhesion, Charte, Groupe
from maillage import roles
from maillage.factories import UserFactory

pytestmark = pytest.mark.django_db

VALIDE = {
    "nom": "Codev Marseille",
    "methode": "gease",
    "taille_min": "6",
    "taille_max": "10",
    "description": "Conseillers des Bouches-du-Rhône",
    "texte_charte": "Notre charte à nous.",
}


def _url(name, *args):
    return reverse(f"analyse_pratiques:{name}", args=args)


@pytest.fixture
def animatrice():
    user = UserFactory(first_name="Anne", last_name="Lefebvre")
    roles.role_assign(user=user, role=roles.ANIMATEUR)
    return user


@pytest.fixture
def conseillere():
    user = UserFactory(first_name="Claire", last_name="Martin")
    roles.role_assign(user=user, role=roles.CONSEILLER)
    return user


# --- service -----------------------------------------------------------------------------


def test_service_refuses_who_is_not_a_facilitator(conseillere):
    with pytest.raises(PermissionDenied):
        services.groupe_create(animateur=conseillere, nom="Groupe", texte_charte="Règles")
    assert not Groupe.objects.exists()


def test_service_accepts_staff_and_uses_the_default_charter(staff_user_totp):
    groupe = services.groupe_create(animateur=staff_user_totp, nom="Groupe du staff")
    assert groupe.animateur == staff_user_totp
    assert groupe.chartes.get().texte == services.charte_type()
    assert "Confidentialité" in groupe.chartes.get().texte


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"nom": "   "}, "Donnez un nom au groupe."),
        ({"nom": "G", "methode": "autre"}, "Choisissez une méthode proposée."),
        ({"nom": "G", "taille_min": 4}, "de 5 à 15 membres"),
        ({"nom": "G", "taille_max": 16}, "de 5 à 15 membres"),
        ({"nom": "G", "taille_min": 12, "taille_max": 8}, "de 5 à 15 membres"),
    ],
)
def test_service_bad_input_writes_nothing(animatrice, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        services.groupe_create(animateur=animatrice, **kwargs)
    assert not Groupe.objects.exists()
    assert not Charte.objects.exists()


# --- pages -------------------------------------------------------------------------------


def test_create_button_only_for_facilitators(client, animatrice, conseillere):
    client.force_login(animatrice)
    assert _url("groupe_creer") in client.get(_url("mes_groupes")).content.decode()
    client.force_login(conseillere)
    assert _url("groupe_creer") not in client.get(_url("mes_groupes")).content.decode()


def test_counsellor_cannot_create_a_group(client, conseillere):
    client.force_login(conseillere)
    assert client.get(_url("groupe_creer")).status_code == 403
    assert client.post(_url("groupe_creer"), VALIDE).status_code == 403
    assert not Groupe.objects.exists()


def test_facilitator_creates_a_group_and_leads_it(client, animatrice):
    client.force_login(animatrice)
    formulaire = client.get(_url("groupe_creer")).content.decode()
    # The default charter is offered in the form.
    assert "Bienveillance" in formulaire
    response = client.post(_url("groupe_creer"), VALIDE)
    groupe = Groupe.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("animation", groupe.slug)
    assert (groupe.nom, groupe.methode, groupe.taille_min, groupe.taille_max) == (
        "Codev Marseille",
        "gease",
        6,
        10,
    )
    assert groupe.animateur == animatrice
    assert groupe.non_liste is True
    assert groupe.chartes.get().texte == "Notre charte à nous."
    liste = client.get(_url("mes_groupes")).content.decode()
    assert "Codev Marseille" in liste
    assert client.get(_url("animation", groupe.slug)).status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nom": ""}, "Champ requis."),
        ({"taille_min": "3"}, "supérieure ou égale à 5"),
        ({"taille_max": "20"}, "inférieure ou égale à 15"),
        ({"taille_min": "12", "taille_max": "8"}, "au moins égal au nombre minimal"),
        ({"methode": "inconnue"}, "Sélectionnez un choix valide"),
        ({"taille_min": "abc"}, "Saisissez un nombre entier."),
    ],
)
def test_bad_input_gets_a_french_message_and_writes_nothing(client, animatrice, changes, message):
    client.force_login(animatrice)
    response = client.post(_url("groupe_creer"), VALIDE | changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Groupe.objects.exists()


def test_blank_charter_gets_the_default_one(client, animatrice):
    client.force_login(animatrice)
    client.post(_url("groupe_creer"), VALIDE | {"texte_charte": "  "})
    assert Groupe.objects.get().chartes.get().texte == services.charte_type()


# --- invitation --------------------------------------------------------------------------


@pytest.fixture
def groupe_cree(animatrice):
    return services.groupe_create(
        animateur=animatrice, nom="Groupe Calanques", description="Description discrète"
    )


def test_invitee_sees_the_invitation_and_joins(
    client, animatrice, groupe_cree, django_capture_on_commit_callbacks
):
    from django.core import mail

    invitee = UserFactory(email="invitee@exemple.fr")
    client.force_login(animatrice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("inviter", groupe_cree.slug), {"email": "invitee@exemple.fr"})
    assert len(mail.outbox) == 1
    assert "/analyse-pratiques/" in mail.outbox[0].body

    client.force_login(invitee)
    liste = client.get(_url("mes_groupes")).content.decode()
    assert _url("groupe", groupe_cree.slug) in liste
    page = client.get(_url("groupe", groupe_cree.slug))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Invitation au groupe « Groupe Calanques »" in body
    assert "Registre professionnel" in body
    assert _url("decliner", groupe_cree.slug) in body
    client.post(_url("charte", groupe_cree.slug), {"accepte": "oui"})
    assert Adhesion.objects.get(user=invitee).etat == Adhesion.Etat.ACTIF
    assert AcceptationCharte.objects.filter(user=invitee).exists()
    assert "Calendrier des séances" in client.get(_url("groupe", groupe_cree.slug)).content.decode()


def test_invitee_declines(client, animatrice, groupe_cree):
    invitee = UserFactory()
    services.adhesion_invite(animateur=animatrice, groupe=groupe_cree, user=invitee)
    client.force_login(invitee)
    response = client.post(_url("decliner", groupe_cree.slug))
    assert response.status_code == 302
    assert Adhesion.objects.get(user=invitee).etat == Adhesion.Etat.PARTI
    assert not AcceptationCharte.objects.filter(user=invitee).exists()
    # Once declined, the group is closed to them like to anyone outside it.
    assert client.get(_url("groupe", groupe_cree.slug)).status_code == 404
    assert client.post(_url("decliner", groupe_cree.slug)).status_code == 404
    # The facilitator may invite them again.
    services.adhesion_invite(animateur=animatrice, groupe=groupe_cree, user=invitee)
    assert client.get(_url("groupe", groupe_cree.slug)).status_code == 200


def test_outsider_gets_404_and_nothing_of_the_group(client, groupe_cree):
    client.force_login(UserFactory())
    for url in (_url("groupe", groupe_cree.slug), _url("charte", groupe_cree.slug)):
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "Groupe Calanques" not in body
        assert "Description discrète" not in body
    assert client.post(_url("decliner", groupe_cree.slug)).status_code == 404


def test_facilitator_invites_from_the_directory(client, animatrice, groupe_cree):
    from maillage.factories import ProfilFactory
    from maillage.models import Profil

    visible = ProfilFactory(
        user=UserFactory(first_name="Yasmine", last_name="Benali"),
        visibilite=Profil.Visibilite.MEMBRES,
    ).user
    masquee = ProfilFactory(
        user=UserFactory(first_name="Yannick", last_name="Benoit"),
        visibilite=Profil.Visibilite.MASQUE,
    ).user
    client.force_login(animatrice)
    page = client.get(_url("animation", groupe_cree.slug), {"annuaire": "Ben"}).content.decode()
    assert "Inviter Yasmine Benali" in page
    assert "Benoit" not in page
    client.post(_url("inviter", groupe_cree.slug), {"user_id": visible.pk})
    assert Adhesion.objects.get(user=visible).etat == Adhesion.Etat.INVITE
    # Once invited, she is no longer offered.
    page = client.get(_url("animation", groupe_cree.slug), {"annuaire": "Ben"}).content.decode()
    assert "Inviter Yasmine Benali" not in page
    # Someone hidden from the directory, or a malformed id, cannot be invited this way.
    for valeur in (masquee.pk, "9" * 40, "abc"):
        response = client.post(_url("inviter", groupe_cree.slug), {"user_id": valeur}, follow=True)
        assert "Cette personne n&#x27;est pas dans l&#x27;annuaire." in response.content.decode()
    assert not Adhesion.objects.filter(user=masquee).exists()
