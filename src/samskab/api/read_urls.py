"""URLs of the read API (`api.read`), each view wrapped with what every read answer gets:
a per-client rate limit (429 with Retry-After), conditional GET (ETag and Last-Modified,
304 on If-None-Match / If-Modified-Since) and CORS headers for reads (no credentials)."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from samskab.api.read import api

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After, "
                                     "X-RateLimit-Limit, X-RateLimit-Remaining",
    "Access-Control-Max-Age": "86400",
}


def _client(request: HttpRequest) -> str:
    """The client's address. Behind a proxy set SAMSKAB_API_TRUST_FORWARDED so the first
    X-Forwarded-For address counts."""
    if getattr(settings, "SAMSKAB_API_TRUST_FORWARDED", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limited(request: HttpRequest) -> tuple[int, int]:
    """(seconds to wait or 0, requests left) under a fixed one-minute window per client,
    counted in the cache (shared between processes when the cache is)."""
    limit = settings.SAMSKAB_API_READ_RATE
    now = int(timezone.now().timestamp())
    window = now // 60
    key = f"api-read:{_client(request)}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        return (window + 1) * 60 - now, 0
    return 0, limit - count


def data_changed_at() -> datetime:
    """When the public data last changed, to the second: every staff change is an audit event,
    and a deadline or a publication date passing changes what is public without one."""
    from samskab.consultations.models import Consultation
    from samskab.core.models import AuditEvent

    now = timezone.now()
    moments = [AuditEvent.objects.aggregate(m=Max("created_at"))["m"]]
    passed = Consultation.objects.filter(closes_at__lte=now).aggregate(m=Max("closes_at"))
    published = Consultation.objects.filter(published_at__lte=now).aggregate(
        m=Max("published_at"))
    opened = Consultation.objects.filter(opens_at__lte=now).aggregate(m=Max("opens_at"))
    moments += [passed["m"], published["m"], opened["m"]]
    found = [m for m in moments if m is not None]
    latest = max(found) if found else datetime(2000, 1, 1, tzinfo=UTC)
    return latest.replace(microsecond=0)


def read_view(view):
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            answer = HttpResponse(status=204)
        else:
            wait, left = rate_limited(request)
            if wait:
                answer = JsonResponse({"detail": "too many requests: wait and retry"},
                                      status=429)
                answer["Retry-After"] = str(wait)
            else:
                changed = data_changed_at()
                answer = view(request, *args, **kwargs)
                answer["X-RateLimit-Limit"] = str(settings.SAMSKAB_API_READ_RATE)
                answer["X-RateLimit-Remaining"] = str(left)
                if answer.status_code == 200 and not getattr(answer, "streaming", False):
                    etag = '"' + hashlib.sha256(answer.content).hexdigest()[:32] + '"'
                    answer["ETag"] = etag
                    answer["Last-Modified"] = http_date(changed.timestamp())
                    answer["Cache-Control"] = "public, max-age=60"
                    answer["Vary"] = "Accept-Language"
                    answer = get_conditional_response(
                        request, etag=etag, last_modified=int(changed.timestamp()),
                        response=answer)
        for name, value in CORS_HEADERS.items():
            answer[name] = value
        return answer

    return wrapped


patterns, _app_name, _namespace = api.urls
app_name = "read_api"
for pattern in patterns:
    pattern.callback = read_view(pattern.callback)

urlpatterns = patterns
