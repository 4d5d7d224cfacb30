"""Checks on uploaded tool files: the content must match the extension, whatever the name says."""

import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OOXML = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "<script" not in text.lower() and "<html" not in text.lower()


def _matches(extension: str, data: bytes) -> bool:
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "rtf":
        return data.startswith(b"{\\rtf")
    if extension in ("txt", "csv"):
        return _is_text(data)
    if not data.startswith(b"PK\x03\x04"):
        return False
    names = _zip_names(data)
    if names is None:
        return False
    if extension in OOXML:
        return "[Content_Types].xml" in names and any(n.startswith(OOXML[extension]) for n in names)
    if extension in ODF:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "mimetype" in names and archive.read("mimetype").strip() == ODF[extension]
    return extension == "zip"


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
    if not _matches(extension, data):
        raise ValidationError(
            _("Le contenu du fichier ne correspond pas à son extension « .%(ext)s ».")
            % {"ext": extension}
        )
