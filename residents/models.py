import datetime
from contextlib import contextmanager

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connection, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, ExtractYear, Greatest, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.roles import CASE_FILE_HISTORY
from core.audit import audited
from core.validators import not_in_the_future

# Below this trigram word similarity a name is not offered as a search result: a typo such as
# "dimtri" for "Dimitri" scores 0.5. Duplicates use the `%>` operator (GIN-indexed), whose
# threshold is PostgreSQL's pg_trgm.word_similarity_threshold, 0.6 by default; the list's search
# uses it too, with the threshold lowered to this one (`search_threshold()`).
SEARCH_SIMILARITY = 0.45
ADULT_AGE = 18
FUTURE_ASSESSMENT = _("An assessment cannot be dated in the future.")


class Unaccent(models.Func):
    """`residents_unaccent(text)`: PostgreSQL's unaccent, declared IMMUTABLE (see 0001_initial).

    The extension's own function is only STABLE, which a generated column or an index refuses.
    """

    function = "residents_unaccent"
    output_field = models.TextField()


def normalised(text) -> Unaccent:
    """The SQL form of a search string: lower case, without accents, like `search_text`."""
    return Unaccent(Lower(Value(text, output_field=models.TextField())))


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    TRANS = "trans", _("Trans person")
    NON_BINARY = "non_binary", _("Non-binary / other")
    NOT_STATED = "not_stated", _("Not stated")


def open_file(path: str = "") -> Q:
    """The condition that a file is open — neither archived nor anonymised — for residents
    (`open_file()`) or for rows reached through a relation (`open_file("resident")`)."""
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}archived_at__isnull": True, f"{prefix}anonymised_at__isnull": True})


