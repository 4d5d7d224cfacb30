"""Wagtail admin screens for staff processing a data request on someone's behalf."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from maillage.models import DemandeSuppression

from . import export, services
from .forms import ProgrammerSuppressionForm, RechercheCompteForm


class StaffRgpdMixin:
    def dispatch(self, request, *args, **kwargs):
        services.check_staff(user=request.user)
        return super().dispatch(request, *args, **kwargs)


class DemandesView(StaffRgpdMixin, WagtailAdminTemplateMixin, TemplateView):
    """Pending and recent requests, and a search for an account by e-mail address."""

    template_name = "maillage/rgpd/admin/demandes.html"
    page_title = gettext_lazy("Données personnelles : demandes")
    header_icon = "user"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        form = RechercheCompteForm(request.GET or None)
        if form.is_bound and form.is_valid():
            user = (
                get_user_model()
                .objects.filter(email__iexact=form.cleaned_data["email"])
                .only("pk")
                .first()
            )
            if user:
                return redirect("rgpd_admin_compte", user_id=user.pk)
            messages.error(request, _("Aucun compte n'utilise cette adresse électronique."))
        return self.render_to_response(self.get_context_data(form=form, **kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        demandes = DemandeSuppression.objects.select_related("user")
        context["en_attente"] = demandes.filter(etat=DemandeSuppression.Etat.DEMANDEE).order_by(
            "effective_le"
        )
        context["recentes"] = demandes.exclude(etat=DemandeSuppression.Etat.DEMANDEE)[:50]
        return context


class CompteView(StaffRgpdMixin, WagtailAdminTemplateMixin, TemplateView):
    """One account: download its data, schedule, cancel or carry out its deletion."""

    template_name = "maillage/rgpd/admin/compte.html"
    page_title = gettext_lazy("Données personnelles d'un compte")
    header_icon = "user"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("rgpd_admin_demandes"), "label": _("Données personnelles : demandes")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        compte = get_object_or_404(get_user_model(), pk=self.kwargs["user_id"])
        context.update(
            compte=compte,
            demande=services.demande_en_attente(user=compte),
            historique=compte.demandes_suppression.all(),
            form=kwargs.get("form") or ProgrammerSuppressionForm(),
        )
        return context

    def post(self, request, user_id):
        compte = get_object_or_404(get_user_model(), pk=user_id)
        action = request.POST.get("action")
        try:
            if action == "programmer":
                form = ProgrammerSuppressionForm(request.POST)
                form.is_valid()
                services.suppression_demander(
                    user=compte,
                    par=request.user,
                    supprimer_contributions=form.cleaned_data.get("supprimer_contributions", False),
                )
                messages.success(request, _("La suppression du compte est programmée."))
            elif action == "annuler":
                services.suppression_annuler(user=compte, par=request.user)
                messages.success(request, _("La demande de suppression est annulée."))
            elif action == "executer":
                demande = services.demande_en_attente(user=compte)
                if demande is None:
                    raise ValidationError(_("Aucune demande en attente pour ce compte."))
                services.demande_executer(demande=demande, par=request.user)
                messages.success(request, _("Les données personnelles du compte sont effacées."))
            else:
                messages.error(request, _("Action inconnue."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("rgpd_admin_compte", user_id=compte.pk)


class CompteExportView(StaffRgpdMixin, View):
    def get(self, request, user_id):
        compte = get_object_or_404(get_user_model(), pk=user_id)
        response = HttpResponse(export.export_zip(user=compte), content_type="application/zip")
        nom = f"maillage-donnees-compte-{compte.pk}-{timezone.localdate():%Y-%m-%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{nom}"'
        return response
