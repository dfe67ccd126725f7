"""Token authentication that names its scheme when a client uses another one."""

from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token KEY`, as DRF's; any other scheme (Bearer, Basic, ...) answers 401 naming `Token`
    instead of passing silently as an anonymous request."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if header and header[0].lower() != self.keyword.lower().encode():
            scheme = header[0].decode("latin-1")[:20]
            raise exceptions.AuthenticationFailed(
                f"Unsupported authorization scheme “{scheme}”: send “Authorization: Token KEY”."
            )
        return super().authenticate(request)
