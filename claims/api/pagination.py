"""Every list is paginated, with a client-chosen page size up to ``API_MAX_PAGE_SIZE``."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..siteurl import absolute_url


class Pagination(PageNumberPagination):
    """DRF's page numbers, with ``next``/``previous`` on ``SITE_URL`` like every other
    link (DRF would build them from the request's Host header)."""

    page_size_query_param = "page_size"

    @property
    def page_size(self) -> int:
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def _this_url(self) -> str:
        return absolute_url(self.request, self.request.get_full_path())

    def get_next_link(self) -> str | None:
        if not self.page.has_next():
            return None
        return replace_query_param(
            self._this_url(), self.page_query_param, self.page.next_page_number()
        )

    def get_previous_link(self) -> str | None:
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(self._this_url(), self.page_query_param)
        return replace_query_param(self._this_url(), self.page_query_param, number)
