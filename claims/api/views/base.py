"""What every endpoint shares: lookups, documented error statuses, no caching when signed in."""

from drf_spectacular.utils import OpenApiParameter

from ... import roles

SLUG_REGEX = r"[-a-zA-Z0-9_]+"
ID_REGEX = r"[0-9]+"
# Longer numbers cannot be ids (a 64-bit key has at most 19 digits): 404, not an overflow.
MAX_ID_DIGITS = 18
CACHE_CONTROL = "private, no-store"

# A claim has an id from its creation and a public slug only from its first publication
# (so a draft's wording never appears in a URL): reviewers address any claim by id, and
# anyone addresses a published or withdrawn claim by its slug. Slugs are never all digits.
CLAIM_LOOKUP = "id_or_slug"
CLAIM = OpenApiParameter(
    CLAIM_LOOKUP,
    str,
    OpenApiParameter.PATH,
    pattern=f"^{SLUG_REGEX}$",
    description="The claim's `id` (reviewers and editors: every claim, from its creation) "
    "or its `slug` (anyone: published and withdrawn claims; given at first publication "
    "from the approved statement and never changed). An id from a client without a "
    "reviewer role is 404. `api_url` in every response is the address to use.",
)

# Error statuses each kind of endpoint documents (401: a bad token fails everywhere).
READ = (401, 404, 429)
READ_PUBLIC_LIST = (400, 401, 404, 429)
WRITE = (400, 401, 403, 404, 409, 413, 415, 422, 429)


class ApiView:
    """What every endpoint shares: no shared or browser copies of signed-in responses."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Only if authentication already ran: running it here could raise.
        user = getattr(request, "_user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = CACHE_CONTROL
        return response

    def is_reviewer(self) -> bool:
        return roles.is_reviewer(self.request.user)

    def valid(self, serializer_class, data=None):
        serializer = serializer_class(
            data=self.request.data if data is None else data, context={"request": self.request}
        )
        serializer.is_valid(raise_exception=True)
        return serializer
