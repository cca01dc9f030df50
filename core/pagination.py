from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 25):
    """The requested page of `queryset`; a bad or out-of-range page number gives the last page."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