@contextmanager
def search_threshold():
    """A transaction in which PostgreSQL's `%>` means a word similarity of SEARCH_SIMILARITY or
    more, so that `Resident.objects.search(query, indexed=True)` finds what the plain search finds,
    through the trigram index.

    The planner does not know how dear `word_similarity()` is: on a few thousand files it would
    compute it on every row rather than read the index (0.4 ms against 10-20 ms), hence the
    sequential scans turned down. Both settings are `SET LOCAL`, and the block is rolled back on
    the way out (it only reads), so they never outlive it, even inside another transaction.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true),"
                " set_config('enable_seqscan', 'off', true)",
                [str(SEARCH_SIMILARITY)],
            )
        yield
        transaction.set_rollback(True)


class ResidentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(open_file())

    def search(self, query: str, *, indexed: bool = False):
        """Residents matching `query`, best match first.

        A four-digit word is a year of birth and matches exactly; the other words are compared
        with nickname, first and last name, without accents or case, tolerating typos.

        `indexed` compares with the `%>` operator, which the trigram index answers: only inside
        `search_threshold()`, which gives it the threshold of the plain comparison.
        """
        words = query.split()
        years = [int(word) for word in words if word.isdigit() and len(word) == 4]
        text = " ".join(word for word in words if not (word.isdigit() and len(word) == 4))
        found = self
        if years:
            found = found.filter(birth_year__in=years)
        if not text:
            return found.order_by("nickname", "pk")
        needle = normalised(text)
        similar = (
            Q(search_text__trigram_word_similar=needle)
            if indexed
            else Q(rank__gte=SEARCH_SIMILARITY)
        )
        return (
            found.annotate(rank=TrigramWordSimilarity(needle, "search_text"))
            .filter(similar | Q(search_text__contains=needle))
            .order_by("-rank", "nickname", "pk")
        )

    def possible_duplicates(
        self, *, nickname: str, first_name: str = "", last_name: str = "", birth_year=None
    ):
        """Files whose names resemble these and whose year of birth does not rule them out.

        Archived files are included: a person coming back is the commonest duplicate.
        """
        given = [name for name in (nickname.strip(), f"{first_name} {last_name}".strip()) if name]
        if not given:
            return self.none()
        names = [normalised(name) for name in given]
        similar = Q()
        for name in names:
            similar |= Q(search_text__trigram_word_similar=name)
        ranks = [TrigramWordSimilarity(name, "search_text") for name in names]
        found = self.filter(similar).annotate(
            duplicate_rank=Greatest(*ranks) if len(ranks) > 1 else ranks[0]
        )
        if birth_year:
            found = found.filter(Q(birth_year=birth_year) | Q(birth_year__isnull=True))
        return found.order_by("-duplicate_rank", "nickname")


@audited(readers=CASE_FILE_HISTORY, exclude=["search_text"])
class Resident(models.Model):
    """A person known to the programme, possibly only by a nickname and an approximate age."""

    nickname = models.CharField(
        _("name in use"),
        max_length=80,
        help_text=_("The name the person uses: a nickname is enough."),
    )
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900)],
        help_text=_("Approximate if need be. Filled in from the date of birth when known."),
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.NOT_STATED
    )
    nationality = models.CharField(_("nationality"), max_length=80, blank=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    emergency_contact = models.CharField(
        _("emergency contact"),
        max_length=255,
        blank=True,
        help_text=_("Name, relationship and how to reach them."),
    )
    informed_on = models.DateField(
        _("informed of the data processing on"),
        null=True,
        blank=True,
        help_text=_("The day the person was told what is recorded about them and why."),
    )
    informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("informed by"),
    )
    objects_to_sharing = models.BooleanField(
        _("objects to sharing"),
        default=False,
        help_text=_("The person objects to their information being shared with partners."),
    )
    consent_notes = models.TextField(_("notes on consent"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("archived by"),
        editable=False,
    )
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Past the retention delay: identity and free text removed, facts kept."),
    )
    search_text = models.GeneratedField(
        expression=Unaccent(
            Lower(Concat("nickname", Value(" "), "first_name", Value(" "), "last_name"))
        ),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("search text"),
    )

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["nickname", "pk"]
        indexes = [
            # fastupdate off: new names go straight into the index instead of a pending list
            # that every search reads until a vacuum merges it (after a seed or an import of
            # hundreds of people, searches took seconds on a database not yet vacuumed).
            GinIndex(
                OpClass("search_text", name="gin_trgm_ops"),
                name="resident_search_trgm",
                fastupdate=False,
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_year=ExtractYear("birth_date")),
                name="resident_birth_year_matches_date",
                violation_error_message=_("The year of birth must match the date of birth."),
            ),
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | Q(archived_by__isnull=False),
                name="resident_archived_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.nickname

    def get_absolute_url(self) -> str:
        return reverse("residents:resident_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_archived(self) -> bool:
        """Read-only: archived by the team, or anonymised past the retention delay."""
        return self.archived_at is not None or self.anonymised_at is not None

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    def clean(self):
        today = timezone.localdate()
        errors = {}
        if self.birth_date:
            if self.birth_date > today:
                errors["birth_date"] = _("The date of birth cannot be in the future.")
            else:
                self.birth_year = self.birth_date.year
        if self.birth_year and self.birth_year > today.year:
            errors["birth_year"] = _("The year of birth cannot be in the future.")
        if self.informed_on:
            created_on = timezone.localdate(self.created_at) if self.created_at else today
            if self.informed_on > today:
                errors["informed_on"] = _(
                    "The date the person was informed cannot be in the future."
                )
            elif self.informed_on < created_on:
                errors["informed_on"] = _(
                    "The date the person was informed cannot be before the file was opened "
                    "(%(date)s)."
                ) % {"date": date_format(created_on, "SHORT_DATE_FORMAT")}
        if self.informed_by_id and not self.informed_on:
            errors["informed_on"] = _("Give the date the person was informed.")
        if errors:
            raise ValidationError(errors)

    def minimum_age(self, on: datetime.date | None = None) -> int | None:
        """The youngest the person can be on `on`: exact from a date, cautious from a year."""
        on = on or timezone.localdate()
        if self.birth_date:
            before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
            return on.year - self.birth_date.year - before_birthday
        if self.birth_year:
            return on.year - self.birth_year - 1
        return None

    def age(self, on: datetime.date | None = None) -> int | None:
        """The age to show: exact from a date of birth, approximate from a year."""
        on = on or timezone.localdate()
        if self.birth_date:
            return self.minimum_age(on)
        return on.year - self.birth_year if self.birth_year else None

    def may_be_minor(self) -> bool:
        age = self.minimum_age()
        return age is not None and age < ADULT_AGE

    def archive(self, *, by) -> None:
        self.archived_at = timezone.now()
        self.archived_by = by
        self.save(update_fields=["archived_at", "archived_by"])

    def unarchive(self) -> None:
        self.archived_at = None
        self.archived_by = None
        self.save(update_fields=["archived_at", "archived_by"])


# --- Situation at entry and over time -----------------------------------------------------------


class HousingBefore(models.TextChoices):
    STREET = "street", _("Street")
    SQUAT = "squat", _("Squat")
    PRECARIOUS = "precarious", _("Precarious housing (friends, family, sofa)")
    HOTEL = "hotel", _("Hotel")
    INSTITUTION = "institution", _("Institution (hospital, prison, shelter)")
    OTHER = "other", _("Other")


class Income(models.TextChoices):
    RSA = "rsa", _("RSA")
    AAH = "aah", _("AAH")
    ARE = "are", _("ARE (unemployment benefit)")
    WAGES = "wages", _("Wages")
    NONE = "none", _("No income")
    OTHER = "other", _("Other income")


class HealthCover(models.TextChoices):
    PUMA = "puma", _("PUMa")
    C2S = "c2s", _("PUMa + C2S")
    AME = "ame", _("AME")
    NONE = "none", _("None")
    IN_PROGRESS = "in_progress", _("Application in progress")


class IdPapers(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    LOST = "lost", _("Lost or stolen")
    NONE = "none", _("None")
    IN_PROGRESS = "in_progress", _("Being renewed")


class ResidencePermit(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed (French or EU national)")
    VALID = "valid", _("Valid permit")
    RECEIPT = "receipt", _("Receipt or application in progress")
    EXPIRED = "expired", _("Expired permit")
    NONE = "none", _("No permit")


@audited(readers=CASE_FILE_HISTORY)
class SituationAssessment(models.Model):
    """The person's social situation on a day; a later assessment records what changed."""

    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="situation_assessments",
        verbose_name=_("resident"),
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    housing_before = models.CharField(
        _("housing before entry"), max_length=12, choices=HousingBefore.choices
    )
    income = ArrayField(
        models.CharField(max_length=8, choices=Income.choices),
        verbose_name=_("income"),
        default=list,
        blank=True,
    )
    health_cover = models.CharField(_("health cover"), max_length=12, choices=HealthCover.choices)
    id_papers = models.CharField(_("ID papers"), max_length=12, choices=IdPapers.choices)
    residence_permit = models.CharField(
        _("residence permit"), max_length=12, choices=ResidencePermit.choices
    )
    domiciliation = models.CharField(
        _("domiciliation"),
        max_length=200,
        blank=True,
        help_text=_("Where the person receives post, if anywhere."),
    )
    referring_structure = models.CharField(_("referring structure"), max_length=200, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed by"),
    )

    class Meta:
        verbose_name = _("situation assessment")
        verbose_name_plural = _("situation assessments")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.resident} – {self.assessed_on}"

    def clean(self):
        not_in_the_future(self.assessed_on, FUTURE_ASSESSMENT, field="assessed_on")
        if Income.NONE in self.income and len(self.income) > 1:
            raise ValidationError({"income": _("“No income” cannot be combined with an income.")})

    def income_labels(self) -> list[str]:
        return [str(Income(value).label) for value in self.income if value in Income]


