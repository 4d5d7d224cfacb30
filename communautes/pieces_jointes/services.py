"""Writes of attachments: every file is checked before anything is written."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communautes import services
from communautes.models import PieceJointe, Publication, Reponse

from .verification import verifier

MAX_PAR_MESSAGE = 5


def pieces_jointes_check(*, fichiers: list) -> list:
    """All the files' problems at once, in French; nothing is written."""
    verifies, erreurs = [], []
    for upload in fichiers:
        try:
            verifies.append(verifier(upload))
        except ValidationError as exc:
            erreurs.extend(exc.messages)
    if erreurs:
        raise ValidationError({"pieces_jointes": erreurs})
    return verifies


@transaction.atomic
def pieces_jointes_add(
    *,
    user,
    fichiers: list,
    publication: Publication | None = None,
    reponse: Reponse | None = None,
) -> list[PieceJointe]:
    """Attach files to a publication or a reply, by its author (or a manager)."""
    if (publication is None) == (reponse is None):
        raise ValueError("attach to exactly one publication or reply")
    cible = publication or reponse
    communaute = (publication or reponse.publication).communaute
    services.check_can_edit(user=user, cible=cible)
    services.check_open(communaute=communaute)
    deja = cible.pieces_jointes.count()
    if deja + len(fichiers) > MAX_PAR_MESSAGE:
        raise ValidationError(
            {
                "pieces_jointes": _("%(max)d pièces jointes au plus par message.")
                % {"max": MAX_PAR_MESSAGE}
            }
        )
    target = {"publication": publication} if publication else {"reponse": reponse}
    pieces = []
    for verifie in pieces_jointes_check(fichiers=fichiers):
        piece = PieceJointe(
            nom=verifie.nom, type_mime=verifie.type_mime, taille=verifie.taille, **target
        )
        piece.fichier.save(verifie.nom, verifie.upload, save=False)
        piece.save()
        pieces.append(piece)
    return pieces
