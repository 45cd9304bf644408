"""Test data for the help centre: a help centre under a home page, categories and articles, all
published (Wagtail indexes them for search on save). Call inside `in_tenant(tenant)`."""

from builder.models import HomePage
from knowledge.models import ArticlePage, Audience, KnowledgeCategoryPage, KnowledgeIndexPage


def publish(page):
    page.save_revision().publish()
    return page


def add_help_centre(
    home: HomePage | None = None, *, title="Help centre", slug="support"
) -> KnowledgeIndexPage:
    home = home or HomePage.objects.get(slug="home")
    return publish(
        home.add_child(instance=KnowledgeIndexPage(title=title, slug=slug, locale_id=home.locale_id))
    )


def add_category(parent, title: str, *, slug: str = "", description: str = "") -> KnowledgeCategoryPage:
    category = KnowledgeCategoryPage(
        title=title,
        slug=slug or f"c{parent.numchild + 1}-{parent.pk}",
        description=description,
        locale_id=parent.locale_id,
    )
    return publish(parent.add_child(instance=category))


def add_article(
    parent,
    title: str,
    text: str = "",
    *,
    slug: str = "",
    summary: str = "",
    audience: str = Audience.EVERYONE,
    levels=(),
    tags=(),
    featured=False,
    live=True,
    headings=(),
) -> ArticlePage:
    """An article whose body is `text` as one paragraph (after a section heading per `headings`)."""
    body = [("heading", heading) for heading in headings]
    if text:
        body.append(("text", f"<p>{text}</p>"))
    article = ArticlePage(
        title=title,
        slug=slug or f"a{parent.numchild + 1}-{parent.pk}",
        summary=summary,
        body=body,
        audience=audience,
        featured=featured,
        locale_id=parent.locale_id,
        live=False,
    )
    parent.add_child(instance=article)
    if levels:
        article.levels.set(levels)
    if tags:
        article.tags.add(*tags)
    if levels or tags:
        article.save()
    if live:
        publish(article)
    else:
        article.save_revision()
    return article
