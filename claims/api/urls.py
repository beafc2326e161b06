"""``/api/``: the versioned API, its OpenAPI schema and its interactive documentation."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views
from .errors import not_found

app_name = "api"

router = SimpleRouter()
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("sources", views.SourceViewSet, basename="source")
router.register("proposals", views.ProposalViewSet, basename="proposal")

urlpatterns = [
    path("v1/ratings/", views.RatingScaleView.as_view(), name="ratings"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    # Anything else under /api/ is a 404 in the API's error shape, not an HTML page.
    re_path(r"^[\s\S]*\Z", not_found),
]
