"""The member's own data: the page that explains it, the export download, account deletion."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import export, services
from .forms import SuppressionCompteForm


@login_required
@require_GET
def mes_donnees(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "maillage/rgpd/mes_donnees.html",
        {
            "demande": services.demande_en_attente(user=request.user),
            "delai_jours": services.DELAI_GRACE.days,
        },
    )


@login_required
@require_GET
@never_cache
def export_telecharger(request: HttpRequest) -> HttpResponse:
    contenu = export.export_zip(user=request.user)
    nom = f"maillage-mes-donnees-{timezone.localdate():%Y-%m-%d}.zip"
    response = HttpResponse(contenu, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def compte_supprimer(request: HttpRequest) -> HttpResponse:
    if services.demande_en_attente(user=request.user):
        return redirect("rgpd_mes_donnees")
    form = SuppressionCompteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            demande = services.suppression_demander(
                user=request.user,
                supprimer_contributions=form.cleaned_data["supprimer_contributions"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            date = formats.date_format(timezone.localtime(demande.effective_le), "j F Y")
            messages.success(
                request,
                _(
                    "Votre demande est enregistrée : votre compte sera supprimé le %(date)s. "
                    "Pour l'annuler, il suffit de vous reconnecter avant cette date."
                )
                % {"date": date},
            )
            return redirect("/")
    return render(
        request,
        "maillage/rgpd/supprimer_compte.html",
        {"form": form, "delai_jours": services.DELAI_GRACE.days},
    )


@login_required
@require_POST
def suppression_annuler(request: HttpRequest) -> HttpResponse:
    if services.suppression_annuler(user=request.user):
        messages.success(request, _("La suppression de votre compte est annulée."))
    return redirect("rgpd_mes_donnees")
