"""Who may do what with sessions, enrolments and programmes: each rule written once, read by
the services, the views and the templates (`formations_tags`)."""

from .models import Inscription, ProgrammePage, Session


def is_session_trainer(user, session: Session) -> bool:
    """Whether `user` is one of the session's trainers; no query when they are prefetched."""
    if not user.is_authenticated:
        return False
    prefetched = getattr(session, "_prefetched_objects_cache", {})
    if "formateurs" in prefetched:
        return any(formateur.pk == user.pk for formateur in prefetched["formateurs"])
    return session.formateurs.filter(pk=user.pk).exists()


def can_manage_session(user, session: Session) -> bool:
    """A session is run by its trainers, and by staff: they confirm enrolments awaiting
    validation and cancel anyone's."""
    return user.is_staff or is_session_trainer(user, session)


def can_take_attendance(user, session: Session) -> bool:
    """Who fills a session's attendance sheets."""
    return can_manage_session(user, session)


def can_see_session_evaluations(user, session: Session) -> bool:
    """Who reads the answers to a session's questionnaires."""
    return can_manage_session(user, session)


def can_cancel_inscription(
    user, inscription: Inscription, *, session: Session | None = None
) -> bool:
    """The person enrolled, or those who run the session (`session`: the enrolment's, when
    the caller already holds it)."""
    if inscription.user_id == user.pk:
        return True
    return can_manage_session(user, session or inscription.session)


def can_get_attestation(user, inscription: Inscription) -> bool:
    """The attestation goes to the participant; staff may issue it for them."""
    return inscription.user_id == user.pk or user.is_staff


def can_answer_evaluation(user, inscription: Inscription) -> bool:
    """Only the participant answers their questionnaires."""
    return inscription.user_id == user.pk


def can_see_programme_indicators(user, programme: ProgrammePage) -> bool:
    """A programme's figures and exports are for those who may edit it (its région's
    editors, administrators), as Wagtail's page permissions say."""
    return programme.permissions_for_user(user).can_edit()
