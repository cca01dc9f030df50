"""The harm-reduction work recorded without moving stock: overdoses, collections of used
material, advice and drug checking."""

import datetime

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, UpdateView

from accounts.policy import allow
from core.pagination import paginate
from core.params import id_param
from core.views import RoleViewMixin, SingleSubmissionMixin
from harmreduction import figures
from harmreduction.forms.activities import (
    AdviceSessionForm,
    CollectionForm,
    OverdoseForm,
    SampleForm,
    SampleUpdateForm,
)
from harmreduction.forms.common import ResidentChoiceMixin
from harmreduction.models.activities import (
    AdviceSession,
    AdviceTopic,
    Collection,
    Overdose,
    Sample,
    topic_counts,
)
from harmreduction.services import activities as services
from placements.models import Hotel
from privacy.access import PersonPageMixin, get_for_person_view


class RecordViewMixin(SingleSubmissionMixin, RoleViewMixin):
    """Create views of the care team: the author is the current user; ?resident= preselects."""

    permission = "harmreduction.give"
    author_field = "recorded_by"
    template_name = "harmreduction/record_form.html"
    title = ""
    list_url_name = ""

    def get_initial(self):
        resident = id_param(self.request.GET, "resident")
        return {"resident": resident} if resident else {}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if issubclass(self.form_class, ResidentChoiceMixin):
            kwargs["resident_id"] = id_param(self.request.GET, "resident")
        return kwargs

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "cancel_url": reverse(self.list_url_name),
        }

    def save_valid(self, form):
        setattr(form.instance, self.author_field, self.request.user)
        return super().save_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self):
        return reverse(self.list_url_name)


class OverdoseCreateView(RecordViewMixin, CreateView):
    model = Overdose
    form_class = OverdoseForm
    title = _("Report an overdose")
    list_url_name = "harmreduction:naloxone"
    success_message = _("The overdose is recorded.")


@require_GET
@allow("harmreduction.read")
def collection_list(request):
    today = timezone.localdate()
    year = id_param(request.GET, "annee") or today.year
    if not 2000 <= year <= today.year + 1:
        raise Http404
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    activity = figures.activity_totals(start, end)
    hotel_names = dict(
        Hotel.objects.filter(pk__in=[pk for pk in activity.collections_by_hotel if pk]).values_list(
            "pk", "name"
        )
    )
    per_hotel = sorted(
        (
            (hotel_names.get(pk) or gettext("At the office"), boxes, items)
            for pk, (boxes, items) in activity.collections_by_hotel.items()
        ),
        key=lambda row: row[0],
    )
    collections = Collection.objects.select_related("hotel", "recorded_by")
    return render(
        request,
        "harmreduction/collection_list.html",
        {
            "year": year,
            "activity": activity,
            "per_hotel": per_hotel,
            "page_obj": paginate(request, collections, per_page=25),
        },
    )


class CollectionCreateView(RecordViewMixin, CreateView):
    model = Collection
    form_class = CollectionForm
    title = _("Record used material collected")
    list_url_name = "harmreduction:collection_list"
    success_message = _("The used material collected is recorded.")

    def get_initial(self):
        hotel = id_param(self.request.GET, "hotel")
        return {"hotel": hotel} if hotel else {}


@require_GET
@allow("harmreduction.read")
def advice_list(request):
    sessions = AdviceSession.objects.select_related("resident", "held_by")
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    by_topic = topic_counts(AdviceSession.objects.filter(held_on__gte=year_start))
    return render(
        request,
        "harmreduction/advice_list.html",
        {
            "page_obj": paginate(request, sessions, per_page=25),
            "by_topic": [
                (AdviceTopic(topic).label, count) for topic, count in by_topic.most_common()
            ],
            "year": today.year,
        },
    )


class AdviceCreateView(RecordViewMixin, CreateView):
    model = AdviceSession
    form_class = AdviceSessionForm
    author_field = "held_by"
    title = _("Record harm-reduction advice")
    list_url_name = "harmreduction:advice_list"
    success_message = _("The advice given is recorded.")


# --- Drug checking --------------------------------------------------------------------------------


@require_GET
@allow("harmreduction.read")
def sample_list(request):
    samples = Sample.objects.select_related("resident", "collected_by")
    if request.GET.get("attente") == "1":
        samples = samples.awaiting_result()
    return render(
        request,
        "harmreduction/sample_list.html",
        {
            "page_obj": paginate(request, samples, per_page=25),
            "awaiting": request.GET.get("attente") == "1",
            "extra_query": "attente=1" if request.GET.get("attente") == "1" else "",
        },
    )


def _samples():
    return Sample.objects.select_related("resident", "collected_by")


@require_GET
@allow("harmreduction.read")
def sample_detail(request, pk: int):
    return render(
        request,
        "harmreduction/sample_detail.html",
        {
            "sample": get_for_person_view(request, _samples(), pk=pk),
        },
    )


class SampleCreateView(RecordViewMixin, CreateView):
    model = Sample
    form_class = SampleForm
    author_field = "collected_by"
    title = _("Record a sample for analysis")
    list_url_name = "harmreduction:sample_list"
    success_message = _("The sample is recorded.")

    def get_success_url(self):
        return reverse("harmreduction:sample_detail", args=[self.object.pk])


class SampleUpdateView(PersonPageMixin, RoleViewMixin, UpdateView):
    permission = "harmreduction.give"
    model = Sample
    form_class = SampleUpdateForm
    template_name = "harmreduction/record_form.html"
    success_message = _("The sample is updated.")

    def get_object(self, queryset=None):
        return get_object_or_404(_samples(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": gettext("Sample of %(resident)s: sending and result")
            % {"resident": self.object.resident.nickname},
            "cancel_url": reverse("harmreduction:sample_detail", args=[self.object.pk]),
        }

    def form_valid(self, form):
        already_alerted = self.object.alert_sent_at is not None
        with transaction.atomic():
            response = super().form_valid(form)
            services.sample_saved(self.object)
        if self.object.result_unexpected and not already_alerted:
            messages.warning(
                self.request, gettext("The whole team is alerted about this unexpected result.")
            )
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self):
        return reverse("harmreduction:sample_detail", args=[self.object.pk])
