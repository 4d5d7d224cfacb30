"""`envoyer_digest --frequence quotidien|hebdomadaire [--dry-run] [--apercu EMAIL]`."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communautes.models import ResumeEnvoi
from communautes.notifications.digest import digest_refusal, digest_send


class Command(BaseCommand):
    help = (
        "Envoie le résumé d'activité du jour ou de la semaine, une fois par période. "
        "--dry-run affiche sans rien envoyer ni enregistrer l'objet et le texte de chaque "
        "e-mail ; --apercu EMAIL fait de même pour un seul membre."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequence", required=True, choices=ResumeEnvoi.Frequence.values)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Affiche les e-mails qui seraient envoyés, sans rien envoyer ni enregistrer.",
        )
        parser.add_argument(
            "--apercu",
            metavar="EMAIL",
            help="Affiche le résumé d'un seul membre, sans rien envoyer ni enregistrer.",
        )
        parser.add_argument("--lot", type=int, default=500, help="Membres traités par lot.")

    def handle(self, *args, frequence, dry_run, apercu, lot, **options):
        if lot < 1:
            raise CommandError(_("--lot doit être un entier positif."))
        # A preview of one member is always a dry run: it must never send or claim a digest.
        dry_run = dry_run or apercu is not None
        if apercu is not None:
            refus = digest_refusal(frequence=frequence, email=apercu)
            if refus:
                raise CommandError(refus)

        def progress(stats):
            membres = ngettext("%(n)d membre traité", "%(n)d membres traités", stats["membres"]) % {
                "n": stats["membres"]
            }
            if dry_run:
                resumes = ngettext(
                    "%(n)d résumé à envoyer", "%(n)d résumés à envoyer", stats["envoyes"]
                )
            else:
                resumes = ngettext("%(n)d résumé envoyé", "%(n)d résumés envoyés", stats["envoyes"])
            self.stderr.write(f"{membres}, {resumes % {'n': stats['envoyes']}}")

        def preview(message):
            self.stdout.write(f"=== À : {', '.join(message.to)}")
            self.stdout.write(f"Objet : {message.subject}")
            self.stdout.write("")
            self.stdout.write(message.body.rstrip())
            self.stdout.write("")

        stats = digest_send(
            frequence=frequence,
            dry_run=dry_run,
            batch_size=lot,
            progress=progress,
            email=apercu,
            preview=preview if dry_run else None,
        )
        if apercu is not None and not stats["envoyes"]:
            self.stdout.write(
                _("Rien de nouveau pour %(email)s sur la période : aucun e-mail ne serait envoyé.")
                % {"email": apercu}
            )
        self.stdout.write(json.dumps(stats))
