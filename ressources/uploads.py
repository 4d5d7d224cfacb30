"""Checks on uploaded tool files: the content must match the extension, whatever the name says."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.fichiers import ArchivePiegee, document_matches


def check_document(upload) -> None:
    """Refuse a file that is too large, of a kind not allowed, or whose content lies about it."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in settings.WAGTAILDOCS_EXTENSIONS:
        raise ValidationError(
            _("Ce type de fichier n'est pas accepté (%(ext)s).") % {"ext": extension or "?"}
        )
    if upload.size > settings.WAGTAILDOCS_MAX_UPLOAD_SIZE:
        raise ValidationError(_("Le fichier dépasse la taille maximale autorisée."))
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        conforme = document_matches(extension, data)
    except ArchivePiegee:
        raise ValidationError(
            _(
                "Archive refusée : son contenu décompressé serait démesuré par rapport à sa "
                "taille (fichier piégé ou corrompu)."
            )
        ) from None
    if not conforme:
        raise ValidationError(
            _("Le contenu du fichier ne correspond pas à son extension « .%(ext)s ».")
            % {"ext": extension}
        )
