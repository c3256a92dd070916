from django.core.management.base import BaseCommand, CommandError

from samskab.api import services
from samskab.api.models import ApiToken
from samskab.consultations.models import Consultation
from samskab.core.actions import SystemActor


class Command(BaseCommand):
    help = (
        "API tokens for other portals: `samskab api_token create SLUG NAME` prints the secret "
        "(shown once); `list [SLUG]`; `revoke PREFIX`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token; prints its secret once")
        create.add_argument("slug", help="the consultation's short name")
        create.add_argument("name", help="who uses the token, e.g. Høringsportalen")
        create.add_argument("--description", default="")
        listing = sub.add_parser("list", help="tokens, one a line")
        listing.add_argument("slug", nargs="?")
        revoke = sub.add_parser("revoke", help="revoke the token whose secret starts so")
        revoke.add_argument("prefix", help="the token's prefix as listed, e.g. smk_AbC123")

    def handle(self, *args, action, **options):
        if action == "create":
            consultation = self._consultation(options["slug"])
            token, secret = services.api_token_create(
                consultation=consultation, name=options["name"],
                description=options["description"], actor=SystemActor("cli"),
            )
            self.stderr.write(f"token {token.prefix}… created for {consultation.slug}; "
                              "the secret is shown only now:")
            self.stdout.write(secret)
        elif action == "list":
            tokens = ApiToken.objects.select_related("consultation")
            if options["slug"]:
                tokens = tokens.filter(consultation=self._consultation(options["slug"]))
            for token in tokens:
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(
                    f"{token.prefix}\t{token.consultation.slug}\t{token.name}\t{state}\t"
                    f"last used {used}"
                )
        else:
            matches = list(ApiToken.objects.filter(prefix=options["prefix"].rstrip("…")))
            if len(matches) != 1:
                raise CommandError(
                    f"{len(matches)} tokens have the prefix {options['prefix']!r}", returncode=2
                )
            services.api_token_revoke(token=matches[0], actor=SystemActor("cli"))
            self.stdout.write(f"revoked {matches[0].prefix}")

    def _consultation(self, slug: str) -> Consultation:
        try:
            return Consultation.objects.get(slug=slug)
        except Consultation.DoesNotExist:
            raise CommandError(f"no consultation with the slug {slug!r}", returncode=2) from None
