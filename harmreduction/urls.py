from django.urls import path

from harmreduction.views import activities, supplies, vouchers

app_name = "harmreduction"

urlpatterns = [
    # Meal vouchers
    path("tickets/", vouchers.voucher_week, name="voucher_week"),
    path("tickets/pdf/", vouchers.voucher_week_pdf, name="voucher_week_pdf"),
    path("tickets/<int:resident_pk>/remettre/", vouchers.voucher_give, name="voucher_give"),
    path("tickets/<int:resident_pk>/non-remis/", vouchers.voucher_missed, name="voucher_missed"),
    path("tickets/lignes/<int:pk>/annuler/", vouchers.voucher_cancel, name="voucher_cancel"),
    path("tickets/stock/", vouchers.voucher_stock, name="voucher_stock"),
    path("tickets/stock/reception/", vouchers.voucher_receipt, name="voucher_receipt"),
    path("tickets/stock/sortie/", vouchers.voucher_removal, name="voucher_removal"),
    # Harm-reduction material
    path("rdr/", supplies.stock, name="stock"),
    path("rdr/catalogue/", supplies.item_list, name="item_list"),
    path("rdr/catalogue/nouveau/", supplies.ItemCreateView.as_view(), name="item_create"),
    path("rdr/catalogue/<int:pk>/modifier/", supplies.ItemUpdateView.as_view(), name="item_update"),
    path("rdr/lieux/nouveau/", supplies.LocationCreateView.as_view(), name="location_create"),
    path("rdr/lieux/<int:pk>/", supplies.location_detail, name="location_detail"),
    path(
        "rdr/lieux/<int:pk>/modifier/",
        supplies.LocationUpdateView.as_view(),
        name="location_update",
    ),
    path("rdr/lieux/<int:pk>/inventaire/", supplies.stock_count, name="stock_count"),
    path("rdr/lieux/<int:pk>/seuils/", supplies.thresholds, name="thresholds"),
    path("rdr/stock/reception/", supplies.stock_receipt, name="stock_receipt"),
    path("rdr/stock/transfert/", supplies.stock_transfer, name="stock_transfer"),
    path("rdr/stock/ajustement/", supplies.stock_adjustment, name="stock_adjustment"),
    path("rdr/distributions/", supplies.distribution_list, name="distribution_list"),
    path("rdr/distributions/nouvelle/", supplies.distribution_create, name="distribution_create"),
    path("rdr/personnes/", supplies.resident_search, name="resident_search"),
    path("rdr/naloxone/", supplies.naloxone, name="naloxone"),
    path("rdr/naloxone/kit/", supplies.naloxone_create, name="naloxone_create"),
    path("rdr/surdoses/nouvelle/", activities.OverdoseCreateView.as_view(), name="overdose_create"),
    path("rdr/collectes/", activities.collection_list, name="collection_list"),
    path(
        "rdr/collectes/nouvelle/",
        activities.CollectionCreateView.as_view(),
        name="collection_create",
    ),
    path("rdr/conseils/", activities.advice_list, name="advice_list"),
    path("rdr/conseils/nouveau/", activities.AdviceCreateView.as_view(), name="advice_create"),
    path("rdr/analyses/", activities.sample_list, name="sample_list"),
    path("rdr/analyses/nouvelle/", activities.SampleCreateView.as_view(), name="sample_create"),
    path("rdr/analyses/<int:pk>/", activities.sample_detail, name="sample_detail"),
    path(
        "rdr/analyses/<int:pk>/modifier/",
        activities.SampleUpdateView.as_view(),
        name="sample_update",
    ),
]
