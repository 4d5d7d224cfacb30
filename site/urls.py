"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from maillage import views
from maillage.admin_access import DJANGO, WAGTAIL, admin_login
from maillage.api import api

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # Both admins' login screens forward to allauth's: one door, with MFA and rate limits.
    path("django-admin/login/", admin_login, {"area": DJANGO}),
    path("django-admin/", admin.site.urls),
    path("admin/login/", admin_login, {"area": WAGTAIL}),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Before allauth's own route: the same view, answered in a constant time.
    path("comptes/signup/", views.signup, name="account_signup"),
    path("comptes/", include("allauth.urls")),
    path("profil/", views.profil_edit, name="profil_edit"),
    path("profil/", include("maillage.rgpd.urls")),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("communes/suggestions/", views.communes_suggestions, name="communes_suggestions"),
    path("api/", api.urls),
    path("communautes/", include("communautes.urls")),
    path("annuaire/", include("ressources.annuaire.urls")),
    path("", include("formations.urls")),
    path("analyse-pratiques/", include("analyse_pratiques.urls")),
    path("", include("ressources.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
