"""Writes of the formations app: enrolment, waiting list, reminders, sessions, regional groups."""

import datetime
import secrets
import weakref
from decimal import Decimal
from functools import partial

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import ProgrammingError, connection, router, transaction
from django.db.models import Count, Q
from django.db.models.signals import post_save
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import GroupPagePermission

from maillage import roles
from maillage.liste_attente import waitlist_promote
from maillage.models import Profil, Structure

from . import permissions, tasks
from .models import (
    Attestation,
    Emargement,
    Evaluation,
    Inscription,
    RegionPage,
    Session,
    SessionDate,
)
from .suites_inscription import AVIS_DELAI, avis_cle, participants_joined, participants_left

Etat = Inscription.Etat
Avis = Inscription.AvisInscription
ETATS_ACTIFS = (*Inscription.ETATS_OCCUPANT_UNE_PLACE, Etat.LISTE_ATTENTE)
PUBLICATION = ("add", "change", "publish", "lock", "unlock")


def _notifier_apres_commit(inscription_ids: list[int], modele: str) -> None:
    """Schedule one e-mail per enrolment once the surrounding transaction has committed."""

    def envoyer() -> None:
        for inscription_id in inscription_ids:
            tasks.envoyer_notification_inscription.enqueue(inscription_id, modele)

    if inscription_ids:
        transaction.on_commit(envoyer)


def _avis_mettre_en_file(session_id: int) -> bool:
    """After an enrolment's commit: queue the session's notice task unless one is queued and
    has not started yet (the mark in the cache); True when this call queued it."""
    cle = avis_cle(session_id)
    if not cache.add(cle, 1, timeout=int(AVIS_DELAI.total_seconds())):
        return False
    try:
        tasks.envoyer_avis_inscription.enqueue(session_id)
    except Exception:
        # The next enrolment queues it again; the sweep sends the notices meanwhile pending.
        cache.delete(cle)
        raise
    return True


def _places_occupees(session: Session) -> int:
    return session.inscriptions.filter(etat__in=Inscription.ETATS_OCCUPANT_UNE_PLACE).count()


def _etat_avec_place(session: Session) -> str:
    return Etat.EN_ATTENTE_VALIDATION if session.valide_par_responsable else Etat.CONFIRMEE


def _liste_sql(valeurs) -> str:
    """Choice values (constants of the models, never input) as an SQL list: 'a', 'b'."""
    if not all(str(valeur).isidentifier() for valeur in valeurs):
        raise ValueError(valeurs)
    return ", ".join(f"'{valeur}'" for valeur in valeurs)


_TABLES = {
    "inscription": Inscription._meta.db_table,
    "session": Session._meta.db_table,
    "profil": Profil._meta.db_table,
    "structure": Structure._meta.db_table,
}

