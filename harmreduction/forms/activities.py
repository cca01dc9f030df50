"""The forms of the other harm-reduction work: overdoses, collections of used material, advice
and samples for analysis."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, OneTimeTokenMixin
from harmreduction.forms.common import ResidentChoiceMixin
from harmreduction.models.activities import (
    AdviceSession,
    AdviceTopic,
    Collection,
    Overdose,
    Sample,
)
from placements.models import Hotel


class OverdoseForm(ResidentChoiceMixin, OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = Overdose
        fields = [
            "occurred_on",
            "hotel",
            "resident",
            "naloxone_used",
            "emergency_called",
            "outcome",
            "note",
        ]
        widgets = {"occurred_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = Hotel.objects.active().order_by("name")


class CollectionForm(OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = Collection
        fields = ["hotel", "collected_on", "sharps_boxes", "returned_items", "note"]
        widgets = {"collected_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = Hotel.objects.active().order_by("name")
        self.fields["hotel"].empty_label = _("At the office")


def advice_topics_field(*, required: bool, label=None) -> forms.MultipleChoiceField:
    """The topics of a harm-reduction talk: tick one or several."""
    return forms.MultipleChoiceField(
        label=label or _("Topics"),
        choices=AdviceTopic.choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one topic.")},
    )


class AdviceSessionForm(ResidentChoiceMixin, OneTimeTokenMixin, forms.ModelForm):
    topics = advice_topics_field(required=True)

    class Meta:
        model = AdviceSession
        fields = ["resident", "held_on", "topics", "setting", "note"]
        widgets = {"held_on": DateInput(), "setting": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].empty_label = _("Someone who is not a resident (anonymous)")


class SampleForm(ResidentChoiceMixin, OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = Sample
        fields = [
            "resident",
            "collected_on",
            "presumed_product",
            "description",
            "network",
            "reference",
            "sent_on",
        ]
        widgets = {"collected_on": DateInput(), "sent_on": DateInput()}


class SampleUpdateForm(forms.ModelForm):
    """What happens to a sample after it was collected: sent, result, result given back."""

    class Meta:
        model = Sample
        fields = [
            "network",
            "reference",
            "sent_on",
            "result_on",
            "result",
            "result_unexpected",
            "returned_on",
        ]
        widgets = {
            "sent_on": DateInput(),
            "result_on": DateInput(),
            "returned_on": DateInput(),
            "result": forms.Textarea(attrs={"rows": 3}),
        }
