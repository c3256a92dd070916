import sys

from django.core.management.base import BaseCommand, CommandError

from samskab.consultations.intake import mailsources
from samskab.consultations.intake.mail import mail_ingest
from samskab.consultations.models import Consultation


class Command(BaseCommand):
    help = (
        "Read e-mail responses from IMAP, a Maildir, an mbox, .eml files or stdin ('-'). "
        "Prints MESSAGE-ID<TAB>STATUS<TAB>REFERENCE for each message."
    )

    def add_arguments(self, parser):
        parser.add_argument("stdin", nargs="?", choices=["-"],
                            help="'-': one message on standard input (MTA pipe)")
        source = parser.add_argument_group("source (exactly one)")
        source.add_argument("--imap", metavar="URL",
                            help="imaps://user:pass@host:port/folder (or imap:// locally)")
        source.add_argument("--maildir", metavar="DIR")
        source.add_argument("--mbox", metavar="FILE")
        source.add_argument("--eml", metavar="FILE", nargs="+")
        parser.add_argument("--consultation", metavar="SLUG",
                            help="put every message in this consultation instead of routing")

    def handle(self, *args, stdin, imap, maildir, mbox, eml, consultation, **options):
        chosen = [v for v in (stdin, imap, maildir, mbox, eml) if v]
        if len(chosen) != 1:
            raise CommandError(
                "name exactly one source: --imap URL, --maildir DIR, --mbox FILE, "
                "--eml FILE..., or - for standard input", returncode=2,
            )
        target = None
        if consultation:
            target = Consultation.objects.filter(slug=consultation).first()
            if target is None:
                raise CommandError(f"no consultation with the slug {consultation!r}",
                                   returncode=2)
        counts: dict[str, int] = {}
        try:
            source = mailsources.open_source(imap=imap, maildir=maildir, mbox=mbox, eml=eml,
                                             stdin=bool(stdin))
            with source:
                for message in source:
                    result = mail_ingest(raw=message.raw, source_id=message.source_id,
                                         consultation=target)
                    # Only a committed outcome lets the source move the message away.
                    message.ack()
                    counts[result.status] = counts.get(result.status, 0) + 1
                    self.stdout.write(f"{result.message_id}\t{result.status}\t{result.reference}")
        except mailsources.SourceUnavailable as error:
            self.stderr.write(f"error: mail source cannot be read: {error.reason}")
            sys.exit(1)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"
        self.stderr.write(f"messages: {summary}")