# The whole decision of one enrolment in one statement, the same on PostgreSQL and SQLite:
# what the rows say once the session row is locked, what the person gets, and the write.
# The rules are those of `Session.inscriptions_ouvertes` and `Session.places_par_reseau`; while
# the window is open, `Session.plafond_reseau_actif` is true for every « mixité » session.
# tests/formations/test_inscription_decision.py holds the two sides together.
# A shut window proposes no row; an active enrolment is left as it is (idempotence); a
# cancelled one is enrolled again on its own row. RETURNING gives no row in both cases.
_DECISION_SQL = """
WITH
demandeur AS (
    -- Profil, structure, réseau; NULL without a structure. People without one are capped
    -- together, as one network: nothing shows that they bring another network, and leaving
    -- one's structure empty must not be a way around the cap.
    SELECT (
        SELECT structure.reseau_id
        FROM {profil} profil
        JOIN {structure} structure ON structure.id = profil.structure_id
        WHERE profil.user_id = %(user)s
    ) AS reseau_id
),
session_ouverte AS (
    SELECT
        id,
        capacite,
        politique,
        CASE WHEN valide_par_responsable THEN '{en_attente_validation}' ELSE '{confirmee}' END
            AS etat_avec_place,
        CASE WHEN capacite * part_max_reseau / 100 > 1 THEN capacite * part_max_reseau / 100
            ELSE 1 END AS places_par_reseau
    FROM {session}
    WHERE id = %(session)s
        AND etat = '{ouverte}'
        AND (inscriptions_ouverture IS NULL OR inscriptions_ouverture <= %(now)s)
        AND (inscriptions_cloture IS NULL OR inscriptions_cloture >= %(now)s)
),
places AS (
    SELECT
        count(inscription.id) FILTER (WHERE inscription.etat IN ({occupant})) AS occupees,
        count(inscription.id) FILTER (
            WHERE inscription.etat IN ({occupant})
            AND (inscription.reseau_id = demandeur.reseau_id
                OR (inscription.reseau_id IS NULL AND demandeur.reseau_id IS NULL))
        ) AS du_reseau,
        coalesce(
            max(inscription.position) FILTER (WHERE inscription.etat = '{liste_attente}'), 0
        ) AS derniere_position
    FROM demandeur
    LEFT JOIN {inscription} inscription ON inscription.session_id = %(session)s
),
decision AS (
    SELECT
        session_ouverte.id AS session_id,
        session_ouverte.etat_avec_place,
        demandeur.reseau_id,
        places.derniere_position,
        CASE
            WHEN places.occupees >= session_ouverte.capacite THEN '{complet}'
            WHEN session_ouverte.politique = '{mixite}'
                AND places.du_reseau >= session_ouverte.places_par_reseau THEN '{motif_mixite}'
            ELSE ''
        END AS motif
    FROM session_ouverte, places, demandeur
)
INSERT INTO {inscription}
    (session_id, user_id, etat, position, motif_attente, reseau_id, rappel_envoye_le,
     avis_a_envoyer, cree_le, modifie_le)
SELECT
    session_id,
    %(user)s,
    CASE motif WHEN '' THEN etat_avec_place ELSE '{liste_attente}' END,
    CASE motif WHEN '' THEN NULL ELSE derniere_position + 1 END,
    motif,
    reseau_id,
    NULL,
    CASE
        WHEN motif <> '' THEN '{avis_liste_attente}'
        WHEN etat_avec_place = '{confirmee}' THEN '{avis_confirmation}'
        ELSE '{avis_en_attente_validation}'
    END,
    %(now)s,
    %(now)s
FROM decision
WHERE true
ON CONFLICT (session_id, user_id) DO UPDATE SET
    etat = excluded.etat,
    position = excluded.position,
    motif_attente = excluded.motif_attente,
    reseau_id = excluded.reseau_id,
    avis_a_envoyer = excluded.avis_a_envoyer,
    modifie_le = excluded.modifie_le
WHERE {inscription}.etat NOT IN ({actif})
RETURNING id, etat, position, motif_attente, reseau_id, cree_le = modifie_le
"""
# The person's row after the decision: when nothing was written, an active one means
# "already enrolled", anything else that the window is shut.
_ACTUELLE_SQL = (
    "SELECT id, etat FROM {inscription} WHERE session_id = %(session)s AND user_id = %(user)s"
)
# FOR NO KEY UPDATE, not FOR UPDATE: enrolments wait for one another and for every writer
# holding the session's FOR UPDATE lock (`select_for_update()`: cancellations, promotions,
# rule changes), but not for the community join (`suites_inscription.PARTAGE_SQL`, FOR KEY
# SHARE).
_VERROU_SQL = "SELECT 1 FROM {session} WHERE id = %(session)s FOR NO KEY UPDATE"
# Only table names and choice values of the models go into the text, never input.
_DECISION_SQL, _ACTUELLE_SQL, _VERROU_SQL = (
    sql.format(
        **_TABLES,
        occupant=_liste_sql(Inscription.ETATS_OCCUPANT_UNE_PLACE),
        actif=_liste_sql(ETATS_ACTIFS),
        en_attente_validation=Etat.EN_ATTENTE_VALIDATION,
        confirmee=Etat.CONFIRMEE,
        liste_attente=Etat.LISTE_ATTENTE,
        ouverte=Session.Etat.OUVERTE,
        mixite=Session.Politique.MIXITE,
        complet=Inscription.MotifAttente.COMPLET,
        motif_mixite=Inscription.MotifAttente.MIXITE,
        avis_confirmation=Avis.CONFIRMATION,
        avis_en_attente_validation=Avis.EN_ATTENTE_VALIDATION,
        avis_liste_attente=Avis.LISTE_ATTENTE,
    )
    for sql in (_DECISION_SQL, _ACTUELLE_SQL, _VERROU_SQL)
)
_CHAMPS_INSCRIPTION = [field.attname for field in Inscription._meta.concrete_fields]
_COMMIT_SANS_ATTENTE = "SET LOCAL synchronous_commit TO OFF"
# A transaction of its own that takes a transaction id commits a record to the log, and a
# synchronous commit flushes the log up to it, hence up to every earlier commit.
_DURABLE_SQL = "SELECT pg_current_xact_id()"


