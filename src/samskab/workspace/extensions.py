"""Extension points for other apps (the analysis engine adds proposals, tags, group and idea).

- Inbox filters: `selectors.register_inbox_filter(InboxFilter(...))`, e.g. »tag«, »idea«,
  »group«; the filter form and the query pick them up.
- Response panels: `register_response_panel(ResponsePanel(...))` adds a section to the
  response page, rendered from the panel's template with the context its `context(response,
  user)` returns. Call either from your AppConfig.ready(). Panels must keep the page's query
  count bounded (prefetch in `context`, never per row).

This is how a lower layer shows something of a higher one without importing it (the layers
contract in pyproject.toml forbids that import).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The analysis placeholders shown until the analysis app registers its own panels.
DEFAULT_PANEL_KEYS = ("proposals", "tags", "group", "idea")


@dataclass(frozen=True)
class ResponsePanel:
    key: str  # "proposals", "tags", "group", "idea" or a new one
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int = 100


RESPONSE_PANELS: list[ResponsePanel] = []


def register_response_panel(panel: ResponsePanel) -> None:
    """Add or replace (by key) a panel of the response page."""
    RESPONSE_PANELS[:] = [p for p in RESPONSE_PANELS if p.key != panel.key]
    RESPONSE_PANELS.append(panel)
    RESPONSE_PANELS.sort(key=lambda p: (p.order, p.key))


def response_panels(response: Any, user: Any) -> list[dict[str, Any]]:
    """The registered panels, each as {"key", "template", "context"}, in order."""
    return [
        {"key": p.key, "template": p.template, "context": p.context(response, user)}
        for p in RESPONSE_PANELS
    ]


def missing_default_panels() -> list[str]:
    registered = {p.key for p in RESPONSE_PANELS}
    return [key for key in DEFAULT_PANEL_KEYS if key not in registered]
