"""Views of the fixed routes of formations/urls.py under /catalogue/: calendar files, private
feed, enrolment, attendance, attestations, questionnaires, indicators (the list the catalogue
page serves is in `catalogue.listing`)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.http import local_url, parse_ids
from maillage.models import JetonCalendrier
from maillage.service_errors import show_refusal
from maillage.services import calendar_token_create, calendar_token_revoke

from . import graphiques, indicateurs, mixite, permissions, selectors, services
from .attestations import attestation_pdf
from .calendrier import calendrier_ics
from .forms import EvaluationForm
from .models import Evaluation, Inscription, ProgrammePage, Session, SessionDate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def session_ics(request, pk: int):
    session = selectors.session_get_public(pk=pk)
    if session is None:
        raise Http404
    reponse = HttpResponse(calendrier_ics([session]), content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return reponse


def agenda_prive(request, jeton: str):
    sessions = selectors.session_list_for_calendar_token(jeton=jeton)
    if sessions is None:
        raise Http404
    reponse = HttpResponse(calendrier_ics(sessions), content_type="text/calendar; charset=utf-8")
    reponse["Cache-Control"] = "private, no-store"
    return reponse


def _catalogue_url(request) -> str:
    """Where an action on a session returns: the live catalogue page."""
    page = selectors.catalogue_page_live()
    return (page.get_url(request) if page else None) or "/"


def agenda_lien(request):
    """POST: create (or replace) the private feed link; with `revoquer`, delete it."""
    if refus := _post_connecte(request):
        return refus
    if request.POST.get("revoquer"):
        calendar_token_revoke(user=request.user, flux=JetonCalendrier.Flux.SESSIONS)
        messages.success(request, _("Votre lien d'agenda privé est désactivé."))
    else:
        jeton = calendar_token_create(user=request.user, flux=JetonCalendrier.Flux.SESSIONS)
        lien = request.build_absolute_uri(reverse("formations:agenda_prive", args=[jeton]))
        messages.success(
            request,
            _(
                "Votre lien d'agenda privé (à ne pas partager ; l'ancien ne fonctionne plus) : "
                "%(lien)s"
            )
            % {"lien": lien},
        )
    return redirect(local_url(request.POST.get("suivant"), default=_catalogue_url(request)))


def _post_connecte(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def session_inscription(request, pk: int):
    if refus := _post_connecte(request):
        return refus
    session = get_object_or_404(Session, pk=pk, formation__live=True)
    try:
        inscription = services.inscription_create(session=session, user=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        message = _("Inscription : %(etat)s.") % {"etat": inscription.get_etat_display()}
        if inscription.etat == Inscription.Etat.LISTE_ATTENTE and inscription.motif_attente:
            message = f"{message} {inscription.get_motif_attente_display()}"
        messages.success(request, message)
    return redirect(_catalogue_url(request))


def session_annulation(request, pk: int):
    if refus := _post_connecte(request):
        return refus
    inscription = get_object_or_404(Inscription, session_id=pk, user=request.user)
    services.inscription_cancel(inscription=inscription, user=request.user)
    messages.success(request, _("Votre inscription est annulée."))
    return redirect(_catalogue_url(request))


def emargement(request, pk: int, creneau_pk: int):
    """The attendance sheet of one slot, filled by a trainer (on a phone)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    creneau = get_object_or_404(
        SessionDate.objects.select_related("session__formation"), pk=creneau_pk, session_id=pk
    )
    session = creneau.session
    if not permissions.can_take_attendance(request.user, session):
        raise PermissionDenied
    if request.method == "POST":
        presents = parse_ids(request.POST.getlist("presents"))
        try:
            services.emargement_record(creneau=creneau, presents=presents, user=request.user)
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("La feuille d'émargement est enregistrée."))
            return redirect(request.get_full_path())
    participants = selectors.emargement_sheet(creneau=creneau)
    return TemplateResponse(
        request,
        "formations/emargement.html",
        {
            "session": session,
            "creneau": creneau,
            "participants": participants,
            "refus": services.emargement_refus(creneau=creneau),
        },
    )


