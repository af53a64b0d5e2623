"""The JSON API for apps and integrations, at /api/v1/: django-ninja routers by feature over the
same services, selectors and access rule as the HTML views (no logic written twice). Apps sign in
through allauth's headless mode (JWT); browsers may use their session with CSRF."""
