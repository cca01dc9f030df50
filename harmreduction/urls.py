from django.urls import path

from harmreduction import views

app_name = "harmreduction"

urlpatterns = [
    # Meal vouchers
    path("tickets/", views.voucher_week, name="voucher_week"),
    path("tickets/pdf/", views.voucher_week_pdf, name="voucher_week_pdf"),
    path("tickets/<int:resident_pk>/remettre/", views.voucher_give, name="voucher_give"),
    path("tickets/<int:resident_pk>/non-remis/", views.voucher_missed, name="voucher_missed"),
    path("tickets/lignes/<int:pk>/annuler/", views.voucher_cancel, name="voucher_cancel"),
    path("tickets/stock/", views.voucher_stock, name="voucher_stock"),
    path("tickets/stock/reception/", views.voucher_receipt, name="voucher_receipt"),
    path("tickets/stock/sortie/", views.voucher_removal, name="voucher_removal"),
    # Harm-reduction material
    path("rdr/", views.stock, name="stock"),
    path("rdr/catalogue/", views.item_list, name="item_list"),
    path("rdr/catalogue/nouveau/", views.ItemCreateView.as_view(), name="item_create"),
    path("rdr/catalogue/<int:pk>/modifier/", views.ItemUpdateView.as_view(), name="item_update"),
    path("rdr/lieux/nouveau/", views.LocationCreateView.as_view(), name="location_create"),
    path("rdr/lieux/<int:pk>/", views.location_detail, name="location_detail"),
    path(
        "rdr/lieux/<int:pk>/modifier/", views.LocationUpdateView.as_view(), name="location_update"
    ),
    path("rdr/lieux/<int:pk>/inventaire/", views.stock_count, name="stock_count"),
    path("rdr/lieux/<int:pk>/seuils/", views.thresholds, name="thresholds"),
    path("rdr/stock/reception/", views.stock_receipt, name="stock_receipt"),
    path("rdr/stock/transfert/", views.stock_transfer, name="stock_transfer"),
    path("rdr/stock/ajustement/", views.stock_adjustment, name="stock_adjustment"),
    path("rdr/distributions/", views.distribution_list, name="distribution_list"),
    path("rdr/distributions/nouvelle/", views.distribution_create, name="distribution_create"),
    path("rdr/naloxone/", views.naloxone, name="naloxone"),
    path("rdr/naloxone/kit/", views.naloxone_create, name="naloxone_create"),
    path("rdr/surdoses/nouvelle/", views.OverdoseCreateView.as_view(), name="overdose_create"),
    path("rdr/collectes/", views.collection_list, name="collection_list"),
    path("rdr/collectes/nouvelle/", views.CollectionCreateView.as_view(), name="collection_create"),
    path("rdr/conseils/", views.advice_list, name="advice_list"),
    path("rdr/conseils/nouveau/", views.AdviceCreateView.as_view(), name="advice_create"),
    path("rdr/analyses/", views.sample_list, name="sample_list"),
    path("rdr/analyses/nouvelle/", views.SampleCreateView.as_view(), name="sample_create"),
    path("rdr/analyses/<int:pk>/", views.sample_detail, name="sample_detail"),
    path("rdr/analyses/<int:pk>/modifier/", views.SampleUpdateView.as_view(), name="sample_update"),
]
