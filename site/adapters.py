"""allauth adapter: every new account gets its profile in the same transaction."""

from allauth.account.adapter import DefaultAccountAdapter

from maillage.services import profil_ensure


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profil_ensure(user=user)
        return user
