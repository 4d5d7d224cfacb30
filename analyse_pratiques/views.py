"""Pages of the practice-analysis groups: parse → selector/service → render (thin)."""

import functools
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from maillage.http import parse_id
from maillage.models import JetonCalendrier
from maillage.selectors import calendar_token_active, user_by_email
from maillage.service_errors import show_refusal
from maillage.services import calendar_token_create, calendar_token_revoke

from . import permissions, selectors, services
from .agenda import seances_ics
from .cas import selectors as cas_selectors
from .cas import services as cas_services
from .forms import (
    CasEditionForm,
    CasForm,
    CharteForm,
    ChecklistForm,
    EcarterForm,
    EvaluationForm,
    GroupeForm,
    InvitationForm,
    ProlongerForm,
    RolesForm,
    SeanceForm,
    SignalForm,
    TexteForm,
)
from .models import CasPropose, Seance
from .permissions import Acces
from .selectors import CharteNonAcceptee

PILOTAGE = ("ouvrir", "avancer", "pause", "reprendre", "prolonger", "terminer")


def signed_in_only(view: Callable) -> Callable:
    """Signed-in users only (`login_required`), never cached; a member with a pending charter
    is sent to it."""

    @functools.wraps(view)
    @login_required
    @never_cache
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except CharteNonAcceptee as exc:
            return redirect("analyse_pratiques:charte", slug=exc.groupe.slug)

    return wrapper


def _run(request: HttpRequest, action: Callable, succes: str | None, cible: str) -> HttpResponse:
    """Call a service; show its refusal as a message; go back to `cible` either way."""
    try:
        action()
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        if succes:
            messages.success(request, succes)
    return redirect(cible)


def _form_errors(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# --- groups ------------------------------------------------------------------------------


@signed_in_only
def mes_groupes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "analyse_pratiques/mes_groupes.html",
        {
            "mes_groupes": selectors.groupes_for_user(user=request.user),
            "groupes_listes": selectors.groupes_listes(user=request.user),
            "agenda_actif": calendar_token_active(
                user=request.user, flux=JetonCalendrier.Flux.SEANCES
            ),
            "peut_creer": permissions.can_create_groupe(request.user),
        },
    )