def _commit_sans_attente_sur() -> bool:
    """Whether the decision may commit without waiting for the write-ahead log flush.

    Only when tasks are rows of this same database (TASKS_BACKEND=database, as in
    production): right after the decision, on the same connection, comes a synchronous
    commit — the queueing of a confirmed participant's community join, else `_DURABLE_SQL`
    —, and the log is flushed in order, so the enrolment is on disk before
    `inscription_create` returns, and the session lock is not held during the flush."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return (
        isinstance(tasks.rejoindre_communaute_session.get_backend(), DatabaseBackend)
        and router.db_for_write(DBTaskResult) == connection.alias
    )


def _sans_attente() -> bool:
    """Whether `_decider` commits without waiting (`_decider_postgresql`)."""
    return (
        connection.vendor == "postgresql"
        and connection.get_autocommit()
        and _commit_sans_attente_sur()
    )


# On PostgreSQL the decision and the read that follows it are prepared once per connection:
# planning them again for every enrolment would lengthen the time the lock is held.
_PREPAREES = {
    "maillage_inscription_decision": (_DECISION_SQL, ("session", "user", "now")),
    "maillage_inscription_actuelle": (_ACTUELLE_SQL, ("session", "user")),
}
_TYPES_SQL = {"session": "bigint", "user": "bigint", "now": "timestamptz"}
# The driver's connections (reused by the pool) on which they are prepared.
_CONNEXIONS_PREPAREES: weakref.WeakSet = weakref.WeakSet()
_PREPARED_STATEMENT_INCONNU = "26000"


def _preparer(cursor) -> None:
    """PREPARE each statement of `_PREPAREES` on the cursor's connection ($1… for %(…)s)."""
    for nom, (sql, noms) in _PREPAREES.items():
        for rang, cle in enumerate(noms, start=1):
            sql = sql.replace(f"%({cle})s", f"${rang}")
        types = ", ".join(_TYPES_SQL[cle] for cle in noms)
        cursor.execute(f"PREPARE {nom} ({types}) AS {sql}")


def _executer(nom: str) -> str:
    """EXECUTE of a prepared statement, its arguments bound from the same parameters."""
    return f"EXECUTE {nom} ({', '.join(f'%({cle})s' for cle in _PREPAREES[nom][1])})"


def _decider_postgresql(params: dict) -> tuple:
    """One round trip: the statements of one query string run in one transaction, each on a
    fresh snapshot, so the decision reads what the previous holder of the lock committed.
    The lock is held while the server runs them and commits, never while Python works."""
    requetes = [
        _VERROU_SQL,
        _executer("maillage_inscription_decision"),
        _executer("maillage_inscription_actuelle"),
    ]
    if _commit_sans_attente_sur():
        requetes.insert(0, _COMMIT_SANS_ATTENTE)
    with connection.cursor() as cursor:
        if connection.connection not in _CONNEXIONS_PREPAREES:
            _preparer(cursor)
            _CONNEXIONS_PREPAREES.add(connection.connection)
        cursor.execute(";\n".join(requetes), params)
        for _requete in range(len(requetes) - 2):
            cursor.nextset()
        ecrite = cursor.fetchone()
        cursor.nextset()
        return ecrite, cursor.fetchone()


def _decider(session: Session, user, maintenant: datetime.datetime) -> tuple:
    """Run the decision; return (the written row or None, the person's row after it)."""
    params = {
        "session": session.pk,
        "user": user.pk,
        "now": connection.ops.adapt_datetimefield_value(maintenant),
    }
    # Autocommit: not within a caller's transaction, whose lock and commit are its own.
    if connection.vendor == "postgresql" and connection.get_autocommit():
        try:
            return _decider_postgresql(params)
        except ProgrammingError as exc:
            # The server forgot them (DISCARD ALL): that query string ran nothing.
            if getattr(exc.__cause__, "sqlstate", None) != _PREPARED_STATEMENT_INCONNU:
                raise
            _CONNEXIONS_PREPAREES.discard(connection.connection)
            return _decider_postgresql(params)
    # Within the caller's transaction, or on SQLite (where a transaction that writes holds
    # the database's write lock from its start): the same statements, one after the other.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_VERROU_SQL, params)
        cursor.execute(_DECISION_SQL, params)
        ecrite = cursor.fetchone()
        cursor.execute(_ACTUELLE_SQL, params)
        return ecrite, cursor.fetchone()


