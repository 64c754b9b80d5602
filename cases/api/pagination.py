"""Page-number pagination in the contract's shape: {"count", "next", "previous", "results"}.

The count rides on the page query as a window function (`COUNT(*) OVER ()`): the database sorts
every matching row for the page anyway, so the total costs nothing more, and a list answers in
one query instead of two. Only a page past the end (no rows to carry it) asks for the count apart.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Count, QuerySet, Window
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

TOTAL = "_window_total"


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        number = request.query_params.get(self.page_query_param, "1")
        if not isinstance(queryset, QuerySet) or not page_size or not number.isdigit():
            return super().paginate_queryset(queryset, request, view)  # "last", bad numbers
        number = int(number)
        if number < 1:
            raise NotFound(self.invalid_page_message.format(page_number=number, message=""))
        self.request = request
        start = (number - 1) * page_size
        rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[start : start + page_size])
        paginator = DjangoPaginator(queryset, page_size)
        # The count is a cached property: give it the window's answer.
        paginator.__dict__["count"] = getattr(rows[0], TOTAL) if rows else queryset.count()
        if not rows and number != 1:
            raise NotFound(self.invalid_page_message.format(page_number=number, message=""))
        self.page = Page(rows, number, paginator)
        return rows

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            # Document the bounds, so clients (and the fuzzer) know what a valid value is.
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = (
                    f"Results per page (default {self.page_size}, at most {self.max_page_size})."
                )
        return parameters
