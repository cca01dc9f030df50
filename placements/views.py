import datetime

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, ListView, UpdateView

from accounts.access import allow_roles
from accounts.roles import STAFF, Role
from core.views import RoleViewMixin
from placements.forms import HotelForm, PlaceForm, PlaceOutageForm
from placements.models import Hotel, Place, PlaceOutage

MANAGE = frozenset({Role.COORDINATOR})


def _get_hotel(pk: int) -> Hotel:
    return get_object_or_404(Hotel, pk=pk)


def _get_place(pk: int) -> Place:
    return get_object_or_404(Place.objects.select_related("hotel"), pk=pk)


class HotelListView(RoleViewMixin, ListView):
    allowed_roles = STAFF
    paginate_by = 25

    def get_queryset(self):
        hotels = Hotel.objects.with_place_counts()
        query = self.request.GET.get("q", "").strip()
        if query:
            hotels = hotels.filter(Q(name__unaccent__icontains=query) | Q(address__icontains=query))
        if self.request.GET.get("inactive") != "1":
            hotels = hotels.active()
        return hotels.order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.get("q", "")
        context["show_inactive"] = self.request.GET.get("inactive") == "1"
        context["can_manage"] = self.request.user.has_role(*MANAGE)
        return context


@require_GET
@allow_roles(*STAFF)
def hotel_detail(request, pk: int):
    hotel = _get_hotel(pk)
    today = datetime.date.today()
    places = hotel.places.prefetch_related(
        Prefetch(
            "outages", queryset=PlaceOutage.objects.filter(Q(end__isnull=True) | Q(end__gt=today))
        )
    ).order_by("room", "bed")
    rows = [{"place": place, "outage": place.outage_on(today)} for place in places]
    return render(
        request,
        "placements/hotel_detail.html",
        {
            "hotel": hotel,
            "rows": rows,
            "out_of_service": sum(1 for row in rows if row["outage"]),
            "can_manage": request.user.has_role(*MANAGE),
        },
    )


class HotelCreateView(RoleViewMixin, CreateView):
    allowed_roles = MANAGE
    model = Hotel
    form_class = HotelForm
    success_message = _("The hotel “%(name)s” was created.")

    def get_success_url(self):
        return reverse("placements:hotel_detail", args=[self.object.pk])


class HotelUpdateView(HotelCreateView, UpdateView):
    success_message = _("The hotel “%(name)s” was updated.")


class PlaceCreateView(RoleViewMixin, CreateView):
    allowed_roles = MANAGE
    model = Place
    form_class = PlaceForm
    success_message = _("The place was saved.")

    def get_hotel(self) -> Hotel:
        return _get_hotel(self.kwargs["hotel_pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.get_hotel()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "hotel": self.get_hotel()}

    def get_success_url(self):
        return reverse("placements:hotel_detail", args=[self.object.hotel_id])


class PlaceUpdateView(PlaceCreateView, UpdateView):
    def get_queryset(self):
        return Place.objects.filter(hotel_id=self.kwargs["hotel_pk"])


class OutageCreateView(RoleViewMixin, CreateView):
    allowed_roles = MANAGE
    model = PlaceOutage
    form_class = PlaceOutageForm
    success_message = _("The place is recorded as out of service.")

    def get_place(self) -> Place:
        return _get_place(self.kwargs["place_pk"])

    def get_initial(self):
        return {"start": datetime.date.today()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.get_place()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "place": self.get_place()}

    def get_success_url(self):
        return reverse("placements:hotel_detail", args=[self.object.place.hotel_id])


class OutageUpdateView(OutageCreateView, UpdateView):
    success_message = _("The out-of-service period was updated.")

    def get_queryset(self):
        return PlaceOutage.objects.filter(place_id=self.kwargs["place_pk"])


@require_POST
@allow_roles(*MANAGE)
def outage_end(request, place_pk: int, pk: int):
    """Put a place back in service today, closing the period that covers today."""
    outage = get_object_or_404(
        PlaceOutage.objects.select_related("place"), pk=pk, place_id=place_pk
    )
    today = datetime.date.today()
    if not outage.covers(today) or outage.start == today:
        messages.error(
            request,
            gettext(
                "Only a period that started before today can be closed today; "
                "edit its dates instead."
            ),
        )
    else:
        outage.end = today
        outage.save(update_fields=["end"])
        messages.success(request, gettext("The place is back in service from today."))
    return redirect("placements:hotel_detail", pk=outage.place.hotel_id)