def inscription_create(*, session: Session, user) -> Inscription:
    """Enrol `user`: a place while some remain, else the waiting list. Idempotent.

    With the « mixité » policy, while the enrolment window is open, a person whose network
    already holds its share of the places (`Session.places_par_reseau`) waits too, with
    the reason stored (`motif_attente`), while other networks still enrol.

    The session row lock serialises the enrolments of a session; it covers only the
    decision and its write (`_DECISION_SQL`, one round trip on PostgreSQL), which marks the
    notice to send (`avis_a_envoyer`). The rest follows the commit: the session's notice
    task is queued unless one already waits (`inscription_notices_send`), the community join
    of a confirmed participant (`inscription_community_join`) is queued, then the save signal
    is sent (page cache, sessions index)."""
    maintenant = timezone.now()
    sans_attente = _sans_attente()
    ecrite, actuelle = _decider(session, user, maintenant)
    if ecrite is None:
        if actuelle is not None and actuelle[1] in ETATS_ACTIFS:
            return Inscription.objects.get(pk=actuelle[0])
        raise ValidationError(_("Les inscriptions à cette session ne sont pas ouvertes."))
    pk, etat, position, motif, reseau_id, creee = ecrite
    avis = {
        Etat.CONFIRMEE: Avis.CONFIRMATION,
        Etat.EN_ATTENTE_VALIDATION: Avis.EN_ATTENTE_VALIDATION,
        Etat.LISTE_ATTENTE: Avis.LISTE_ATTENTE,
    }[etat]
    if creee:
        valeurs = {
            "id": pk,
            "session_id": session.pk,
            "user_id": user.pk,
            "etat": etat,
            "position": position,
            "motif_attente": motif,
            "reseau_id": reseau_id,
            "rappel_envoye_le": None,
            "avis_a_envoyer": avis,
            "cree_le": maintenant,
            "modifie_le": maintenant,
        }
        inscription = Inscription.from_db(
            connection.alias, _CHAMPS_INSCRIPTION, [valeurs[c] for c in _CHAMPS_INSCRIPTION]
        )
    else:
        inscription = Inscription.objects.get(pk=pk)
    inscription.session, inscription.user = session, user
    transaction.on_commit(partial(_avis_mettre_en_file, session.pk))
    # Before the save signal: the durability point of a decision committed without waiting
    # (`_commit_sans_attente_sur`), the join's queueing or else `_DURABLE_SQL`.
    if etat == Etat.CONFIRMEE:
        transaction.on_commit(partial(tasks.rejoindre_communaute_session.enqueue, inscription.pk))
    elif sans_attente:
        with connection.cursor() as cursor:
            cursor.execute(_DURABLE_SQL)
    # The row was written in SQL: the receivers of its save (page cache, sessions index)
    # still hear of it.
    post_save.send(
        sender=Inscription,
        instance=inscription,
        created=bool(creee),
        update_fields=None,
        raw=False,
        using=connection.alias,
    )
    return inscription


def _promouvoir(session: Session) -> list[int]:
    """Give the free places to the waiting list, in order; return the promoted ids.

    The one promotion of every path (a cancellation, more places, a looser policy, the
    enrolment window closing). Under the « mixité » cap, a waiting person whose network
    holds its share is passed over for the next one, and keeps waiting with that reason.
    The caller holds the session row lock."""
    if session.etat == Session.Etat.ANNULEE:
        return []
    par_reseau = {
        ligne["reseau"]: ligne["n"]
        for ligne in session.inscriptions.filter(etat__in=Inscription.ETATS_OCCUPANT_UNE_PLACE)
        .order_by()
        .values("reseau")
        .annotate(n=Count("pk"))
    }
    libres = session.capacite - sum(par_reseau.values())
    if libres <= 0:
        return []
    plafond = session.places_par_reseau if session.plafond_reseau_actif() else None

    def sous_le_plafond(inscription: Inscription) -> bool:
        if par_reseau.get(inscription.reseau_id, 0) >= plafond:
            return False
        par_reseau[inscription.reseau_id] = par_reseau.get(inscription.reseau_id, 0) + 1
        return True

    promus, ecartes = waitlist_promote(
        attente=session.inscriptions.filter(etat=Etat.LISTE_ATTENTE),
        places=libres,
        valeurs={"etat": _etat_avec_place(session), "motif_attente": ""},
        prend_place=None if plafond is None else sous_le_plafond,
    )
    if len(promus) < libres and ecartes:
        # Places stay free for other networks: these people now wait for the mix only.
        Inscription.objects.filter(pk__in=[e.pk for e in ecartes]).exclude(
            motif_attente=Inscription.MotifAttente.MIXITE
        ).update(motif_attente=Inscription.MotifAttente.MIXITE)
    participants_joined(session, promus)
    return [inscription.pk for inscription in promus]


