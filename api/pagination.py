"""Page-number pagination in the contract's shape: {"count", "next", "previous", "results"}.

The count is its own query, as DRF does it. (Carrying it on the page query as `COUNT(*) OVER ()`
saves a round trip on small tables but misleads PostgreSQL's planner on large ones: it plans the
window as if LIMIT could stop early and picks nested loops over every row; with 40,000
supplements that was twice as slow as two queries. See benchmarks/api_list.py.)
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

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