@signed_in_only
def groupe_creer(request: HttpRequest) -> HttpResponse:
    """A facilitator creates a group and becomes its facilitator, then invites its members."""
    services.check_can_create_groupe(user=request.user)
    form = GroupeForm(request.POST or None, initial={"texte_charte": services.charte_type()})
    if request.method == "POST" and form.is_valid():
        try:
            groupe = services.groupe_create(animateur=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Le groupe est créé : invitez maintenant ses membres."))
            return redirect(_animation_url(groupe))
    return render(request, "analyse_pratiques/groupe_form.html", {"form": form})


@signed_in_only
def groupe_detail(request: HttpRequest, slug: str) -> HttpResponse:
    groupe, acces = selectors.groupe_ou_invitation_for_user(user=request.user, slug=slug)
    if acces == Acces.INVITE:
        return render(
            request,
            "analyse_pratiques/invitation.html",
            {"groupe": groupe, "charte": selectors.charte_courante(groupe=groupe)},
        )
    return render(
        request,
        "analyse_pratiques/groupe.html",
        {
            "groupe": groupe,
            "acces": acces,
            "est_animateur": permissions.can_lead_groupe(request.user, groupe),
            "membres": selectors.membres_actifs(groupe=groupe),
            "mix": selectors.reseaux_mix(groupe=groupe),
            "seances": selectors.seances_of(groupe=groupe),
            "charte": selectors.charte_courante(groupe=groupe),
            "cas_proposes": cas_selectors.cas_of_groupe(groupe=groupe, user=request.user),
        },
    )


@signed_in_only
def charte(request: HttpRequest, slug: str) -> HttpResponse:
    groupe, charte, acces, acceptee = selectors.charte_for_user(user=request.user, slug=slug)
    if request.method == "POST":
        if request.POST.get("accepte") != "oui":
            messages.error(request, _("Cochez la case pour accepter la charte."))
            return redirect("analyse_pratiques:charte", slug=groupe.slug)
        return _run(
            request,
            lambda: services.charte_accept(user=request.user, groupe=groupe),
            _("Vous avez accepté la charte du groupe."),
            reverse("analyse_pratiques:groupe", args=[groupe.slug]),
        )
    return render(
        request,
        "analyse_pratiques/charte.html",
        {"groupe": groupe, "charte": charte, "acces": acces.value, "acceptee": acceptee},
    )


@signed_in_only
@require_POST
def candidater(request: HttpRequest, slug: str) -> HttpResponse:
    groupe = selectors.groupe_candidature_for_user(user=request.user, slug=slug)
    return _run(
        request,
        lambda: services.adhesion_apply(user=request.user, groupe=groupe),
        _("Votre candidature est transmise à l'animateur du groupe."),
        reverse("analyse_pratiques:mes_groupes"),
    )


@signed_in_only
@require_POST
def decliner(request: HttpRequest, slug: str) -> HttpResponse:
    groupe, acces = selectors.groupe_ou_invitation_for_user(user=request.user, slug=slug)
    if acces != Acces.INVITE:
        raise Http404
    return _run(
        request,
        lambda: services.adhesion_decline(user=request.user, groupe=groupe),
        _("Vous avez décliné l'invitation."),
        reverse("analyse_pratiques:mes_groupes"),
    )


@signed_in_only
@require_POST
def quitter(request: HttpRequest, slug: str) -> HttpResponse:
    groupe, _acces = selectors.groupe_for_user(user=request.user, slug=slug)
    return _run(
        request,
        lambda: services.adhesion_leave(user=request.user, groupe=groupe),
        _("Vous avez quitté le groupe."),
        reverse("analyse_pratiques:mes_groupes"),
    )


# --- facilitator -------------------------------------------------------------------------


@signed_in_only
def animation(request: HttpRequest, slug: str) -> HttpResponse:
    groupe = selectors.groupe_for_animateur(user=request.user, slug=slug)
    return render(
        request,
        "analyse_pratiques/animation.html",
        {
            "groupe": groupe,
            "membres": selectors.membres_actifs(groupe=groupe),
            "en_attente": selectors.adhesions_en_attente(groupe=groupe),
            "charte": selectors.charte_courante(groupe=groupe),
            "invitation_form": InvitationForm(),
            "annuaire": request.GET.get("annuaire", "")[:100],
            "invitables": selectors.invitables_annuaire(
                user=request.user, groupe=groupe, texte=request.GET.get("annuaire", "")
            ),
            "charte_form": CharteForm(),
            "seance_form": SeanceForm(),
        },
    )


def _animation_url(groupe) -> str:
    return reverse("analyse_pratiques:animation", args=[groupe.slug])


@signed_in_only
@require_POST
def inviter(request: HttpRequest, slug: str) -> HttpResponse:
    groupe = selectors.groupe_for_animateur(user=request.user, slug=slug)
    if "user_id" in request.POST:
        # Chosen in the directory: only someone the facilitator may see there.
        invite = selectors.compte_annuaire(
            user=request.user, pk=parse_id(request.POST.get("user_id"))
        )
        if invite is None:
            messages.error(request, _("Cette personne n'est pas dans l'annuaire."))
            return redirect(_animation_url(groupe))
    else:
        form = InvitationForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect(_animation_url(groupe))
        invite = user_by_email(email=form.cleaned_data["email"])
        if invite is None:
            messages.error(request, _("Aucun compte n'utilise cette adresse e-mail."))
            return redirect(_animation_url(groupe))
    return _run(
        request,
        lambda: services.adhesion_invite(animateur=request.user, groupe=groupe, user=invite),
        _("L'invitation est envoyée."),
        _animation_url(groupe),
    )


@signed_in_only
@require_POST
def charte_publier(request: HttpRequest, slug: str) -> HttpResponse:
    groupe = selectors.groupe_for_animateur(user=request.user, slug=slug)
    form = CharteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_animation_url(groupe))
    return _run(
        request,
        lambda: services.charte_publish(
            user=request.user, groupe=groupe, texte=form.cleaned_data["texte"]
        ),
        _("La nouvelle version de la charte est publiée : chaque membre devra l'accepter."),
        _animation_url(groupe),
    )


@signed_in_only
@require_POST
def seance_planifier(request: HttpRequest, slug: str) -> HttpResponse:
    groupe = selectors.groupe_for_animateur(user=request.user, slug=slug)
    form = SeanceForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_animation_url(groupe))
    return _run(
        request,
        lambda: services.seance_schedule(
            user=request.user, groupe=groupe, date=form.cleaned_data["date"]
        ),
        _("La séance est programmée ; les membres en sont avertis."),
        _animation_url(groupe),
    )


