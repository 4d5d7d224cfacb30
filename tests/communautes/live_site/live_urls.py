"""The project's URLs, with the community pages mounted if the project does not mount them yet."""

from django.urls import include, path

from maillage import urls as project_urls

urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "communautes" for pattern in urlpatterns):
    urlpatterns.insert(0, path("communautes/", include("communautes.urls")))
