from django.core.paginator import Paginator
from django.db.models import Count, Window


def paginate(request, queryset, per_page: int = 25):
    """The requested page of `queryset`; a bad or out-of-range page number gives the last page."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def first_rows_with_total(queryset, limit: int | None) -> tuple[list, int]:
    """The first `limit` rows of `queryset` and how many rows it holds in all, in one query.

    Each row carries the total: a window count over the whole result, which the database
    computes before it applies the limit (a dashboard card lists five and shows the total).
    """
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[:limit])
    return rows, rows[0].rows_in_all if rows else 0
