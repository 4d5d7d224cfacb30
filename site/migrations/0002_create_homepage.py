"""Replace Wagtail's default welcome page with the Maillage home page."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("maillage.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    page_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_type, slug="home", depth=2).delete()
    home_type, _created = ContentType.objects.get_or_create(model="homepage", app_label="maillage")
    homepage = HomePage.objects.create(
        title="Maillage",
        draft_title="Maillage",
        slug="accueil",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/accueil/",
        locale=Locale.objects.order_by("pk").first(),
        accroche="Le réseau des professionnels de l'orientation, de la formation et de l'emploi",
    )
    Site.objects.create(
        hostname="localhost", root_page=homepage, is_default_site=True, site_name="Maillage"
    )


def remove_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    HomePage = apps.get_model("maillage.HomePage")
    HomePage.objects.filter(slug="accueil", depth=2).delete()
    ContentType.objects.filter(model="homepage", app_label="maillage").delete()


class Migration(migrations.Migration):
    dependencies = [("maillage", "0001_initial")]
    operations = [migrations.RunPython(create_homepage, remove_homepage)]
