"""The forms of the app, one module per domain: `vouchers`, `supplies` (the material, and the
visit form's extension) and `activities` (overdoses, collections, advice, drug checking);
`common` holds the choice of a resident. Every form is re-exported here."""

from harmreduction.forms.activities import (
    AdviceSessionForm,
    CollectionForm,
    OverdoseForm,
    SampleForm,
    SampleUpdateForm,
)
from harmreduction.forms.common import RECENTLY_HOUSED, ResidentChoiceMixin
from harmreduction.forms.supplies import (
    AdjustmentForm,
    CountForm,
    DistributionForm,
    ItemForm,
    ItemQuantitiesMixin,
    LocationForm,
    NaloxoneKitForm,
    ReceiptForm,
    ThresholdForm,
    TransferForm,
    VisitMaterialForm,
)
from harmreduction.forms.vouchers import VoucherMissedForm, VoucherReceiptForm, VoucherRemovalForm

__all__ = [
    "RECENTLY_HOUSED",
    "AdjustmentForm",
    "AdviceSessionForm",
    "CollectionForm",
    "CountForm",
    "DistributionForm",
    "ItemForm",
    "ItemQuantitiesMixin",
    "LocationForm",
    "NaloxoneKitForm",
    "OverdoseForm",
    "ReceiptForm",
    "ResidentChoiceMixin",
    "SampleForm",
    "SampleUpdateForm",
    "ThresholdForm",
    "TransferForm",
    "VisitMaterialForm",
    "VoucherMissedForm",
    "VoucherReceiptForm",
    "VoucherRemovalForm",
]
