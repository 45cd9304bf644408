"""Cache purging. Signals, not service calls, because pages are published from many places
(editor, scheduled publishing, workflows); purging is infrastructure, not business logic."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Locale, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from builder.navigation import Navigation
from core.cache import bump_generation as purge_tenant_pages
from themes.models import BrandTheme


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def purge_on_page_change(sender, **kwargs):
    purge_tenant_pages()


@receiver(post_save, sender=BrandTheme)
@receiver(post_save, sender=Navigation)
@receiver(post_delete, sender=Navigation)
@receiver(post_save, sender=Site)
@receiver(post_save, sender=Locale)
@receiver(post_delete, sender=Locale)
def purge_on_site_settings_change(sender, **kwargs):
    purge_tenant_pages()


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def purge_on_view_restriction_change(sender, **kwargs):
    purge_tenant_pages()
