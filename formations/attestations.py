"""PDF rendering of attestations of attendance (fpdf2, core fonts)."""

from django.conf import settings
from django.utils import formats
from fpdf import FPDF

from .models import Attestation


def _latin1(texte: str) -> str:
    # Core PDF fonts cover Latin-1, which holds French; anything else becomes "?".
    remplacements = {"’": "'", "–": "-", "—": "-", "œ": "oe", "Œ": "OE", "€": "EUR"}
    for avant, apres in remplacements.items():
        texte = texte.replace(avant, apres)
    return texte.encode("latin-1", "replace").decode("latin-1")


def attestation_pdf(attestation: Attestation, url_verification: str) -> bytes:
    inscription = attestation.inscription
    session = inscription.session
    formation = session.formation
    participant = inscription.user.get_full_name() or inscription.user.email
    dates = ""
    if session.date_debut:
        dates = formats.date_format(session.date_debut, "j F Y")
        if session.date_fin and session.date_fin != session.date_debut:
            dates = f"du {dates} au {formats.date_format(session.date_fin, 'j F Y')}"
    heures = formats.number_format(attestation.heures.normalize(), use_l10n=True)
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Attestation de présence - {formation.title}"))
    pdf.set_creator(settings.WAGTAIL_SITE_NAME)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 14, _latin1("Attestation de présence"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(8)
    pdf.set_font("Helvetica", size=12)
    lignes = [
        f"Nous attestons que {participant} a suivi la formation :",
        f"« {formation.title} »",
        f"Organisme : {formation.organisme}" if formation.organisme else "",
        f"Session : {dates}" if dates else "",
        f"Lieu : {session.ville}" if session.ville else "Formation à distance",
        f"Durée effectivement suivie : {heures} heures (feuilles d'émargement).",
    ]
    for ligne in filter(None, lignes):
        pdf.multi_cell(0, 8, _latin1(ligne), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(
        0,
        6,
        _latin1(
            f"Code de vérification : {attestation.code}\n"
            f"Vérifiez l'authenticité de cette attestation sur {url_verification}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
