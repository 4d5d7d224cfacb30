"""Content checks of uploaded files, shared by community attachments and tool files: the
type is recognised from the content, never the name, and each check reads a bounded number
of bytes. An office document (a zip archive) is judged from its central directory plus at
most `MIMETYPE_OCTETS` decompressed bytes, so an archive that inflates to gigabytes costs
nothing."""

import io
import zipfile
import zlib

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


class ArchivePiegee(Exception):
    """An archive whose declared content is out of proportion with its size."""


def zip_verifie(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
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


def document_zip_ok(extension: str, upload) -> bool:
    """An OOXML or ODF document: the members its format requires; raise ArchivePiegee."""
    try:
        with zipfile.ZipFile(upload) as archive:
            noms = {membre.filename for membre in zip_verifie(archive)}
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


def is_text(data: bytes) -> bool:
    """UTF-8 text with no NUL byte and nothing a browser would run."""
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "<script" not in text.lower() and "<html" not in text.lower()


def document_matches(extension: str, data: bytes) -> bool:
    """Whether bytes are a document of that extension; raise ArchivePiegee for a zip bomb."""
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "rtf":
        return data.startswith(b"{\\rtf")
    if extension in ("txt", "csv"):
        return is_text(data)
    if not data.startswith(b"PK\x03\x04"):
        return False
    if extension in OOXML or extension in ODF:
        return document_zip_ok(extension, io.BytesIO(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            zip_verifie(archive)
    except (zipfile.BadZipFile, ValueError):
        return False
    return extension == "zip"
