from django.apps import AppConfig


class BuilderConfig(AppConfig):
    name = "builder"
    verbose_name = "Portal builder"

    def ready(self):
        from builder import (
            page_urls,
            signals,  # noqa: F401 - connects the page-cache purge
        )
        from builder.fragments import use_cached_view_restrictions

        use_cached_view_restrictions()
        page_urls.install()
