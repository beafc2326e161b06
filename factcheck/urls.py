from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from claims.sitemaps import SITEMAPS
from claims.views import accounts, public

from . import health

urlpatterns = [
    path("admin/", admin.site.urls),
    # Sign-in for reviewers and editors: the routes (and names) of django.contrib.auth.urls
    # except password reset, which would send e-mail this project has no settings for.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        accounts.PasswordChangeView.as_view(),  # wrong old passwords count as failed sign-ins
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public.robots_txt, name="robots_txt"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # REST API, its OpenAPI schema and docs (claims/api/urls.py)
    path("api/", include("claims.api.urls")),
    path("", include("claims.urls")),
]