def attestation_telecharger(request, pk: int):
    """The participant's attestation of attendance for a session, as a PDF."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    inscription = get_object_or_404(Inscription, session_id=pk, user=request.user)
    try:
        attestation = services.attestation_issue(inscription=inscription, user=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect(_catalogue_url(request))
    url = request.build_absolute_uri(
        reverse("formations:attestation_verifier", args=[attestation.code])
    )
    reponse = HttpResponse(attestation_pdf(attestation, url), content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="attestation-{attestation.code}.pdf"'
    return reponse


def attestation_verifier(request, code: str):
    """Public check of an attestation by its code."""
    attestation = selectors.attestation_get(code=code)
    if attestation is None:
        raise Http404
    return TemplateResponse(
        request, "formations/attestation_verification.html", {"attestation": attestation}
    )


def evaluation(request, pk: int, type_: str):
    """The participant's questionnaire (satisfaction or follow-up) for a session."""
    if type_ not in Evaluation.Type.values:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    inscription = get_object_or_404(
        Inscription.objects.select_related("session__formation"), session_id=pk, user=request.user
    )
    existante = inscription.evaluations.filter(type=type_).first()
    formulaire = EvaluationForm(request.POST or None, instance=existante)
    if request.method == "POST" and formulaire.is_valid():
        try:
            services.evaluation_submit(
                inscription=inscription, user=request.user, type=type_, **formulaire.cleaned_data
            )
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Merci, votre réponse est enregistrée."))
            return redirect("dashboard")
    return TemplateResponse(
        request,
        "formations/evaluation.html",
        {
            "formulaire": formulaire,
            "inscription": inscription,
            "type": type_,
            "refus": services.evaluation_refus(inscription=inscription, type=type_),
        },
    )


def session_evaluations(request, pk: int):
    """The answers to a session's questionnaires, for its trainers (and staff)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    session = get_object_or_404(Session.objects.select_related("formation"), pk=pk)
    if not permissions.can_see_session_evaluations(request.user, session):
        raise PermissionDenied
    resultats = selectors.evaluation_results(session=session)
    vide = {"demandes": 0, "reponses": 0, "note_globale": None, "note_utilite": None}
    questionnaires = [
        {"type": type_, "libelle": libelle, **resultats.get(type_, vide)}
        for type_, libelle in Evaluation.Type.choices
    ]
    return TemplateResponse(
        request,
        "formations/session_evaluations.html",
        {
            "session": session,
            "questionnaires": questionnaires,
            "presents": session.inscriptions.filter(etat=Inscription.Etat.PRESENT).count(),
            "commentaires": selectors.evaluation_comments(session=session),
        },
    )


def programme_indicateurs(request, pk: int):
    """Fill rate, waiting lists, attendance and satisfaction of a programme (HTML/CSV/XLSX),
    for those who may edit it (the région's editors)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    programme = get_object_or_404(ProgrammePage, pk=pk)
    if not permissions.can_see_programme_indicators(request.user, programme):
        raise PermissionDenied
    sessions = selectors.programme_indicators(programme=programme)
    mix = mixite.programme_mixite(programme=programme, sessions=sessions)
    tableaux = indicateurs.tableaux_mixite(mix)
    format_ = request.GET.get("format")
    if format_ == "csv":
        # `tableau` names one of the mix tables; anything else gives the sessions table.
        tableau = tableaux.get(request.GET.get("tableau", ""))
        suffixe = f"-{request.GET['tableau']}" if tableau else ""
        reponse = HttpResponse(
            indicateurs.en_csv(sessions, mix.mixes, tableau), content_type="text/csv; charset=utf-8"
        )
        reponse["Content-Disposition"] = f'attachment; filename="programme-{pk}{suffixe}.csv"'
        return reponse
    if format_ == "xlsx":
        reponse = HttpResponse(
            indicateurs.en_xlsx(sessions, mix.mixes, tableaux), content_type=XLSX
        )
        reponse["Content-Disposition"] = f'attachment; filename="programme-{pk}.xlsx"'
        return reponse
    entetes, valeurs = indicateurs.lignes(sessions, mix.mixes)
    resultats = selectors.evaluation_results(programme=programme)
    notes = selectors.evaluation_marks(programme=programme)
    chiffres = graphiques.chiffres_cles(sessions, resultats)
    part = mix.part_mixtes
    chiffres.append((_("Sessions mixtes"), "—" if part is None else f"{part} %"))
    return TemplateResponse(
        request,
        "formations/programme_indicateurs.html",
        {
            "programme": programme,
            "entetes": entetes,
            "valeurs": valeurs,
            "resultats": resultats,
            "chiffres": chiffres,
            "graphiques": graphiques.programme(sessions, resultats, notes),
            "graphiques_mixite": [
                graphiques.mixite_territoires(mix),
                graphiques.mixite_sessions(sessions, mix.mixes),
            ],
            "tableaux_mixite": tableaux,
            "non_touches": mix.non_touches,
        },
    )


def catalogue_redirect(request):
    """The menu's fixed address: on to the live catalogue page, wherever it is."""
    page = selectors.catalogue_page_live()
    if page is None:
        raise Http404(_("Le catalogue des formations n'est pas encore publié."))
    return redirect(page.get_url(request))
