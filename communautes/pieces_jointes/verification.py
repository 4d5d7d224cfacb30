"""Checks on attached files: size, and a type recognised from the content, never the name."""

import io
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from ressources.uploads import _matches as document_matches

TYPES_DOCUMENTS = {
    "pdf": "application/pdf",
    "txt": "text/plain",
    "csv": "text/csv",
    "rtf": "application/rtf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
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


def _image_ok(extension: str, data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
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
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if extension in TYPES_IMAGES:
        valide, type_mime = _image_ok(extension, data), TYPES_IMAGES[extension][1]
    else:
        valide, type_mime = document_matches(extension, data), TYPES_DOCUMENTS[extension]
    if not valide:
        raise ValidationError(
            _("« %(nom)s » : le contenu du fichier ne correspond pas à son extension « .%(ext)s ».")
            % {"nom": nom, "ext": extension}
        )
    return FichierVerifie(upload=upload, nom=nom, type_mime=type_mime, taille=len(data))