def inscription_cancel(*, inscription: Inscription, user) -> Inscription:
    """Cancel an enrolment (by its holder or a trainer) and promote the waiting list."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=inscription.session_id)
        inscription = Inscription.objects.select_for_update().get(pk=inscription.pk)
        if not permissions.can_cancel_inscription(user, inscription, session=session):
            raise PermissionDenied(_("Vous ne pouvez pas annuler cette inscription."))
        if inscription.etat not in ETATS_ACTIFS:
            return inscription
        liberait_une_place = inscription.etat in Inscription.ETATS_OCCUPANT_UNE_PLACE
        inscription.etat = Etat.ANNULEE
        inscription.position = None
        inscription.motif_attente = ""
        inscription.save(update_fields=["etat", "position", "motif_attente", "modifie_le"])
        participants_left(session, [inscription])
        _notifier_apres_commit([inscription.pk], "annulation_inscription")
        if liberait_une_place:
            _notifier_apres_commit(_promouvoir(session), "promotion")
    return inscription


def inscription_validate(*, inscription: Inscription, user) -> Inscription:
    """A trainer or staff member confirms an enrolment awaiting validation."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=inscription.session_id)
        if not permissions.can_manage_session(user, session):
            raise PermissionDenied(_("Vous ne pouvez pas valider cette inscription."))
        inscription = Inscription.objects.select_for_update().get(pk=inscription.pk)
        if inscription.etat != Etat.EN_ATTENTE_VALIDATION:
            return inscription
        inscription.etat = Etat.CONFIRMEE
        inscription.save(update_fields=["etat", "modifie_le"])
        participants_joined(session, [inscription])
        _notifier_apres_commit([inscription.pk], "confirmation")
    return inscription


def _changer_etat_session(session: Session, etat: str, modele: str, annuler: bool) -> Session:
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.etat == etat:
            return session
        session.etat = etat
        session.save(update_fields=["etat", "modifie_le"])
        promus = [] if annuler else _promouvoir(session)
        concernees = (
            session.inscriptions.select_for_update()
            .filter(etat__in=ETATS_ACTIFS)
            .exclude(pk__in=promus)
        )
        inscriptions = list(concernees.select_related("user"))
        if annuler:
            concernees.update(etat=Etat.ANNULEE, position=None, motif_attente="")
            participants_left(session, inscriptions)
        _notifier_apres_commit([inscription.pk for inscription in inscriptions], modele)
        _notifier_apres_commit(promus, "promotion")
    return session


def session_cancel(*, session: Session) -> Session:
    """Cancel a session: every active enrolment is cancelled and its holder told."""
    return _changer_etat_session(session, Session.Etat.ANNULEE, "session_annulee", annuler=True)


def session_close(*, session: Session) -> Session:
    """Close the enrolment window and tell everyone enrolled or waiting; places the network
    cap kept free go to the waiting list in order (the promoted are told so instead)."""
    return _changer_etat_session(session, Session.Etat.FERMEE, "session_fermee", annuler=False)


