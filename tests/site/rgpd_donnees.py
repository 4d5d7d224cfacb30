"""Builds a member's data in every app, next to other members' data, for the RGPD tests."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from analyse_pratiques.factories import AdhesionFactory as AdhesionGroupeFactory
from analyse_pratiques.factories import (
    ApprentissageFactory,
    NoteTravailFactory,
    PlanActionFactory,
    SeanceFactory,
)
from communautes.factories import (
    AdhesionFactory,
    CommunauteFactory,
    NotificationFactory,
    PublicationFactory,
    ReactionFactory,
    ReponseFactory,
)
from communautes.models.salon import MessageSalon
from formations.factories import (
    AttestationFactory,
    EmargementFactory,
    EvaluationFactory,
    FormationPageFactory,
    SessionFactory,
)
from formations.models import Inscription
from maillage.factories import JetonCalendrierFactory, UserFactory
from maillage.models import JetonCalendrier


def donnees_creer(user, *, taille: int = 1) -> SimpleNamespace:
    """`taille` rows of each kind for `user`, plus another member's words in the same places."""
    autre = UserFactory(first_name="Dominique", last_name="Autre")
    formation = FormationPageFactory(title="Accueillir les publics jeunes")
    passe = timezone.localdate() - datetime.timedelta(days=60)
    attestations = []
    for index in range(taille):
        session = SessionFactory(
            formation=formation,
            date_debut=passe + datetime.timedelta(days=index),
            date_fin=passe + datetime.timedelta(days=index),
        )
        attestation = AttestationFactory(
            inscription__session=session, inscription__user=user, code=f"RGPD{index:04d}"
        )
        attestations.append(attestation)
        EmargementFactory(inscription=attestation.inscription)
        EvaluationFactory(inscription=attestation.inscription, commentaire="Très utile pour moi.")
    a_venir = SessionFactory(formation=formation)
    inscription_a_venir = Inscription.objects.create(
        session=a_venir, user=user, etat=Inscription.Etat.CONFIRMEE
    )

    communaute = CommunauteFactory(nom="Accueil des jeunes")
    AdhesionFactory(user=user, communaute=communaute)
    AdhesionFactory(user=autre, communaute=communaute)
    publications = [
        PublicationFactory(
            communaute=communaute,
            auteur=user,
            titre=f"Ma question {index}",
            corps="<p>Mon sujet</p>",
        )
        for index in range(taille)
    ]
    sujet_autre = PublicationFactory(communaute=communaute, auteur=autre, titre="Sujet de l'autre")
    reponses = [
        ReponseFactory(publication=sujet_autre, auteur=user, corps="<p>Ma réponse</p>")
        for _ in range(taille)
    ]
    reponse_autre = ReponseFactory(
        publication=publications[0], auteur=autre, corps="<p>Réponse de l'autre</p>"
    )
    ReactionFactory(user=user, publication=sujet_autre)
    for index in range(taille):
        MessageSalon.objects.create(communaute=communaute, auteur=user, texte=f"Bonjour {index}")
        NotificationFactory(destinataire=user, texte=f"Nouvelle réponse {index}")
    NotificationFactory(destinataire=autre, acteur=user, texte=f"{user.get_full_name()} a répondu")

    groupe = AdhesionGroupeFactory(user=user).groupe
    AdhesionGroupeFactory(user=autre, groupe=groupe)
    seances = [SeanceFactory(groupe=groupe) for _ in range(taille + 1)]
    plans = [
        PlanActionFactory(seance=seance, auteur=user, texte=f"Mon plan {index}")
        for index, seance in enumerate(seances[:taille])
    ]
    plan_autre = PlanActionFactory(
        seance=seances[-1], auteur=autre, texte="Plan confidentiel de l'autre membre"
    )
    for seance in seances[:taille]:
        ApprentissageFactory(seance=seance, auteur=user, texte="Mon apprentissage")
        NoteTravailFactory(seance=seance, auteur=user, texte="Ma note")
    ApprentissageFactory(seance=seances[0], auteur=autre, texte="Apprentissage de l'autre")
    JetonCalendrierFactory(user=user, flux=JetonCalendrier.Flux.SESSIONS)
    JetonCalendrierFactory(user=user, flux=JetonCalendrier.Flux.SEANCES)
    return SimpleNamespace(
        autre=autre,
        attestations=attestations,
        inscription_a_venir=inscription_a_venir,
        communaute=communaute,
        publications=publications,
        sujet_autre=sujet_autre,
        reponses=reponses,
        reponse_autre=reponse_autre,
        groupe=groupe,
        plans=plans,
        plan_autre=plan_autre,
    )