def _membre_action(request: HttpRequest, slug: str, user_id: int, service, succes: str):
    groupe = selectors.groupe_for_animateur(user=request.user, slug=slug)
    adhesion = selectors.adhesions_of(groupe=groupe).filter(user_id=user_id).first()
    if adhesion is None:
        raise Http404
    return _run(
        request,
        lambda: service(animateur=request.user, groupe=groupe, user=adhesion.user),
        succes,
        _animation_url(groupe),
    )


@signed_in_only
@require_POST
def membre_approuver(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    return _membre_action(
        request, slug, user_id, services.adhesion_approve, _("La candidature est acceptée.")
    )


@signed_in_only
@require_POST
def membre_retirer(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    return _membre_action(
        request, slug, user_id, services.adhesion_remove, _("La personne est retirée du groupe.")
    )


# --- séances -----------------------------------------------------------------------------


def _seance_url(seance: Seance) -> str:
    return reverse("analyse_pratiques:seance", args=[seance.pk])


@signed_in_only
def seance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seance, acces = selectors.seance_for_user(user=request.user, pk=pk)
    est_animateur = permissions.can_lead_groupe(request.user, seance.groupe)
    context = {
        "seance": seance,
        "groupe": seance.groupe,
        "etat": selectors.seance_state(seance=seance),
        "phases": seance.phases,
        "est_animateur": est_animateur,
        "est_client": permissions.can_write_as_client(request.user, seance, acces=acces),
        "peut_proposer_cas": permissions.can_propose_cas(request.user, seance, acces=acces),
        "peut_noter": permissions.can_rate_seance(request.user, seance, acces=acces),
        "texte_form": TexteForm(),
        "evaluation_form": EvaluationForm(),
        "cas_proposes": selectors.cas_of_seance(seance=seance),
        **selectors.seance_contenu_for_user(user=request.user, seance=seance),
    }
    if est_animateur:
        membres = [m.user for m in selectors.membres_actifs(groupe=seance.groupe)]
        context.update(
            roles_form=RolesForm(
                membres=membres,
                initial={"client": seance.client_id, "scribe": seance.scribe_id},
            ),
            clients_proposes=selectors.clients_proposes(groupe=seance.groupe),
            prolonger_form=ProlongerForm(),
            evaluations=selectors.evaluation_aggregate(user=request.user, seance=seance),
        )
    return render(request, "analyse_pratiques/seance.html", context)


@signed_in_only
def seance_etat(request: HttpRequest, pk: int) -> HttpResponse:
    """The live state as JSON, for clients that cannot keep a WebSocket open."""
    seance, _acces = selectors.seance_for_user(user=request.user, pk=pk)
    return JsonResponse(selectors.seance_state(seance=seance))


@signed_in_only
@require_POST
def seance_roles(request: HttpRequest, pk: int) -> HttpResponse:
    seance, _acces = selectors.seance_for_user(user=request.user, pk=pk)
    services.check_animateur(user=request.user, groupe=seance.groupe)
    membres = [m.user for m in selectors.membres_actifs(groupe=seance.groupe)]
    form = RolesForm(request.POST, membres=membres)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_seance_url(seance))
    return _run(
        request,
        lambda: services.seance_roles(
            user=request.user, seance=seance, client=form.user("client"), scribe=form.user("scribe")
        ),
        _("Les rôles sont enregistrés."),
        _seance_url(seance),
    )


@signed_in_only
@require_POST
def seance_pilotage(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    seance, _acces = selectors.seance_for_user(user=request.user, pk=pk)
    services.check_animateur(user=request.user, groupe=seance.groupe)
    kwargs = {"user": request.user, "seance": seance}
    if action == "prolonger":
        form = ProlongerForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect(_seance_url(seance))
        kwargs["secondes"] = form.cleaned_data["minutes"] * 60
    service = {
        "ouvrir": services.seance_open,
        "avancer": services.seance_advance,
        "pause": services.seance_pause,
        "reprendre": services.seance_resume,
        "prolonger": services.seance_extend,
        "terminer": services.seance_end,
    }[action]
    return _run(request, lambda: service(**kwargs), None, _seance_url(seance))


ECRITS = {
    "question": (services.question_save, gettext_lazy("Votre question est enregistrée.")),
    "plan": (services.plan_action_save, gettext_lazy("Votre plan d'action est enregistré.")),
    "apprentissage": (
        services.apprentissage_save,
        gettext_lazy("Votre apprentissage est enregistré."),
    ),
    "note": (services.note_add, gettext_lazy("La note est ajoutée.")),
}


@signed_in_only
@require_POST
def seance_ecrit(request: HttpRequest, pk: int, quoi: str) -> HttpResponse:
    seance, _acces = selectors.seance_for_user(user=request.user, pk=pk)
    form = TexteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_seance_url(seance))
    service, succes = ECRITS[quoi]
    return _run(
        request,
        lambda: service(user=request.user, seance=seance, texte=form.cleaned_data["texte"]),
        str(succes),
        _seance_url(seance),
    )


@signed_in_only
@require_POST
def seance_evaluer(request: HttpRequest, pk: int) -> HttpResponse:
    seance, _acces = selectors.seance_for_user(user=request.user, pk=pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_seance_url(seance))
    return _run(
        request,
        lambda: services.evaluation_save(
            user=request.user, seance=seance, utilite=form.cleaned_data["utilite"]
        ),
        _("Merci, votre avis est enregistré."),
        _seance_url(seance),
    )


# --- calendars ---------------------------------------------------------------------------


def _ics(contenu: str, nom_fichier: str) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{nom_fichier}"'
    return reponse


@signed_in_only
def seance_ics(request: HttpRequest, pk: int) -> HttpResponse:
    seance, _acces = selectors.seance_for_user(user=request.user, pk=pk)
    return _ics(seances_ics([seance]), f"seance-{seance.pk}.ics")


@never_cache
@require_GET
def agenda(request: HttpRequest, jeton: str) -> HttpResponse:
    """The private feed: the secret in the URL stands for the login (calendar apps have none)."""
    seances = selectors.seances_for_jeton(jeton=jeton)
    if seances is None:
        raise Http404
    return _ics(seances_ics(seances), "seances.ics")


@signed_in_only
@require_POST
def agenda_lien(request: HttpRequest) -> HttpResponse:
    """Create (or replace) the private feed link; with `revoquer`, delete it."""
    if request.POST.get("revoquer"):
        calendar_token_revoke(user=request.user, flux=JetonCalendrier.Flux.SEANCES)
        messages.success(request, _("Votre lien d'agenda des séances est désactivé."))
    else:
        jeton = calendar_token_create(user=request.user, flux=JetonCalendrier.Flux.SEANCES)
        lien = request.build_absolute_uri(reverse("analyse_pratiques:agenda", args=[jeton]))
        messages.success(
            request,
            _(
                "Votre lien d'agenda des séances (à ne pas partager ; l'ancien ne fonctionne "
                "plus) : %(lien)s"
            )
            % {"lien": lien},
        )
    return redirect("analyse_pratiques:mes_groupes")


# --- from a situation to the case library ------------------------------------------------


def _cas_url(cas) -> str:
    return reverse("analyse_pratiques:cas", args=[cas.pk])


@signed_in_only
def cas_proposer(request: HttpRequest, pk: int) -> HttpResponse:
    seance, acces = selectors.seance_for_user(user=request.user, pk=pk)
    if not permissions.can_propose_cas(request.user, seance, acces=acces):
        raise PermissionDenied
    form = CasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cas = cas_services.cas_propose_from_seance(
                user=request.user, seance=seance, consentement=data.pop("consentement"), **data
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Votre proposition est enregistrée comme brouillon."))
            return redirect(_cas_url(cas))
    return render(request, "analyse_pratiques/cas_form.html", {"seance": seance, "form": form})


@signed_in_only
def cas_detail(request: HttpRequest, cas_pk: int) -> HttpResponse:
    cas, acces = selectors.cas_for_user(user=request.user, pk=cas_pk)
    signalements = cas_selectors.signalements(cas=cas)
    return render(
        request,
        "analyse_pratiques/cas.html",
        {
            "cas": cas,
            "groupe": cas.seance.groupe,
            "peut_modifier": permissions.can_edit_cas(request.user, cas, acces=acces),
            "peut_relire": permissions.can_review_cas(request.user, cas, acces=acces),
            "peut_remplacer": permissions.can_replace_signals(request.user, cas, acces=acces),
            "peut_ecarter": permissions.can_dismiss_signals(request.user, cas, acces=acces),
            "peut_retirer": permissions.can_withdraw_consentement(request.user, cas),
            "signalements": signalements,
            "textes": cas_selectors.textes_surlignes(cas=cas) if signalements else [],
            "apercu": cas_selectors.apercu(cas=cas),
            "decisions": cas_selectors.decisions(cas=cas),
            "checklist_form": ChecklistForm(),
        },
    )


@signed_in_only
def cas_modifier(request: HttpRequest, cas_pk: int) -> HttpResponse:
    """The client's editor of the draft, with the flags of each field shown above it."""
    cas, acces = selectors.cas_for_user(user=request.user, pk=cas_pk)
    if not permissions.can_edit_cas(request.user, cas, acces=acces):
        raise PermissionDenied
    if cas.etat != CasPropose.Etat.BROUILLON:
        messages.error(request, _("Seul un brouillon peut être modifié."))
        return redirect(_cas_url(cas))
    form = CasEditionForm(
        request.POST or None,
        initial={champ: getattr(cas, champ) for champ in cas_services.CHAMPS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            cas = cas_services.cas_update(user=request.user, cas=cas, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            restants = len(cas_selectors.signalements(cas=cas))
            if restants:
                messages.warning(
                    request,
                    ngettext(
                        "Brouillon enregistré : %(n)d élément reste signalé.",
                        "Brouillon enregistré : %(n)d éléments restent signalés.",
                        restants,
                    )
                    % {"n": restants},
                )
            else:
                messages.success(request, _("Brouillon enregistré : plus aucun élément signalé."))
            return redirect(_cas_url(cas))
    champs = [
        {"field": form[champ], "extraits": cas_selectors.extraits(cas=cas, champ=champ)}
        for champ in cas_services.CHAMPS
    ]
    return render(
        request,
        "analyse_pratiques/cas_edition.html",
        {"cas": cas, "form": form, "champs": champs},
    )


def _signal_action(request: HttpRequest, cas_pk: int, form_class, action, succes: str):
    cas, _acces = selectors.cas_for_user(user=request.user, pk=cas_pk)
    if form_class is SignalForm:
        try:
            cas_services.check_can_replace(user=request.user, cas=cas)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(_cas_url(cas))
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_cas_url(cas))
    return _run(request, lambda: action(cas, form.cleaned_data), succes, _cas_url(cas))


@signed_in_only
@require_POST
def cas_signal_remplacer(request: HttpRequest, cas_pk: int) -> HttpResponse:
    return _signal_action(
        request,
        cas_pk,
        SignalForm,
        lambda cas, data: cas_services.cas_signal_replace(
            user=request.user, cas=cas, nature=data["nature"], texte=data["texte"]
        ),
        _("L'élément est remplacé partout dans le cas."),
    )


@signed_in_only
@require_POST
def cas_signal_ecarter(request: HttpRequest, cas_pk: int) -> HttpResponse:
    return _signal_action(
        request,
        cas_pk,
        EcarterForm,
        lambda cas, data: cas_services.cas_signal_dismiss(
            user=request.user,
            cas=cas,
            nature=data["nature"],
            texte=data["texte"],
            motif=data["motif"],
        ),
        _("Le signalement est écarté ; votre motif est enregistré."),
    )


@signed_in_only
@require_POST
def cas_signaux_remplacer_tous(request: HttpRequest, cas_pk: int) -> HttpResponse:
    cas, _acces = selectors.cas_for_user(user=request.user, pk=cas_pk)
    return _run(
        request,
        lambda: cas_services.cas_signaux_replace_all(user=request.user, cas=cas),
        _("Tous les éléments signalés sont remplacés. Relisez le texte."),
        _cas_url(cas),
    )


@signed_in_only
@require_POST
def cas_soumettre(request: HttpRequest, cas_pk: int) -> HttpResponse:
    cas, _acces = selectors.cas_for_user(user=request.user, pk=cas_pk)
    form = ChecklistForm(request.POST)
    form.is_valid()
    return _run(
        request,
        lambda: cas_services.cas_submit(user=request.user, cas=cas, checklist=form.cleaned_data),
        _("Votre cas est transmis pour relecture."),
        _cas_url(cas),
    )


@signed_in_only
@require_POST
def cas_relire(request: HttpRequest, cas_pk: int) -> HttpResponse:
    cas, _acces = selectors.cas_for_user(user=request.user, pk=cas_pk)
    return _run(
        request,
        lambda: cas_services.cas_review(
            user=request.user, cas=cas, approuve=request.POST.get("decision") == "approuver"
        ),
        _("Votre relecture est enregistrée."),
        _cas_url(cas),
    )


@signed_in_only
@require_POST
def cas_retirer(request: HttpRequest, cas_pk: int) -> HttpResponse:
    cas, _acces = selectors.cas_for_user(user=request.user, pk=cas_pk)
    return _run(
        request,
        lambda: cas_services.cas_consentement_withdraw(user=request.user, cas=cas),
        _("Votre consentement est retiré : le cas n'est plus publié."),
        _cas_url(cas),
    )