def session_enrolment_rules_change(
    *,
    session: Session,
    capacite: int | None = None,
    politique: str | None = None,
    part_max_reseau: int | None = None,
) -> list[int]:
    """Change the places and how they are given: never fewer places than those taken, a
    share per network between 10 and 100 %; places a change frees (more places, a looser
    policy) go to the waiting list in order, and the promoted are told. Returns their ids."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if capacite is not None:
            occupees = _places_occupees(session)
            if capacite < occupees:
                raise ValidationError(
                    {
                        "capacite": ngettext(
                            "%(occupees)d place est déjà occupée : la capacité ne peut pas "
                            "être inférieure.",
                            "%(occupees)d places sont déjà occupées : la capacité ne peut pas "
                            "être inférieure.",
                            occupees,
                        )
                        % {"occupees": occupees}
                    }
                )
            session.capacite = capacite
        if politique is not None:
            if politique not in Session.Politique.values:
                raise ValidationError(
                    {"politique": _("Choisissez « premier arrivé » ou « mixité des réseaux ».")}
                )
            session.politique = politique
        if part_max_reseau is not None:
            if not (Session.PART_MAX_RESEAU_MIN <= part_max_reseau <= Session.PART_MAX_RESEAU_MAX):
                raise ValidationError(
                    {
                        "part_max_reseau": _(
                            "La part maximale par réseau doit être comprise entre 10 et 100 %."
                        )
                    }
                )
            session.part_max_reseau = part_max_reseau
        session.save(update_fields=["capacite", "politique", "part_max_reseau", "modifie_le"])
        promus = _promouvoir(session)
        _notifier_apres_commit(promus, "promotion")
    return promus


def session_capacity_change(*, session: Session, capacite: int) -> list[int]:
    """Change the number of places (see `session_enrolment_rules_change`)."""
    return session_enrolment_rules_change(session=session, capacite=capacite)


def session_enrolment_window_close(*, session: Session) -> list[int]:
    """Once a « mixité » session's enrolment window has closed, the places the network cap
    kept free go to the waiting list in order, whatever the network, and the people still
    waiting wait for a place, no longer for the mix. Idempotent; returns the promoted ids."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.plafond_reseau_actif():
            return []
        promus = _promouvoir(session)
        session.inscriptions.filter(
            etat=Etat.LISTE_ATTENTE, motif_attente=Inscription.MotifAttente.MIXITE
        ).update(motif_attente=Inscription.MotifAttente.COMPLET)
        _notifier_apres_commit(promus, "promotion")
    return promus


def session_enrolment_windows_close(*, now: datetime.datetime | None = None) -> int:
    """Close the windows that have passed (`session_enrolment_window_close`) of every
    « mixité » session where someone still waits for the mix; returns the promoted count."""
    now = now or timezone.now()
    sessions = Session.objects.filter(
        politique=Session.Politique.MIXITE,
        inscriptions__etat=Etat.LISTE_ATTENTE,
        inscriptions__motif_attente=Inscription.MotifAttente.MIXITE,
    ).filter(Q(inscriptions_cloture__lt=now) | Q(etat=Session.Etat.FERMEE))
    return sum(
        len(session_enrolment_window_close(session=session))
        for session in sessions.exclude(etat=Session.Etat.ANNULEE).distinct()
    )


RAPPEL_JOURS_AVANT = 2


def inscription_send_reminders(*, jour: datetime.date | None = None) -> int:
    """Remind confirmed participants of sessions starting in two days; each one only once.

    Safe to run from several workers at once (rows locked with SKIP LOCKED)."""
    debut = (jour or timezone.localdate()) + datetime.timedelta(days=RAPPEL_JOURS_AVANT)
    with transaction.atomic():
        inscriptions = list(
            Inscription.objects.select_for_update(skip_locked=True)
            .filter(
                etat=Etat.CONFIRMEE,
                rappel_envoye_le__isnull=True,
                session__date_debut=debut,
                session__etat__in=[Session.Etat.OUVERTE, Session.Etat.FERMEE],
            )
            .values_list("pk", flat=True)
        )
        Inscription.objects.filter(pk__in=inscriptions).update(rappel_envoye_le=timezone.now())
        _notifier_apres_commit(inscriptions, "rappel")
    return len(inscriptions)


def region_editors_grant(*, region: RegionPage) -> Group:
    """Give the région's editors (the scope group of `maillage.roles`) draft, publish and lock
    rights on the région's subtree, and nowhere else. Runs whenever a RegionPage is created,
    whatever the path (admin, code, LHEO import), and from `setup_roles`. Idempotent."""
    groupe = roles.editor_group_for_region(region.territoire)
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore",
        codename__in=[f"{permission_type}_page" for permission_type in PUBLICATION],
    )
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(group=groupe, page=region, permission=permission)
    return groupe


