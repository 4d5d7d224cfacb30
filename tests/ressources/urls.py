"""The site's URLs plus the search page and API, mounted as site/urls.py and site/api.py will."""

from django.urls import include, path
from ninja import NinjaAPI

from maillage import urls as site_urls
from ressources.api import router

api = NinjaAPI(urls_namespace="ressources_test_api")
api.add_router("/recherche/", router)

urlpatterns = [
    path("api/", api.urls),
    path("", include("ressources.urls")),
    *site_urls.urlpatterns,
]
