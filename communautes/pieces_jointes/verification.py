"""Checks on attached files: size, and a type recognised from the content, never the name.

Each check reads a bounded number of bytes: the file itself is capped by the size limit,
and an office document (a zip archive) is judged from its central directory plus at most
`MIMETYPE_OCTETS` decompressed bytes, so an archive that inflates to gigabytes costs nothing.
"""

import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from maillage.fichiers import (
    ODF,
    OOXML,
    TYPES_DOCUMENTS,
    ArchivePiegee,
    document_matches,
    document_zip_ok,
)

# Pillow format expected for each image extension; SVG is refused (it can carry scripts).
TYPES_IMAGES = {
    "png": ("PNG", "image/png"),
    "jpg": ("JPEG", "image/jpeg"),
    "jpeg": ("JPEG", "image/jpeg"),
    "gif": ("GIF", "image/gif"),
    "webp": ("WEBP", "image/webp"),
}
EXTENSIONS = sorted({*TYPES_DOCUMENTS, *TYPES_IMAGES})


@dataclass
class FichierVerifie:
    upload: object
    nom: str
    type_mime: str
    taille: int


def max_octets() -> int:
    return getattr(settings, "COMMUNAUTES_PIECE_JOINTE_MAX_OCTETS", 10 * 1024 * 1024)


def nom_propre(nom: str) -> str:
    """The uploaded name as a label: no folder, no control character, 200 characters at most."""
    nom = PurePath((nom or "").replace("\\", "/")).name
    nom = "".join(c for c in nom if unicodedata.category(c)[0] != "C").strip(" .")
    if len(nom) > 200:
        suffixe = PurePath(nom).suffix[:10]
        nom = nom[: 200 - len(suffixe)] + suffixe
    return nom or "fichier"


def _image_ok(extension: str, upload) -> bool:
    try:
        with Image.open(upload) as image:
            format_ = image.format
            image.verify()
    except Exception:  # noqa: BLE001 - any decoding failure (or a decompression bomb) refuses
        return False
    return format_ == TYPES_IMAGES[extension][0]


def verifier(upload) -> FichierVerifie:
    """Refuse a file too large, of a type not allowed, or whose content lies about its type."""
    nom = nom_propre(upload.name)
    extension = PurePath(nom).suffix.lower().lstrip(".")
    if extension not in TYPES_DOCUMENTS and extension not in TYPES_IMAGES:
        raise ValidationError(
            _("« %(nom)s » : ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
            % {"nom": nom, "types": ", ".join(EXTENSIONS)}
        )
    if upload.size > max_octets():
        raise ValidationError(
            _("« %(nom)s » dépasse la taille maximale de %(max)s.")
            % {"nom": nom, "max": filesizeformat(max_octets())}
        )
    if upload.size == 0:
        raise ValidationError(_("« %(nom)s » est vide.") % {"nom": nom})
    try:
        valide, type_mime = _contenu_ok(extension, upload)
    except ArchivePiegee:
        raise ValidationError(
            _(
                "« %(nom)s » : archive refusée, son contenu décompressé serait démesuré par "
                "rapport à sa taille (fichier piégé ou corrompu)."
            )
            % {"nom": nom}
        ) from None
    finally:
        upload.seek(0)
    if not valide:
        raise ValidationError(
            _("« %(nom)s » : le contenu du fichier ne correspond pas à son extension « .%(ext)s ».")
            % {"nom": nom, "ext": extension}
        )
    return FichierVerifie(upload=upload, nom=nom, type_mime=type_mime, taille=upload.size)


def _contenu_ok(extension: str, upload) -> tuple[bool, str]:
    """Whether the content matches the extension, reading at most the size limit."""
    upload.seek(0)
    if extension in TYPES_IMAGES:
        return _image_ok(extension, upload), TYPES_IMAGES[extension][1]
    type_mime = TYPES_DOCUMENTS[extension]
    if extension in OOXML or extension in ODF:
        if upload.read(4) != b"PK\x03\x04":
            return False, type_mime
        upload.seek(0)
        return document_zip_ok(extension, upload), type_mime
    return document_matches(extension, upload.read(max_octets())), type_mime