def region_editors_grant_all() -> int:
    """Grant every existing région page to its editors; returns the number of régions."""
    regions = list(RegionPage.objects.select_related("territoire"))
    for region in regions:
        region_editors_grant(region=region)
    return len(regions)


ETATS_EMARGEABLES = (Etat.CONFIRMEE, Etat.PRESENT, Etat.ABSENT)


def _moment(jour: datetime.date, heure: datetime.time | None = None) -> datetime.datetime:
    """A local date and time (midnight when the time is unknown) as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(jour, heure or datetime.time.min))


def _le(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y à H\\hi")


def creneau_debut(creneau: SessionDate) -> datetime.datetime:
    """When a slot starts; a slot without times starts at the beginning of its day."""
    return _moment(creneau.date, creneau.heure_debut)


def _creneaux(session: Session) -> list[SessionDate]:
    return sorted(session.dates.all(), key=lambda c: (c.date, c.heure_debut or datetime.time.min))


def session_dernier_debut(session: Session) -> datetime.datetime | None:
    """When the last slot (half-day) of a session starts, or its last day without slots."""
    creneaux = _creneaux(session)
    if creneaux:
        return creneau_debut(creneaux[-1])
    jour = session.date_fin or session.date_debut
    return _moment(jour) if jour else None


def session_fin(session: Session) -> datetime.datetime | None:
    """When a session is over: the end of its last slot, else the end of its last day."""
    creneaux = _creneaux(session)
    if creneaux and creneaux[-1].heure_fin:
        return _moment(creneaux[-1].date, creneaux[-1].heure_fin)
    jour = creneaux[-1].date if creneaux else (session.date_fin or session.date_debut)
    return _moment(jour + datetime.timedelta(days=1)) if jour else None


def emargement_refus(*, creneau: SessionDate) -> str | None:
    """Why the attendance of a slot cannot be recorded now (None when it can): attendance
    states what happened, so it opens when the slot starts."""
    debut = creneau_debut(creneau)
    if timezone.now() < debut:
        return _(
            "L'émargement de ce créneau ne sera possible qu'à partir de son début, le %(debut)s."
        ) % {"debut": _le(debut)}
    return None


def emargement_record(*, creneau: SessionDate, presents: set[int], user) -> int:
    """Record the attendance sheet of one slot: enrolments in `presents` attended, the other
    confirmed ones did not. Only the session's trainers (or staff) may, once the slot has
    started. Returns rows saved."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=creneau.session_id)
        if not permissions.can_take_attendance(user, session):
            raise PermissionDenied(_("Seuls les formateurs de la session peuvent émarger."))
        if refus := emargement_refus(creneau=creneau):
            raise ValidationError(refus)
        inscriptions = list(session.inscriptions.filter(etat__in=ETATS_EMARGEABLES))
        inconnues = presents - {i.pk for i in inscriptions}
        if inconnues:
            raise ValidationError(_("Ces personnes ne sont pas inscrites à la session."))
        for inscription in inscriptions:
            Emargement.objects.update_or_create(
                inscription=inscription,
                creneau=creneau,
                defaults={"present": inscription.pk in presents, "saisi_par": user},
            )
        # A participant who attended at least one slot is "attended", otherwise "absent".
        presentes = set(
            Emargement.objects.filter(inscription__session=session, present=True).values_list(
                "inscription_id", flat=True
            )
        )
        for inscription in inscriptions:
            etat = Etat.PRESENT if inscription.pk in presentes else Etat.ABSENT
            if inscription.etat != etat:
                inscription.etat = etat
                inscription.save(update_fields=["etat", "modifie_le"])
    return len(inscriptions)


def inscription_heures_presence(*, inscription: Inscription) -> float:
    """Hours actually attended, from the attendance sheets (for the attestation)."""
    creneaux = SessionDate.objects.filter(
        emargements__inscription=inscription, emargements__present=True
    )
    return sum(creneau.duree_heures for creneau in creneaux)


def attestation_refus(*, inscription: Inscription) -> str | None:
    """Why no attestation can be issued now (None when it can): it states that the
    participant followed the session, so the session must be over and attendance signed."""
    fin = session_fin(inscription.session)
    if fin is None or timezone.now() < fin:
        if fin is None:
            return _("L'attestation sera disponible à la fin de la session.")
        return _("L'attestation sera disponible à la fin de la session, le %(fin)s.") % {
            "fin": _le(fin)
        }
    signe = Emargement.objects.filter(inscription=inscription, present=True).exists()
    if inscription.etat != Etat.PRESENT or not signe:
        return _("Une attestation n'est délivrée qu'après une présence émargée.")
    return None


