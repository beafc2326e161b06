"""The rating scale."""

from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ...enums import Rating
from ..errors import error_responses
from ..serializers import (
    RatingSerializer,
)
from .base import READ, ApiView


class RatingScaleView(ApiView, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="ratings_list",
        summary="The rating scale",
        description="Every rating, best to worst, with its meaning and ClaimReview value. "
        "A fixed vocabulary, so not paginated.",
        responses={200: RatingSerializer(many=True), **error_responses(*READ)},
        tags=["ratings"],
    )
    def get(self, request):
        return Response(RatingSerializer(list(Rating), many=True).data)