# --- Consumption ---------------------------------------------------------------------------------


class AssessmentContext(models.TextChoices):
    ADMISSION = "admission", _("Admission")
    QUARTERLY = "quarterly", _("Quarterly review")
    EXIT = "exit", _("Exit")
    OTHER = "other", _("Other")


class Product(models.TextChoices):
    CRACK = "crack", _("Crack / freebase cocaine")
    COCAINE = "cocaine", _("Cocaine")
    HEROIN = "heroin", _("Heroin")
    OST = "ost", _("Opioid substitution treatment")
    ALCOHOL = "alcohol", _("Alcohol")
    CANNABIS = "cannabis", _("Cannabis")
    BENZODIAZEPINES = "benzodiazepines", _("Benzodiazepines")
    OTHER = "other", _("Other products")


class Frequency(models.IntegerChoices):
    """An ordered scale: outcomes compare a product's level between two assessments."""

    NOT_USED = 0, _("Not in the last 30 days")
    LESS_THAN_WEEKLY = 1, _("Less than once a week")
    WEEKLY = 2, _("Once a week")
    SEVERAL_A_WEEK = 3, _("Several times a week")
    DAILY = 4, _("Daily")


class Route(models.TextChoices):
    INHALED = "inhaled", _("Inhaled")
    INJECTED = "injected", _("Injected")
    SNIFFED = "sniffed", _("Sniffed")
    SWALLOWED = "swallowed", _("Swallowed")


