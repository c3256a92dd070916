"""Paging that stays fast on deep pages of large inboxes."""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class DeferredJoinPaginator(Paginator):
    """Finds the page's primary keys first (an index-only scan past the offset), then loads
    just those rows with `load(keys)` (joins and prefetches, no filters to evaluate again):
    OFFSET 50,000 no longer drags 50,000 wide rows and their joined respondents through the
    database. One query more than Paginator."""

    def __init__(self, object_list, per_page: int, *,
                 load: Callable[[list[Any]], Iterable[Any]], count_limit: int | None = None,
                 count_by_keys: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.load = load
        self.count_limit = count_limit
        self.count_by_keys = count_by_keys and count_limit is not None
        self._first_keys: list[Any] | None = None

    @cached_property
    def count(self) -> int:
        """With `count_limit`, counts at most that many plus one (`capped` tells whether there
        are more): a search matching 700,000 of a million answers is not counted to the end,
        and the pages go up to the limit.

        With `count_by_keys`, the limited count reads the primary keys of the first
        `count_limit` + 1 rows in the list's order and `page` takes its keys from them: one
        query for both, for lists whose every query pays a fixed cost first (SQLite builds a
        search's whole match list for each statement). Otherwise the count is its own query,
        free to read the matches in any order (often a cheaper index)."""
        if self.count_limit is None:
            self.capped = False
            return super().count
        if self.count_by_keys:
            self._first_keys = list(
                self.object_list.values_list("pk", flat=True)[:self.count_limit + 1])
            n = len(self._first_keys)
        else:
            n = self.object_list.order_by()[:self.count_limit + 1].count()
        self.capped = n > self.count_limit
        return min(n, self.count_limit)

    def page(self, number) -> Page:
        number = self.validate_number(number)  # counts first (and finds the first keys)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self._first_keys is not None:
            keys = self._first_keys[bottom:top]
        else:
            keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.load(keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)
