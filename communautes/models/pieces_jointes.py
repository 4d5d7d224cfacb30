"""Files attached to publications and replies, kept out of the public media folder."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .publications import Publication, Reponse


@deconstructible
class PiecesJointesStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT and without a URL: only the membership-checking view serves
    them, never the web server nor Django's static media route."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return getattr(
            settings,
            "COMMUNAUTES_PIECES_JOINTES_ROOT",
            Path(settings.MEDIA_ROOT).parent / "pieces-jointes",
        )

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    def url(self, name):
        raise ValueError("attachments have no public URL")


def _chemin(instance: "PieceJointe", filename: str) -> str:
    # A random name: the uploaded one is only a label, never a path.
    suffixe = Path(filename).suffix.lower()[:10]
    return f"{instance.cree_le:%Y/%m}/{uuid.uuid4().hex}{suffixe}"


class PieceJointe(models.Model):
    """An attachment of a publication or of a reply (never both)."""

    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pieces_jointes",
    )
    reponse = models.ForeignKey(
        Reponse,
        verbose_name=_("réponse"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pieces_jointes",
    )
    fichier = models.FileField(
        _("fichier"), storage=PiecesJointesStorage(), upload_to=_chemin, max_length=200
    )
    nom = models.CharField(_("nom du fichier"), max_length=200)
    type_mime = models.CharField(_("type"), max_length=100)
    taille = models.PositiveBigIntegerField(_("taille (octets)"))
    # Set before save (not auto_now_add) because the storage path is built from it.
    cree_le = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["cree_le", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publication__isnull=False, reponse__isnull=True)
                | Q(publication__isnull=True, reponse__isnull=False),
                name="piece_jointe_une_seule_cible",
            )
        ]

    def __str__(self) -> str:
        return self.nom


@receiver(post_delete, sender=PieceJointe)
def _supprimer_fichier(sender, instance: PieceJointe, **kwargs) -> None:
    """The file goes with its row (publication deleted by moderation, account erased…),
    once the deletion is committed so a rollback keeps both."""
    nom, storage = instance.fichier.name, instance.fichier.storage
    if nom:
        transaction.on_commit(lambda: storage.delete(nom))
