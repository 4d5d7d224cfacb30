"""Admin screens that change the state of sessions and enrolments through the services."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.views import generic

from maillage import roles
from maillage.service_errors import show_refusal

from . import selectors, services
from .models import Inscription, Session


@dataclass(frozen=True)
class Action:
    label: str
    question: str
    done: str
    permission: str


SESSION_ACTIONS = {
    "fermer": Action(
        _("Fermer les inscriptions"),
        _(
            "Les inscriptions à cette session seront fermées et chaque inscrit ou personne en "
            "liste d'attente en sera informé par e-mail."
        ),
        _("Les inscriptions sont fermées ; les personnes concernées sont prévenues."),
        "formations.change_session",
    ),
    "annuler": Action(
        _("Annuler la session"),
        _(
            "La session sera annulée : toutes les inscriptions et la liste d'attente seront "
            "annulées et chaque personne en sera informée par e-mail. Cette action est "
            "définitive."
        ),
        _("La session est annulée ; les personnes concernées sont prévenues."),
        "formations.change_session",
    ),
}
SESSION_ETATS = {"fermer": Session.Etat.FERMEE, "annuler": Session.Etat.ANNULEE}
INSCRIPTION_ACTIONS = {
    "valider": Action(
        _("Valider l'inscription"),
        _("L'inscription sera confirmée et la personne en sera informée par e-mail."),
        _("L'inscription est validée ; la personne est prévenue."),
        "formations.change_inscription",
    ),
}


# Fields of the session form that change who gets a place.
REGLES_INSCRIPTION = ("capacite", "politique", "part_max_reseau")


def session_action_allowed(session: Session, action: str) -> bool:
    """Whether an action still means something for the session in its current state."""
    if session.etat == Session.Etat.ANNULEE:
        return False
    return session.etat != SESSION_ETATS[action]


def inscription_action_allowed(inscription: Inscription, action: str) -> bool:
    return inscription.etat == Inscription.Etat.EN_ATTENTE_VALIDATION


def _run(request, *, action: Action, objet, run, index_url: str):
    if not request.user.has_perm(action.permission):
        raise PermissionDenied
    if request.method == "POST":
        try:
            run()
        except (ValidationError, PermissionDenied) as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, str(action.done))
        return redirect(index_url)
    return TemplateResponse(
        request,
        "formations/admin/confirmer_action.html",
        {"action": action, "objet": objet, "index_url": index_url},
    )


def session_action(request, pk: int, action: str):
    if action not in SESSION_ACTIONS:
        raise Http404
    session = get_object_or_404(selectors.session_list_editable(user=request.user), pk=pk)
    if not session_action_allowed(session, action):
        raise Http404
    run = {
        "fermer": lambda: services.session_close(session=session),
        "annuler": lambda: services.session_cancel(session=session),
    }[action]
    return _run(
        request,
        action=SESSION_ACTIONS[action],
        objet=session,
        run=run,
        index_url="sessions_formation:index",
    )


def inscription_action(request, pk: int, action: str):
    if action not in INSCRIPTION_ACTIONS:
        raise Http404
    inscription = get_object_or_404(Inscription.objects.select_related("session"), pk=pk)
    if not inscription_action_allowed(inscription, action):
        raise Http404
    return _run(
        request,
        action=INSCRIPTION_ACTIONS[action],
        objet=inscription,
        run=lambda: services.inscription_validate(inscription=inscription, user=request.user),
        index_url="inscriptions_formation:index",
    )


class EditableSessions:
    """Regional editors reach only the sessions of their région's formations and attach a
    session only to a formation they may edit; another région's session is a 404."""

    def get_queryset(self):
        return selectors.session_list_editable(user=self.request.user)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "formation" in form.fields:
            form.fields["formation"].queryset = selectors.formation_pages_editable(
                user=self.request.user
            )
        if "commune" in form.fields and not self.request.user.is_superuser:
            # The communes of the editor's régions: the whole COG (35,000 options) made the
            # form take minutes to load.
            form.fields["commune"].queryset = form.fields["commune"].queryset.filter(
                departement__parent__in=roles.editor_regions(self.request.user)
            )
        return form


class EditableSessionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.session_list_editable(user=self.request.user)


class SessionCreateView(EditableSessions, generic.CreateView):
    pass


class SessionEditView(EditableSessions, generic.EditView):
    """The places and how they are given (capacity, policy, share per network) change
    through the service: never fewer places than those taken, and places a change frees
    go to the waiting list."""

    def form_valid(self, form):
        regles = {
            champ: form.cleaned_data[champ]
            for champ in REGLES_INSCRIPTION
            if champ in form.changed_data
        }
        if not regles:
            return super().form_valid(form)
        try:
            with transaction.atomic():
                services.session_enrolment_rules_change(session=self.object, **regles)
                return super().form_valid(form)
        except ValidationError as exc:
            for champ, messages_champ in exc.message_dict.items():
                for message in messages_champ:
                    form.add_error(champ if champ in form.fields else None, message)
            self.produced_error_message = _("La session n'a pas été enregistrée.")
            return self.form_invalid(form)
