"""Wagtail admin screen of the LHEO import: upload, dry-run report, then import."""

import contextlib
import re
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from maillage import roles
from maillage.models import Territoire

from .importer import lheo_import
from .parser import LheoError

# Larger feeds go through `manage.py import_lheo`, which shows its progress.
MAX_OCTETS = 50 * 1024 * 1024
SESSION_KEY = "formations_lheo_import"
JETON = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
CONSERVATION_S = 24 * 3600


def lheo_import_regions(*, user) -> list[Territoire] | None:
    """The régions a user may import into: None for every one (administrators), the
    régions of their scope groups for a regional editor, [] for anyone else."""
    if user.is_superuser or roles.user_has_role(user, roles.ADMINISTRATEUR):
        return None
    if roles.user_has_role(user, roles.EDITEUR_REGIONAL):
        return list(roles.editor_regions(user).order_by("nom"))
    return []


def lheo_import_allowed(user) -> bool:
    return lheo_import_regions(user=user) != []


def _dossier() -> Path:
    dossier = Path(tempfile.gettempdir()) / "maillage-lheo-import"
    dossier.mkdir(mode=0o700, exist_ok=True)
    return dossier


def _oublier_anciens(dossier: Path) -> None:
    """Files checked but never imported are dropped after a day."""
    limite = time.time() - CONSERVATION_S
    for fichier in dossier.glob("*.xml"):
        with contextlib.suppress(FileNotFoundError):
            if fichier.stat().st_mtime < limite:
                fichier.unlink()


class ImportLheoForm(forms.Form):
    fichier = forms.FileField(label=gettext_lazy("Flux LHEO 2.3 ou 2.2 (fichier XML)"))
    region = forms.ChoiceField(label=gettext_lazy("Région de destination"), required=False)

    def __init__(self, *args, regions: list[Territoire] | None, **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["region"]
        if regions is None:
            choix = Territoire.objects.filter(niveau=Territoire.Niveau.REGION).order_by("nom")
            champ.choices = [("", _("Celle du lieu de chaque formation"))] + [
                (r.code, r.nom) for r in choix
            ]
        else:
            champ.choices = [(r.code, r.nom) for r in regions]
            champ.required = True

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > MAX_OCTETS:
            raise forms.ValidationError(
                _(
                    "Le fichier dépasse %(max)s : importez-le avec la commande "
                    "« manage.py import_lheo »."
                )
                % {"max": filesizeformat(MAX_OCTETS)}
            )
        return fichier


class ImportLheoView(WagtailAdminTemplateMixin, TemplateView):
    """GET: the form. POST with a file: a dry run and its report, the file kept aside.
    POST with the kept file's token: the import itself, the same as the command."""

    template_name = "formations/admin/import_lheo.html"
    page_title = gettext_lazy("Import LHEO")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        self.regions = lheo_import_regions(user=request.user)
        if self.regions == []:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportLheoForm(regions=self.regions))
        return context

    def post(self, request, *args, **kwargs):
        if "jeton" in request.POST:
            return self._importer(request)
        form = ImportLheoForm(request.POST, request.FILES, regions=self.regions)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        dossier = _dossier()
        _oublier_anciens(dossier)
        precedent = (request.session.get(SESSION_KEY) or {}).get("jeton", "")
        if JETON.match(precedent):
            (dossier / f"{precedent}.xml").unlink(missing_ok=True)
        jeton = secrets.token_urlsafe(24)
        chemin = dossier / f"{jeton}.xml"
        with chemin.open("wb") as copie:
            for morceau in form.cleaned_data["fichier"].chunks():
                copie.write(morceau)
        region = form.cleaned_data["region"] or None
        rapport = self._lancer(chemin, region, dry_run=True)
        if rapport is None or rapport.errors:
            chemin.unlink(missing_ok=True)
        else:
            request.session[SESSION_KEY] = {
                "jeton": jeton,
                "region": region,
                "nom": form.cleaned_data["fichier"].name[:200],
            }
        return self.render_to_response(
            self.get_context_data(form=form, rapport=rapport, jeton=jeton, simulation=True)
        )

    def _importer(self, request):
        attente = request.session.get(SESSION_KEY) or {}
        jeton = request.POST["jeton"]
        valide = attente.get("jeton") == jeton and JETON.match(jeton)
        chemin = _dossier() / f"{jeton if valide else 'x'}.xml"
        if not valide or not chemin.exists():
            messages.error(request, _("Ce fichier n'est plus disponible : déposez-le à nouveau."))
            return redirect(reverse("formations_import_lheo"))
        del request.session[SESSION_KEY]
        try:
            rapport = self._lancer(chemin, attente["region"], dry_run=False)
        finally:
            chemin.unlink(missing_ok=True)
        if rapport is not None and not rapport.errors:
            messages.success(request, _("Import LHEO terminé."))
        return self.render_to_response(self.get_context_data(rapport=rapport, simulation=False))

    def _lancer(self, chemin: Path, region: str | None, *, dry_run: bool):
        allowed = self.regions is None or region in {r.code for r in self.regions}
        if not allowed:
            raise PermissionDenied
        try:
            with chemin.open("rb") as source:
                return lheo_import(source=source, region_code=region, dry_run=dry_run)
        except LheoError as exc:
            messages.error(self.request, _("Fichier refusé : %(raison)s") % {"raison": exc})
            return None