def attestation_issue(*, inscription: Inscription, user) -> Attestation:
    """The attestation of a participant who attended a session that is over; hours
    refreshed from the sheets."""
    if not permissions.can_get_attestation(user, inscription):
        raise PermissionDenied(_("Cette attestation ne vous concerne pas."))
    if refus := attestation_refus(inscription=inscription):
        raise ValidationError(refus)
    heures = Decimal(str(inscription_heures_presence(inscription=inscription)))
    attestation = Attestation.objects.filter(inscription=inscription).first()
    if attestation is None:
        attestation = Attestation(inscription=inscription, code=_nouveau_code())
    attestation.heures = heures
    attestation.save()
    return attestation


def _nouveau_code() -> str:
    # 12 characters from an alphabet without look-alikes (0/O, 1/I/L): about 60 bits.
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


# Days after the end of a session when each questionnaire is requested (a window, so that a
# day without the scheduled command does not skip anyone).
DELAIS_EVALUATION = {
    Evaluation.Type.SATISFACTION: (1, 7),
    Evaluation.Type.SUIVI: (42, 49),
}


def evaluation_request_send(*, jour: datetime.date | None = None) -> dict[str, int]:
    """Ask participants who attended for each questionnaire once, at its due time."""
    jour = jour or timezone.localdate()
    envoyes = {}
    with transaction.atomic():
        for type_, (mini, maxi) in DELAIS_EVALUATION.items():
            a_demander = list(
                Inscription.objects.select_for_update(skip_locked=True)
                .filter(
                    etat=Etat.PRESENT,
                    session__date_fin__lte=jour - datetime.timedelta(days=mini),
                    session__date_fin__gte=jour - datetime.timedelta(days=maxi),
                )
                .exclude(evaluations__type=type_)
                .values_list("pk", flat=True)
            )
            Evaluation.objects.bulk_create(
                [
                    Evaluation(inscription_id=pk, type=type_, demandee_le=timezone.now())
                    for pk in a_demander
                ]
            )
            _notifier_apres_commit(a_demander, f"evaluation_{type_}")
            envoyes[type_] = len(a_demander)
    return envoyes


def evaluation_refus(*, inscription: Inscription, type: str) -> str | None:
    """Why a questionnaire cannot be answered now (None when it can): satisfaction opens at
    the start of the last half-day, the follow-up when it is requested, weeks after the end."""
    if inscription.etat != Etat.PRESENT:
        return _("Seules les personnes présentes à la session peuvent l'évaluer.")
    session = inscription.session
    if type == Evaluation.Type.SUIVI:
        jour = session.date_fin or session.date_debut
        delai = datetime.timedelta(days=DELAIS_EVALUATION[type][0])
        ouverture = _moment(jour + delai) if jour else None
    else:
        ouverture = session_dernier_debut(session)
    if ouverture is None:
        return _("Ce questionnaire n'est pas encore ouvert.")
    if timezone.now() < ouverture:
        return _("Ce questionnaire ouvrira le %(date)s.") % {"date": _le(ouverture)}
    return None


def evaluation_submit(
    *,
    inscription: Inscription,
    user,
    type: str,
    note_globale: int,
    note_utilite: int,
    usage: str = "",
    commentaire: str = "",
) -> Evaluation:
    """Record (or correct) a participant's answer to a questionnaire."""
    if not permissions.can_answer_evaluation(user, inscription):
        raise PermissionDenied(_("Ce questionnaire ne vous concerne pas."))
    if refus := evaluation_refus(inscription=inscription, type=type):
        raise ValidationError(refus)
    evaluation = Evaluation.objects.filter(inscription=inscription, type=type).first()
    evaluation = evaluation or Evaluation(inscription=inscription, type=type)
    evaluation.note_globale = note_globale
    evaluation.note_utilite = note_utilite
    evaluation.usage = usage
    evaluation.commentaire = commentaire
    evaluation.repondu_le = timezone.now()
    evaluation.full_clean()
    evaluation.save()
    return evaluation
