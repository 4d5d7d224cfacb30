"""A session's community says which session it follows, with a link to the formation."""

import datetime

import pytest

from communautes.services import communaute_session_ensure
from formations.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_session_community_links_to_its_formation(client):
    formatrice = UserFactory()
    session = SessionFactory(
        date_debut=datetime.date(2027, 1, 8), date_fin=datetime.date(2027, 1, 10), ville="Lyon"
    )
    session.formateurs.add(formatrice)
    communaute = communaute_session_ensure(session=session)
    client.force_login(formatrice)

    html = client.get(communaute.get_absolute_url()).content.decode()

    assert f'<a href="{session.formation.url}">{session.formation.title}</a>' in html
    assert "du 8 janvier 2027 au 10 janvier 2027" in html
    assert "Lyon" in html


def test_a_remote_one_day_session(client):
    formatrice = UserFactory()
    session = SessionFactory(
        date_debut=datetime.date(2027, 1, 8), date_fin=datetime.date(2027, 1, 8), ville=""
    )
    session.formateurs.add(formatrice)
    communaute = communaute_session_ensure(session=session)
    client.force_login(formatrice)

    html = client.get(communaute.get_absolute_url()).content.decode()

    assert "8 janvier 2027" in html and "du 8 janvier" not in html
    assert "à distance" in html
