"""Create or update the role groups and the regional editors' scope groups."""

import json

from django.core.management.base import BaseCommand, CommandError

from maillage.roles import UnknownPermissionError, roles_setup


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les groupes des rôles (conseiller, formateur, éditeur régional, "
        "animateur, administrateur) et un groupe d'éditeurs par région."
    )

    def handle(self, *args, **options):
        try:
            summary = roles_setup()
        except UnknownPermissionError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(
            f"{summary['roles']} rôles, {summary['groupes_regionaux']} groupes régionaux, "
            f"{summary['created']} groupes créés"
        )
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