@audited(readers=CASE_FILE_HISTORY)
class ConsumptionAssessment(models.Model):
    """The products a person used in the 30 days before a date, one line per product."""

    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="consumption_assessments",
        verbose_name=_("resident"),
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    context = models.CharField(
        _("context"),
        max_length=12,
        choices=AssessmentContext.choices,
        default=AssessmentContext.ADMISSION,
    )
    notes = models.TextField(_("notes"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed by"),
    )

    class Meta:
        verbose_name = _("consumption assessment")
        verbose_name_plural = _("consumption assessments")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.resident} – {self.assessed_on}"

    def clean(self):
        not_in_the_future(self.assessed_on, FUTURE_ASSESSMENT, field="assessed_on")


@audited(readers=CASE_FILE_HISTORY)
class ConsumptionLine(models.Model):
    assessment = models.ForeignKey(
        ConsumptionAssessment,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("consumption assessment"),
    )
    product = models.CharField(_("product"), max_length=16, choices=Product.choices)
    frequency = models.PositiveSmallIntegerField(_("frequency"), choices=Frequency.choices)
    route = models.CharField(_("main route"), max_length=10, choices=Route.choices, blank=True)
    ost_prescribed = models.BooleanField(
        _("prescribed"),
        default=False,
        help_text=_("For an opioid substitution treatment: prescribed to the person."),
    )

    class Meta:
        verbose_name = _("product used")
        verbose_name_plural = _("products used")
        ordering = ["assessment", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "product"],
                name="consumption_one_line_per_product",
                violation_error_message=_("Each product appears once per assessment."),
            ),
            models.CheckConstraint(
                condition=Q(ost_prescribed=False) | Q(product="ost"),
                name="consumption_prescription_only_for_ost",
                violation_error_message=_(
                    "Only an opioid substitution treatment can be marked as prescribed."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()}: {self.get_frequency_display()}"


# --- Admissions ----------------------------------------------------------------------------------


class ReferringStructure(models.TextChoices):
    OUTREACH = "outreach", _("Street outreach team")
    CAARUD = "caarud", _("CAARUD")
    HOSPITAL = "hospital", _("Hospital")
    DAY_CENTRE = "day_centre", _("Day centre")
    CSAPA = "csapa", _("CSAPA")
    SOCIAL_SERVICES = "social_services", _("Social services")
    OTHER = "other", _("Other")


class PsychicSituation(models.IntegerChoices):
    STABLE = 1, _("1 – Stable: no known disorder, or a disorder that is followed and stable")
    FRAGILE = 2, _("2 – Fragile: anxiety, low mood or sleep problems that weigh on daily life")
    SERIOUS = 3, _("3 – Serious: psychiatric disorder without follow-up, or recent crises")
    CRITICAL = 4, _("4 – Critical: acute distress, suicidal risk or a severe untreated disorder")


class Isolation(models.IntegerChoices):
    SUPPORTED = 1, _("1 – Supported: regular contact with relatives or several services")
    LIMITED = 2, _("2 – Limited: occasional contacts, one service at most")
    ISOLATED = 3, _("3 – Isolated: few personal ties, sporadic contact with services")
    CUT_OFF = 4, _("4 – Cut off: no personal ties and no service following the person")


class Vulnerability(models.IntegerChoices):
    LOW = 1, _("1 – Low: no particular exposure to violence or health risks")
    MODERATE = 2, _("2 – Moderate: some health problems or risks on the street")
    HIGH = 3, _("3 – High: chronic illness, violence suffered or survival sex work")
    VERY_HIGH = (
        4,
        _(
            "4 – Very high: serious health condition, recent violence, pregnancy, "
            "or old age on the street"
        ),
    )


class AdmissionStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ADMITTED = "admitted", _("Admitted")
    REFUSED = "refused", _("Refused")
    LOST = "lost", _("No follow-up / lost contact")


class AdmissionRequestQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=AdmissionStatus.WAITING)

    def to_review(self, on: datetime.date | None = None):
        """Waiting requests without news for ADMISSION_REVIEW_DAYS or more."""
        on = on or timezone.localdate()
        limit = on - datetime.timedelta(days=settings.ADMISSION_REVIEW_DAYS)
        return self.waiting().filter(
            Q(last_news_on__lte=limit) | Q(last_news_on__isnull=True, received_on__lte=limit)
        )


