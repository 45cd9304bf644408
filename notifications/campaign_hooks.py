"""How campaigns plug into the platform (imported at the end of notifications/wagtail_hooks.py):
the "campaign" notification kind, scheduled campaigns sent on every tick, and the admin screens."""

from wagtail import hooks

from core import registry
from notifications import campaigns
from notifications.campaign_admin import CampaignViewSet


@hooks.register(registry.NOTIFICATION_KINDS)
def campaign_notification_kind():
    return [campaigns.CAMPAIGN_KIND]


@hooks.register(registry.EVERY_TICK)
def send_due_campaigns():
    return {"campaigns": campaigns.send_due_campaigns}


@hooks.register("register_admin_viewset")
def register_campaign_admin():
    return CampaignViewSet("campaigns")
