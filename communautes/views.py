"""Community pages: thin views that parse input, call services and selectors, and render."""

import datetime
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.cache_pages import cache_anonymous, member_page
from maillage.http import parse_id
from maillage.selectors import user_by_email
from maillage.service_errors import show_refusal

from . import permissions, selectors, services
from .discussion import reponses_html
from .forms import (
    AdhesionForm,
    InvitationForm,
    MessageSalonForm,
    PublicationEditForm,
    PublicationForm,
    ReactionForm,
    ReponseForm,
)
from .models import Adhesion, Communaute, Publication, Reponse
from .moderation import selectors as moderation_selectors
from .moderation import services as moderation
from .moderation.forms import BanForm, ModerationForm, SignalementForm
from .notifications.mentions import membres_mentionnables


def communaute_or_404(
    request: HttpRequest, slug: str, *, with_member_count: bool = True
) -> Communaute:
    try:
        return selectors.communaute_get_for(
            user=request.user, slug=slug, with_member_count=with_member_count
        )
    except Communaute.DoesNotExist as exc:
        raise Http404 from exc


def publication_or_404(request: HttpRequest, communaute: Communaute, pk: int) -> Publication:
    try:
        return selectors.publication_get_for(user=request.user, communaute=communaute, pk=pk)
    except Publication.DoesNotExist as exc:
        raise Http404 from exc


# Placeholder id of the reply model that live.js copies (replaced by each new reply's id).
ID_MODELE = "__id__"


def communaute_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "communautes/communaute_list.html",
        {
            "communautes": selectors.communaute_list_visible(user=user),
            "mes_communautes": selectors.communautes_of(user=user),
            "suggestions": (
                selectors.communautes_suggerees(user=user) if user.is_authenticated else []
            ),
        },
    )


def communaute_detail(request: HttpRequest, slug: str) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    tri = request.GET.get("tri", selectors.Tri.RECENTES)
    if tri not in selectors.Tri.CHOICES:
        tri = selectors.Tri.RECENTES
    adhesion = permissions.adhesion_for(request.user, communaute)
    membre = permissions.is_active_member(request.user, communaute, adhesion=adhesion)
    return render(
        request,
        "communautes/communaute_detail.html",
        {
            "communaute": communaute,
            "adhesion": adhesion,
            "membre": membre,
            "peut_lire": permissions.can_read_community(
                request.user, communaute, adhesion=adhesion
            ),
            "peut_moderer": permissions.can_moderate(request.user, communaute, adhesion=adhesion),
            "publications": selectors.publication_list(
                communaute=communaute, user=request.user, tri=tri
            ),
            "tri": tri,
            "adhesion_form": AdhesionForm(),
            "last_event_id": (
                selectors.flux_last_id(communaute_id=communaute.pk) if membre else None
            ),
        },
    )


@login_required
@require_POST
def communaute_join(request: HttpRequest, slug: str) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    form = AdhesionForm(request.POST)
    form.is_valid()
    try:
        adhesion = services.communaute_join(
            user=request.user,
            communaute=communaute,
            charte_acceptee=form.cleaned_data.get("charte_acceptee", False),
        )
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        if adhesion.etat == Adhesion.Etat.ACTIVE:
            messages.success(request, _("Bienvenue dans la communauté !"))
        else:
            messages.success(
                request, _("Votre demande a été envoyée aux animateurs de la communauté.")
            )
    return redirect(communaute)


@login_required
@require_POST
def communaute_leave(request: HttpRequest, slug: str) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    services.communaute_leave(user=request.user, communaute=communaute)
    messages.success(request, _("Vous avez quitté la communauté."))
    return redirect("communautes:list")


