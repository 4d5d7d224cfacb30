"""What the formations app announces to the other apps, which subscribe in their AppConfig.

Sent inside the transaction that changes the place (for a new enrolment, the queued join
that first checks the place is still held: `suites_inscription.inscription_community_join`), so that
what a receiver writes commits or rolls back with it; receivers that reach the outside world
schedule it after commit."""

from django.dispatch import Signal

# A participant holds a confirmed place: kwargs `session`, `user`.
participant_confirmed = Signal()
# A participant no longer holds a place (cancelled, or the session was): kwargs `session`, `user`.
participant_left = Signal()