@audited(readers=CASE_FILE_HISTORY)
class AdmissionRequest(models.Model):
    """A referral for a place, with the assessment the waiting list is ordered by."""

    received_on = models.DateField(_("received on"), default=timezone.localdate)
    referring_structure = models.CharField(
        _("referring structure"), max_length=16, choices=ReferringStructure.choices
    )
    referrer_name = models.CharField(_("referrer"), max_length=120, blank=True)
    referrer_contact = models.CharField(_("referrer's contact details"), max_length=200, blank=True)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="admission_requests",
        verbose_name=_("resident"),
    )
    psychic_situation = models.PositiveSmallIntegerField(
        _("psychic situation"), choices=PsychicSituation.choices
    )
    isolation = models.PositiveSmallIntegerField(_("isolation"), choices=Isolation.choices)
    vulnerability = models.PositiveSmallIntegerField(
        _("vulnerability"), choices=Vulnerability.choices
    )
    observations = models.TextField(_("observations"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AdmissionStatus.choices, default=AdmissionStatus.WAITING
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        editable=False,
    )
    last_news_on = models.DateField(
        _("last news on"),
        null=True,
        blank=True,
        help_text=_("The last time the person or the referrer gave news."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )

    objects = AdmissionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("admission request")
        verbose_name_plural = _("admission requests")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status="waiting"),
                name="admission_one_waiting_request_per_resident",
                violation_error_message=_("This person already has a request on the waiting list."),
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", decided_on__isnull=True)
                | (~Q(status="waiting") & Q(decided_on__isnull=False)),
                name="admission_decided_unless_waiting",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_reason=""),
                name="admission_refusal_has_a_reason",
                violation_error_message=_("Give the reason for the refusal."),
            ),
        ]

    def __str__(self) -> str:
        return _("Request of %(date)s for %(resident)s") % {
            "date": date_format(self.received_on, "SHORT_DATE_FORMAT"),
            "resident": self.resident,
        }

    def get_absolute_url(self) -> str:
        return reverse("residents:admission_detail", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        return self.status == AdmissionStatus.WAITING

    def priority(self):
        from residents.priority import priority_score

        return priority_score(
            psychic_situation=self.psychic_situation,
            isolation=self.isolation,
            vulnerability=self.vulnerability,
        )

    def days_waiting(self, on: datetime.date | None = None) -> int:
        return ((on or timezone.localdate()) - self.received_on).days

    def needs_review(self, on: datetime.date | None = None) -> bool:
        if not self.is_waiting:
            return False
        last = self.last_news_on or self.received_on
        return ((on or timezone.localdate()) - last).days >= settings.ADMISSION_REVIEW_DAYS

    def clean(self):
        not_in_the_future(
            self.received_on, _("The request cannot be dated in the future."), field="received_on"
        )
        not_in_the_future(self.last_news_on, field="last_news_on")
        if self.last_news_on and self.received_on and self.last_news_on < self.received_on:
            raise ValidationError({"last_news_on": _("News cannot predate the request.")})

    def _decide(self, status: str, *, by, reason: str = "") -> None:
        if not self.is_waiting:
            raise ValidationError(_("This request has already been decided."))
        self.status = status
        self.decision_reason = reason.strip()
        self.decided_on = timezone.localdate()
        self.decided_by = by
        self.full_clean()
        self.save(update_fields=["status", "decision_reason", "decided_on", "decided_by"])

    def admit(self, *, by, reason: str = "") -> None:
        self._decide(AdmissionStatus.ADMITTED, by=by, reason=reason)

    def refuse(self, *, by, reason: str) -> None:
        if not reason.strip():
            raise ValidationError(_("Give the reason for the refusal."))
        self._decide(AdmissionStatus.REFUSED, by=by, reason=reason)

    def mark_lost(self, *, by, reason: str = "") -> None:
        self._decide(AdmissionStatus.LOST, by=by, reason=reason)

    def record_news(self, on: datetime.date | None = None) -> None:
        self.last_news_on = on or timezone.localdate()
        self.save(update_fields=["last_news_on"])