def membres(request: HttpRequest, slug: str) -> HttpResponse:
    """Who belongs to the community, for its members; managers exclude and invite here."""
    communaute = communaute_or_404(request, slug)
    adhesion = permissions.adhesion_for(request.user, communaute)
    if not permissions.can_read_community(request.user, communaute, adhesion=adhesion):
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_see_members(request.user, communaute, adhesion=adhesion):
        raise PermissionDenied
    peut_moderer = permissions.can_moderate(request.user, communaute, adhesion=adhesion)
    ban_form, invitation_form = BanForm(), InvitationForm()
    if request.method == "POST":
        if not peut_moderer:
            raise PermissionDenied
        if "email" in request.POST:
            invitation_form = InvitationForm(request.POST)
            if invitation_form.is_valid():
                invite = user_by_email(email=invitation_form.cleaned_data["email"])
                if invite is None:
                    invitation_form.add_error("email", _("Aucun compte n'utilise cette adresse."))
                else:
                    services.communaute_invite(by=request.user, communaute=communaute, user=invite)
                    messages.success(request, _("Invitation enregistrée."))
                    return redirect("communautes:membres", slug=communaute.slug)
        else:
            ban_form = BanForm(request.POST)
            if ban_form.is_valid():
                adhesion = get_object_or_404(
                    Adhesion, pk=ban_form.cleaned_data["adhesion"], communaute=communaute
                )
                jours = ban_form.cleaned_data["jours"]
                try:
                    moderation.adhesion_ban(
                        by=request.user,
                        adhesion=adhesion,
                        motif=ban_form.cleaned_data["motif"],
                        jusqu_au=timezone.now() + datetime.timedelta(days=jours) if jours else None,
                    )
                except ValidationError as exc:
                    show_refusal(request, exc)
                else:
                    messages.success(request, _("Le membre a été exclu."))
                return redirect("communautes:membres", slug=communaute.slug)
            messages.error(request, _("Indiquez le motif de l'exclusion."))
    return render(
        request,
        "communautes/membres.html",
        {
            "communaute": communaute,
            "membres": selectors.membres_list(user=request.user, communaute=communaute),
            "peut_moderer": peut_moderer,
            "ban_form": ban_form,
            "invitation_form": invitation_form,
        },
    )


@require_http_methods(["GET"])
def membres_suggestions(request: HttpRequest, slug: str) -> JsonResponse:
    """Members to mention whose name starts with `q`, for the suggestions while typing."""
    if not request.user.is_authenticated:
        return JsonResponse({"erreur": _("Connectez-vous pour mentionner un membre.")}, status=403)
    communaute = communaute_or_404(request, slug)
    if not permissions.is_active_member(request.user, communaute):
        return JsonResponse(
            {"erreur": _("Seuls les membres de la communauté peuvent mentionner.")}, status=403
        )
    resultats = membres_mentionnables(
        user=request.user, communaute=communaute, prefixe=request.GET.get("q", "")
    )
    return JsonResponse({"resultats": resultats})


@login_required
def salon(request: HttpRequest, slug: str) -> HttpResponse:
    """The chat room: its history and a form that also works without JavaScript."""
    communaute = communaute_or_404(request, slug)
    if not permissions.is_active_member(request.user, communaute):
        messages.error(request, _("Le salon est réservé aux membres de la communauté."))
        return redirect(communaute)
    form = MessageSalonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_salon_create(
                auteur=request.user, communaute=communaute, texte=form.cleaned_data["texte"]
            )
        except (PermissionDenied, ValidationError) as exc:
            show_refusal(request, exc)
        return redirect("communautes:salon", slug=communaute.slug)
    return render(
        request,
        "communautes/salon.html",
        {
            "communaute": communaute,
            "messages_salon": selectors.salon_historique(user=request.user, communaute=communaute),
            "form": MessageSalonForm(),
            "last_event_id": selectors.flux_last_id(communaute_id=communaute.pk),
        },
    )


