"""What the help centre's page templates read (knowledge.selectors), for the visitor looking."""

from django import template

from knowledge import selectors

register = template.Library()


@register.simple_tag
def help_categories(page):
    """The categories right under `page` (the help centre or a category), with their counts."""
    return selectors.categories_of(page)


@register.simple_tag
def popular_articles(page, limit=6):
    return selectors.popular_articles(page.locale_id, limit=limit)


@register.simple_tag
def recent_articles(page, limit=6):
    return selectors.recent_articles(page.locale_id, limit=limit)


@register.simple_tag(takes_context=True)
def articles_in(context, category):
    return selectors.articles_in(category, context["request"].user)


@register.simple_tag
def breadcrumbs(page):
    return selectors.breadcrumbs(page)


@register.simple_tag
def table_of_contents(article):
    return selectors.table_of_contents(article)


@register.simple_tag(takes_context=True)
def related_articles(context, article):
    return selectors.related_articles(article, context["request"].user)


@register.simple_tag(takes_context=True)
def help_centre_contacts(context):
    return selectors.contact_channels(context["request"])
