import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from predictions.roles import role_of

logger = logging.getLogger(__name__)


class RoleRateThrottle(SimpleRateThrottle):
    """One rate per role (THROTTLE_ANON / THROTTLE_CONSUMER / THROTTLE_EDITOR); admins are not throttled.

    Anonymous clients are counted by address: REMOTE_ADDR, or the address NUM_PROXIES proxies from the right of
    X-Forwarded-For when that many trusted proxies stand in front (settings; 0 by default: the header is ignored,
    so a client cannot mint a fresh identity per request). If the cache is down the throttle fails open (logged)."""

    def get_rate(self):  # the rate is chosen per request in allow_request
        return None

    def allow_request(self, request, view):
        role = role_of(request.user)
        if role == "admin":
            return True
        self.scope = role
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(role)  # read per request: tests override it
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache (Redis) is down: serve the request rather than fail it, and say so
            logger.warning("throttle cache unavailable: request allowed without counting", exc_info=True)
            return True

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ExportRateThrottle(SimpleRateThrottle):
    """The full dump is heavy: THROTTLE_EXPORT downloads per client (user, else address), on top of the role's rate;
    admins are not throttled."""

    scope = "export"

    def get_rate(self):
        return None

    def allow_request(self, request, view):
        if role_of(request.user) == "admin":
            return True
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # read per request: tests override it
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache (Redis) is down: as RoleRateThrottle, serve and say so
            logger.warning("export throttle cache unavailable: request allowed without counting", exc_info=True)
            return True

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
