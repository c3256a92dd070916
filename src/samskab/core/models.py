"""What every app shares: the OGP taxonomy, staff roles and the append-only audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samskab.core.i18n import translated
from samskab.core.text import organisation_key


class Bilingual(models.Model):
    """A title and a description in Danish and English (style rule 10: content in two languages
    as translated fields). `title` and `description` give the active language's text, Danish
    when there is no translation. A model whose title may be empty overrides `title_da`."""

    title_da = models.CharField(_("titel (dansk)"), max_length=200)
    title_en = models.CharField(_("titel (engelsk)"), max_length=200, blank=True)
    description_da = models.TextField(_("beskrivelse (dansk)"), blank=True)
    description_en = models.TextField(_("beskrivelse (engelsk)"), blank=True)

    title = translated("title")
    description = translated("description")

    class Meta:
        abstract = True


class TaxonomyTerm(Bilingual):
    """A fixed term of OGP's taxonomy with Danish and English title and description."""

    code = models.CharField(_("kode"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]


class GrandChallenge(TaxonomyTerm):
    """One of OGP's five grand challenges of 2012 (codes GC1…GC5)."""

    code = models.CharField(_("kode"), max_length=8, unique=True)

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("hovedudfordring")
        verbose_name_plural = _("hovedudfordringer")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class OgpValue(TaxonomyTerm):
    """One of OGP's four values; `code` matches the analysis tag codes."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("OGP-værdi")
        verbose_name_plural = _("OGP-værdier")

    def __str__(self) -> str:
        return self.title


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("AuditEvent is append-only")

    def delete(self):
        raise TypeError("AuditEvent is append-only")

    def for_object(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """Append-only record of one staff change: who, when, what, before and after."""

    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("udført af"),
    )
    actor_label = models.CharField(_("udført af (tekst)"), max_length=200, blank=True)
    action = models.CharField(_("handling"), max_length=100)
    object_type = models.CharField(_("objekttype"), max_length=100)
    object_id = models.CharField(_("objekt-id"), max_length=64)
    before = models.JSONField(_("før"), null=True, blank=True)
    after = models.JSONField(_("efter"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("revisionshændelse")
        verbose_name_plural = _("revisionslog")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("AuditEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("AuditEvent is append-only")


class OrganisationKind(models.TextChoices):
    """What kind of body an organisation is. The values match `RespondentKind` (less citizen),
    so a recognised respondent's kind can be read off its organisation."""

    AUTHORITY_STATE = "authority_state", _("Statslig myndighed")
    AUTHORITY_REGION = "authority_region", _("Region")
    AUTHORITY_MUNICIPALITY = "authority_municipality", _("Kommune")
    NGO = "ngo", _("Organisation / NGO")
    BUSINESS = "business", _("Virksomhed")
    RESEARCH = "research", _("Forskning og uddannelse")
    OTHER = "other", _("Andet")


class OrganisationQuerySet(models.QuerySet):
    def authorities(self) -> "OrganisationQuerySet":
        return self.filter(kind__in=[OrganisationKind.AUTHORITY_STATE,
                                     OrganisationKind.AUTHORITY_REGION,
                                     OrganisationKind.AUTHORITY_MUNICIPALITY])


class Organisation(models.Model):
    """An authority, association, company or institution: the consulting authority, a party on
    the høringsliste, a recognised respondent, a commitment's lead agency. Staff users are
    members of one or more (agency officers act for their own organisation only)."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("kort navn"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=32, choices=OrganisationKind.choices,
                            default=OrganisationKind.OTHER)
    cvr = models.CharField(
        _("CVR-nummer"), max_length=8, blank=True,
        help_text=_("Det danske virksomhedsnummer (otte cifre), hvor det kendes."),
    )
    website = models.URLField(_("websted"), blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    # The names as senders are matched to them (`core.text.organisation_key`), kept by save().
    name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    short_name_key = models.CharField(max_length=60, blank=True, db_index=True,
                                      editable=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations",
        verbose_name=_("medlemmer"), blank=True,
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        constraints = [
            models.UniqueConstraint(fields=["cvr"], condition=~models.Q(cvr=""),
                                    name="core_organisation_unique_cvr"),
            models.CheckConstraint(condition=models.Q(cvr="") | models.Q(cvr__regex=r"^[0-9]{8}$"),
                                   name="core_organisation_cvr_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = organisation_key(self.name)[:200]
        self.short_name_key = organisation_key(self.short_name)[:60]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "short_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key", "short_name_key"}
        super().save(*args, **kwargs)


class OrganisationDomain(models.Model):
    """An e-mail domain that belongs to an organisation (`digst.dk`): mail from it is the
    organisation's, and replies to a høringsliste are matched by it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="domains", verbose_name=_("organisation"))
    domain = models.CharField(_("e-maildomæne"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-maildomæne")
        verbose_name_plural = _("e-maildomæner")

    def __str__(self) -> str:
        return self.domain


class Membership(models.Model):
    """A staff user's membership of an organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships", verbose_name=_("bruger"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="memberships", verbose_name=_("organisation"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"],
                                               name="core_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"