@login_required
def publication_create(request: HttpRequest, slug: str) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    adhesion = permissions.adhesion_for(request.user, communaute)
    if not permissions.is_active_member(request.user, communaute, adhesion=adhesion):
        messages.error(request, _("Rejoignez la communauté pour y publier."))
        return redirect(communaute)
    form = PublicationForm(
        request.POST or None,
        request.FILES or None,
        peut_annoncer=permissions.can_announce(request.user, communaute, adhesion=adhesion),
    )
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.publication_create(
                auteur=request.user, communaute=communaute, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Votre publication est en ligne."))
            return redirect(publication)
    return render(
        request,
        "communautes/publication_form.html",
        {"communaute": communaute, "form": form},
        status=400 if form.errors else 200,
    )


def _discussion(request: HttpRequest, slug: str, pk: int) -> tuple:
    """The page of the discussion asked for (`?page=N`, the nearest one if out of range)."""
    communaute = communaute_or_404(request, slug, with_member_count=False)
    try:
        discussion = selectors.discussion_page(
            user=request.user,
            communaute=communaute,
            pk=pk,
            page=parse_id(request.GET.get("page")) or 1,
        )
    except Publication.DoesNotExist as exc:
        raise Http404 from exc
    publication = discussion.publication
    urls = {
        "publication_url": publication.get_absolute_url(),
        "reaction_url": reverse("communautes:reaction", args=[slug, pk]),
        "signalement_url": reverse("communautes:signalement", args=[slug, pk]),
        "reponses_url": reverse("communautes:publication_reponses", args=[slug, pk]),
    }
    context = {
        **urls,
        "communaute": communaute,
        "publication": publication,
        "discussion": discussion,
        "membre": discussion.membre,
        "peut_moderer": discussion.moderateur,
        "reponses_html": reponses_html(request=request, discussion=discussion, urls=urls),
    }
    return discussion, context


def publication_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A discussion's page, kept whole until anything is written: for every visitor alike
    (what a visitor may read of a public community is the same for all of them), and per
    member (their buttons, their reactions, the moderation forms, the live stream's start)."""
    if not request.user.is_authenticated:
        return cache_anonymous(_publication_detail(request, slug, pk))
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:16]
    return member_page(
        request, f"discussion:{path}", lambda: _publication_detail(request, slug, pk)
    )


def _publication_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    discussion, context = _discussion(request, slug, pk)
    communaute = context["communaute"]
    return render(
        request,
        "communautes/publication_detail.html",
        {
            **context,
            "destinations": (
                moderation_selectors.communautes_moderees(user=request.user).exclude(
                    pk=communaute.pk
                )
                if discussion.moderateur
                else []
            ),
            "reponse_form": ReponseForm(),
            "signalement_form": SignalementForm(),
            "moderation_form": ModerationForm(),
            "natures_reaction": ReactionForm.base_fields["nature"].choices,
            # The live script fills a copy of this reply for each one that arrives.
            "modele_reponse": {"pk": ID_MODELE},
            "last_event_id": (
                (discussion.publication.dernier_evenement or 0) if discussion.membre else None
            ),
        },
    )


@require_http_methods(["GET"])
def publication_reponses(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The replies of one page alone, which discussion.js appends to the page it shows."""
    return render(request, "communautes/reponses_suite.html", _discussion(request, slug, pk)[1])


def reponse_permalink(request: HttpRequest, slug: str, pk: int, reponse_pk: int) -> HttpResponse:
    """A reply's lasting address: the page of the discussion that shows it, at the reply."""
    communaute = communaute_or_404(request, slug, with_member_count=False)
    publication = publication_or_404(request, communaute, pk)
    page = selectors.reponse_page(user=request.user, publication=publication, reponse_id=reponse_pk)
    if page is None:
        messages.info(request, _("Cette réponse n'est plus visible."))
        return redirect(publication)
    suffixe = f"?page={page}" if page > 1 else ""
    return redirect(f"{publication.get_absolute_url()}{suffixe}#reponse-{reponse_pk}")


@login_required
def publication_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    publication = publication_or_404(request, communaute, pk)
    if not publication.peut_modifier:
        raise PermissionDenied
    form = PublicationEditForm(
        request.POST or None, initial={"titre": publication.titre, "corps": publication.corps}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_update(
                user=request.user, publication=publication, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Publication modifiée."))
            return redirect(publication)
    return render(
        request,
        "communautes/publication_form.html",
        {"communaute": communaute, "form": form, "publication": publication},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def reponse_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    publication = publication_or_404(request, communaute, pk)
    form = ReponseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reponse = services.reponse_create(
                auteur=request.user, publication=publication, **form.cleaned_data
            )
        except (PermissionDenied, ValidationError) as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Votre réponse est publiée."))
            return redirect(reponse)
    else:
        messages.error(request, _("Votre réponse est vide."))
    return redirect(publication)


def target_or_404(data, publication: Publication) -> dict:
    """The publication itself, or one of its replies when the form data names one."""
    if not data.get("reponse"):
        return {"publication": publication}
    reponse_id = parse_id(data.get("reponse"))
    if reponse_id is None:
        raise Http404
    return {"reponse": get_object_or_404(Reponse, pk=reponse_id, publication=publication)}


@login_required
@require_POST
def reaction_toggle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    publication = publication_or_404(request, communaute, pk)
    data = request.POST
    if "cible" in data:
        # A reply's button of the discussion page: "<reply id>:<nature>".
        reponse, _sep, nature = data["cible"].partition(":")
        data = {"reponse": reponse, "nature": nature}
    form = ReactionForm(data)
    target = target_or_404(data, publication)
    if form.is_valid():
        try:
            services.reaction_toggle(
                user=request.user, nature=form.cleaned_data["nature"], **target
            )
        except (PermissionDenied, ValidationError) as exc:
            show_refusal(request, exc)
    return redirect(target.get("reponse") or publication)


@login_required
@require_POST
def reponse_accept(request: HttpRequest, slug: str, pk: int, reponse_pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    publication = publication_or_404(request, communaute, pk)
    reponse = get_object_or_404(Reponse, pk=reponse_pk, publication=publication)
    try:
        services.reponse_accept(user=request.user, reponse=reponse)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Réponse marquée comme acceptée."))
    return redirect(publication)
