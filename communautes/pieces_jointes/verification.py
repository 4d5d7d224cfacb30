"""Checks on attached files: size, and a type recognised from the content, never the name.

Each check reads a bounded number of bytes: the file itself is capped by the size limit,
and an office document (a zip archive) is judged from its central directory plus at most
`MIMETYPE_OCTETS` decompressed bytes, so an archive that inflates to gigabytes costs nothing.
"""

import unicodedata
import zipfile
import zlib
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
OOXML = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF = {"odt", "ods", "odp"}
# Office archives: what their central directory may declare. Real documents stay far below
# (a full 10 MB spreadsheet inflates to about 100 MB of XML at a ratio near 10).
ZIP_MAX_ENTREES = 2000
ZIP_MAX_DECOMPRESSE = 256 * 1024 * 1024
ZIP_MAX_RATIO = 100
# Small members compress well whatever their content; the ratio only matters above this.
ZIP_RATIO_SEUIL = 1024 * 1024
# The longest ODF `mimetype` value plus room for a trailing newline.
MIMETYPE_OCTETS = 64


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


class ArchivePiegee(Exception):
    """An archive whose declared content is out of proportion with its size."""


def _zip_verifie(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The members of `archive`, read from its central directory only; raise ArchivePiegee
    when they are too many or declare an abnormal decompressed size."""
    membres = archive.infolist()
    if len(membres) > ZIP_MAX_ENTREES:
        raise ArchivePiegee
    if sum(membre.file_size for membre in membres) > ZIP_MAX_DECOMPRESSE:
        raise ArchivePiegee
    for membre in membres:
        if membre.file_size > ZIP_RATIO_SEUIL and membre.file_size > ZIP_MAX_RATIO * max(
            membre.compress_size, 1
        ):
            raise ArchivePiegee
    return membres


def _document_zip_ok(extension: str, upload) -> bool:
    """An OOXML or ODF document: the members its format requires; raise ArchivePiegee."""
    try:
        with zipfile.ZipFile(upload) as archive:
            noms = {membre.filename for membre in _zip_verifie(archive)}
            if extension in OOXML:
                return "[Content_Types].xml" in noms and any(
                    nom.startswith(OOXML[extension]) for nom in noms
                )
            if "mimetype" not in noms:
                return False
            # A bounded read: the declared size may lie, the decompressor stops here anyway.
            with archive.open("mimetype") as membre:
                valeur = membre.read(MIMETYPE_OCTETS + 1)
    # Damaged archive, unknown compression method (NotImplementedError), encrypted member.
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ):
        return False
    return len(valeur) <= MIMETYPE_OCTETS and valeur.strip() == TYPES_DOCUMENTS[extension].encode()


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
        return _document_zip_ok(extension, upload), type_mime
    return document_matches(extension, upload.read(max_octets())), type_mime
