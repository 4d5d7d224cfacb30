"""Tests of the batched LHEO import: bounded queries, a sound page tree, search outbox."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from formations.factories import RegionPageFactory
from formations.lheo import importer
from formations.lheo.importer import lheo_import
from formations.models import FormationPage, Session
from recherche.models import SearchDocument, SearchOutbox

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LHEO_SYNC = "formations.lheo.tasks.lheo_index_sync"


def flux(formations, sessions: int, *, fin: str = "20270105", titre: str = "") -> bytes:
    """An LHEO 2.3 feed of `formations` (a count or the numbers) × 1 action × `sessions`."""
    blocs = []
    for f in range(formations) if isinstance(formations, int) else formations:
        seances = "".join(
            f'<session numero="S{f}-{s}"><periode><debut>20270104</debut><fin>{fin}</fin>'
            "</periode><adresse-inscription><adresse><ligne>1 rue du Port</ligne>"
            "<codepostal>29300</codepostal><ville>Quimperlé</ville>"
            "<code-INSEE-commune>29233</code-INSEE-commune><region>53</region></adresse>"
            "</adresse-inscription><etat-recrutement>1</etat-recrutement></session>"
            for s in range(sessions)
        )
        blocs.append(
            f'<formation numero="F{f}"><domaine-formation><code-NSF>312</code-NSF>'
            f"</domaine-formation><intitule-formation>{titre or f'Formation {f}'}"
            "</intitule-formation><objectif-formation>&lt;p&gt;Objectif&lt;/p&gt;"
            "</objectif-formation><resultats-attendus>-</resultats-attendus>"
            f'<contenu-formation>Contenu</contenu-formation><action numero="A{f}">'
            f"<modalites-enseignement>0</modalites-enseignement>{seances}</action></formation>"
        )
    return (
        f'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>{"".join(blocs)}</offres></lheo>'.encode()
    )


def importer_flux(contenu: bytes, **options):
    with CaptureQueriesContext(connection) as requetes:
        rapport = lheo_import(source=io.BytesIO(contenu), region_code="53", **options)
    return rapport, len(requetes.captured_queries)


@pytest.fixture
def region(db):
    return RegionPageFactory()


def test_queries_are_per_batch_not_per_session(region):
    importer_flux(flux([99], 1))  # creates this year's programme
    petit, requetes_petit = importer_flux(flux([100, 101], 2))
    assert (petit.created, petit.sessions, petit.errors) == (2, 4, [])
    grand, requetes_grand = importer_flux(flux(30, 10))
    assert (grand.created, grand.sessions, grand.errors) == (30, 300, [])
    FormationPage.objects.filter(numero__in=["F99", "F100", "F101"]).delete()
    assert Session.objects.count() == 300
    # The same queries for 4 sessions as for 300 (one batch, one programme). SQLite caps the
    # variables of a statement, so there a bulk insert of 300 rows is split in a few.
    if connection.vendor == "postgresql":
        assert requetes_grand == requetes_petit <= 20
    else:
        assert requetes_petit <= requetes_grand <= requetes_petit + 10
    modifie, requetes_modif = importer_flux(flux(30, 10, fin="20270106"))
    assert (modifie.updated, modifie.unchanged, modifie.created) == (30, 0, 0)
    assert requetes_modif <= 12
    assert not Session.objects.exclude(date_fin="2027-01-06").exists()
    identique, requetes_identique = importer_flux(flux(30, 10, fin="20270106"))
    assert (identique.unchanged, identique.updated) == (30, 0)
    assert requetes_identique <= 6
    assert Session.objects.count() == 300


def test_batches_keep_the_tree_sound_and_slugs_unique(region, monkeypatch):
    monkeypatch.setattr(importer, "TAILLE_LOT", 4)
    # Same title everywhere: slugs must differ, across batches too.
    rapport, _ = importer_flux(flux(10, 2, titre="Accueillir"))
    assert (rapport.created, rapport.errors) == (10, [])
    assert Page.find_problems() == ([], [], [], [], [])
    pages = list(FormationPage.objects.order_by("path"))
    programme = pages[0].get_parent()
    assert programme.numchild == 10
    assert [p.numero for p in pages] == [f"F{n}" for n in range(10)]
    assert len({p.slug for p in pages}) == 10
    assert pages[0].slug == "accueillir" and pages[1].slug == "accueillir-f1"
    assert all(p.live and p.url_path == f"{programme.url_path}{p.slug}/" for p in pages)
    # A page added afterwards by an editor lands after the imported ones.
    suivante = programme.add_child(instance=FormationPage(title="Autre", slug="autre"))
    assert suivante.path > pages[-1].path
    assert Page.find_problems() == ([], [], [], [], [])


def test_imported_pages_are_served_and_indexed_after_commit(
    client, region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as rappels:
        rapport, _ = importer_flux(flux(3, 2))
    assert rapport.created == 3
    page = FormationPage.objects.get(numero="F1")
    assert client.get(page.url).status_code == 200
    # Queued in the outbox by the import's transaction, indexed in bulk once committed.
    etiquette = "formations.formationpage"
    attendus = {str(p.pk) for p in FormationPage.objects.all()}
    en_attente = SearchOutbox.objects.filter(model_label=etiquette)
    assert attendus <= set(en_attente.values_list("object_pk", flat=True))
    # One search sync (the page caches' version bumps aside).
    synchros = [r for r in rappels if getattr(r, "__name__", "") != "_bump"]
    assert len(synchros) == 1
    synchros[0]()
    assert not en_attente.filter(object_pk__in=attendus).exists()
    indexes = SearchDocument.objects.filter(doc_id__startswith=f"{etiquette}:")
    assert {d.split(":")[1] for d in indexes.values_list("doc_id", flat=True)} == attendus
    assert indexes.get(doc_id=f"{etiquette}:{page.pk}").title == "Formation 1"


def test_a_repeated_number_updates_instead_of_duplicating(region):
    rapport, _ = importer_flux(flux([0, 1, 0, 1], 2))
    assert rapport.errors == []
    assert (rapport.formations, rapport.created) == (4, 2)
    assert FormationPage.objects.count() == 2 and Session.objects.count() == 4


@pytest.mark.parametrize(
    ("avant", "apres", "message", "lues"),
    [
        (
            b'"S6-1"><periode><debut>20270104</debut><fin>20270105',
            b'"S6-1"><periode><debut>20270104</debut><fin>20260105',
            "précède le début",
            7,  # refused by the parser
        ),
        (
            b'"A6"><modalites-enseignement>',
            b'"A6"><prix-total-TTC>12.345</prix-total-TTC><modalites-enseignement>',
            "prix",
            8,  # refused when checking the batch
        ),
    ],
    ids=["parser", "batch"],
)
def test_an_error_in_a_later_batch_writes_nothing(region, monkeypatch, avant, apres, message, lues):
    monkeypatch.setattr(importer, "TAILLE_LOT", 3)
    contenu = flux(8, 2)
    assert avant in contenu
    rapport, _ = importer_flux(contenu.replace(avant, apres))
    assert len(rapport.errors) == 1 and message in rapport.errors[0]
    assert (rapport.created, rapport.formations) == (0, lues)
    assert not FormationPage.objects.exists()
    assert not Session.objects.exists()


def test_dry_run_counts_without_writing(region):
    rapport, _ = importer_flux(flux(5, 3), dry_run=True)
    assert (rapport.created, rapport.sessions, rapport.errors) == (5, 15, [])
    assert not FormationPage.objects.exists()


@pytest.mark.opensearch
def test_imported_sessions_reach_the_catalogue_sessions_index(
    opensearch_index, region, django_capture_on_commit_callbacks
):
    from formations.catalogue import engine
    from recherche import opensearch

    with django_capture_on_commit_callbacks(execute=True):
        rapport, _ = importer_flux(flux(3, 2))
    assert (rapport.created, rapport.sessions) == (3, 6)
    client = opensearch.client()
    client.indices.refresh(index=engine.sessions_alias(), request_timeout=60)
    trouvees = client.search(index=engine.sessions_alias(), body={"size": 20})["hits"]["hits"]
    assert {int(hit["_id"]) for hit in trouvees} == set(
        Session.objects.values_list("pk", flat=True)
    )


def test_new_sessions_get_the_column_defaults_and_the_import_time(region):
    avant = timezone.now()
    rapport, _ = importer_flux(flux(2, 3))
    assert (rapport.created, rapport.errors) == (2, [])
    defaut = Session()
    for session in Session.objects.all():
        assert (session.capacite, session.politique, session.part_max_reseau) == (
            defaut.capacite,
            defaut.politique,
            defaut.part_max_reseau,
        )
        assert (session.lien_distanciel, session.valide_par_responsable) == ("", False)
        assert session.inscriptions_ouverture is None and session.inscriptions_cloture is None
        assert session.cree_le == session.modifie_le >= avant
        assert session.extras["action"]["attrib"] == {"numero": f"A{session.formation.numero[1:]}"}
        assert session.extras["session"]["attrib"] == {"numero": session.numero}


@pytest.mark.parametrize(
    ("avant", "apres", "champ"),
    [
        (b'<session numero="S1-0">', b'<session numero="S1-' + b"0" * 120 + b'">', "numero"),
        (b'<action numero="A1">', b'<action numero="A' + b"1" * 120 + b'">', "action_numero"),
        (
            b"<region>53</region></adresse>",
            b"<region>53</region><geolocalisation><latitude>1234.5</latitude>"
            b"<longitude>1</longitude></geolocalisation></adresse>",
            "latitude",
        ),
    ],
    ids=["session-number", "action-number", "latitude"],
)
def test_a_session_value_that_does_not_fit_is_refused(region, avant, apres, champ):
    contenu = flux(3, 1)
    assert avant in contenu
    rapport, _ = importer_flux(contenu.replace(avant, apres, 1))
    assert len(rapport.errors) == 1
    assert rapport.errors[0].startswith("formation F") and f" : {champ} : " in rapport.errors[0]
    assert not FormationPage.objects.exists() and not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_worker_indexes_what_the_import_wrote(
    settings, monkeypatch, home_page, request
):
    """The import queues one search sync per batch and returns; the worker makes the
    formations searchable (database store, and OpenSearch when set) and the catalogue lists
    their sessions (from its OpenSearch index when built)."""
    from django.contrib.auth.models import AnonymousUser

    from formations.catalogue import engine
    from formations.catalogue.filters import CatalogueFiltres
    from formations.catalogue.listing import session_catalogue
    from recherche import opensearch

    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(importer, "TAILLE_LOT", 2)
    RegionPageFactory()
    if opensearch.enabled():
        request.getfixturevalue("opensearch_index")
    rapport, _ = importer_flux(flux(5, 2, fin="20991231"))
    assert (rapport.created, rapport.errors) == (5, [])
    pages = {str(pk) for pk in FormationPage.objects.values_list("pk", flat=True)}
    etiquette = "formations.formationpage"
    taches = DBTaskResult.objects.filter(task_path=LHEO_SYNC)
    assert taches.ready().count() == 3  # batches of 2, 2 and 1 formations
    assert set(SearchOutbox.objects.values_list("object_pk", flat=True)) == pages
    assert not SearchDocument.objects.filter(doc_id__startswith=etiquette).exists()

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert set(taches.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert not SearchOutbox.objects.exists()
    indexes = SearchDocument.objects.filter(doc_id__startswith=f"{etiquette}:")
    assert {d.split(":")[1] for d in indexes.values_list("doc_id", flat=True)} == pages
    if opensearch.enabled():
        opensearch.refresh()
        opensearch.client().indices.refresh(index=engine.sessions_alias())
        trouves = opensearch.client().search(
            index=opensearch.alias_name(),
            body={"query": {"ids": {"values": [f"{etiquette}:{pk}" for pk in pages]}}},
        )
        assert trouves["hits"]["total"]["value"] == len(pages)
    catalogue = session_catalogue(
        user=AnonymousUser(), filtres=CatalogueFiltres(), origine=None, par_page=20
    )
    assert catalogue.moteur == ("opensearch" if opensearch.enabled() else "database")
    assert {s.pk for s in catalogue.page.object_list} == set(
        Session.objects.values_list("pk", flat=True)
    )
    assert catalogue.page.paginator.count == 10
