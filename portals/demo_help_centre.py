"""The demo brands' help centres (development only): categories and articles from
portals/knowledge_demo.py in each language's tree, the search box and popular articles on the home
page, and "Still need help?" pointing at the brand's phone, e-mail and contact page (the starter
portal's, with its question form)."""

from builder.models import HomePage, Navigation, StandardPage
from knowledge.models import (
    ArticlePage,
    HelpCentreSettings,
    KnowledgeCategoryPage,
    KnowledgeIndexPage,
    RelatedArticle,
)
from portals.knowledge_demo import KNOWLEDGE_DEMO
from portals.starter_portals import link, translation_key

HELP_CENTRE_WORDS = {
    "zh-hans": {
        "title": "帮助中心",
        "intro": "搜索答案，或按主题浏览。",
        "search": "有什么可以帮您？",
        "popular": "大家都在看",
    },
    "en": {
        "title": "Help centre",
        "intro": "Search for an answer, or browse by topic.",
        "search": "How can we help?",
        "popular": "Popular questions",
    },
}


def seed_demo_help_centre(brand: str, *, phone: str, email: str) -> None:
    """The brand's help centre in every language it has, linked as translations of each other."""
    content = KNOWLEDGE_DEMO[brand]
    contact_page = None
    for home in HomePage.objects.select_related("locale").order_by("depth", "path"):
        language = home.locale.language_code
        centre = _add_help_centre(home, content, language)
        _link_from_home_page(home, centre, language)
        contact_page = contact_page or StandardPage.objects.child_of(home).filter(slug="contact").first()
    HelpCentreSettings.objects.update_or_create(
        site=HomePage.objects.get(slug="home").get_site(),
        defaults={"phone": phone, "email": email, "contact_page": contact_page},
    )


def _add_help_centre(home: HomePage, content: dict, language: str) -> KnowledgeIndexPage:
    words = HELP_CENTRE_WORDS[language]
    key = f"{home.translation_key}/support"
    centre = KnowledgeIndexPage(
        title=words["title"],
        slug="support",
        intro=words["intro"],
        locale_id=home.locale_id,
        translation_key=translation_key(key),
    )
    _added(home, centre)
    places = {}
    for category in content["categories"]:
        places[category["key"]] = parent = _add_category(centre, category, language, key)
        for child in category["children"]:
            places[child["key"]] = _add_category(parent, child, language, key)
    # Every article first (related articles point at each other), then each one published once.
    articles = {
        article["key"]: _add_article(places[article["category"]], article, language, key)
        for article in content["articles"]
    }
    for article in content["articles"]:
        page = articles[article["key"]]
        for related in article["related"]:
            page.related_articles.add(RelatedArticle(article=articles[related]))
        page.save_revision().publish()
    navigation = Navigation.objects.get(locale_id=home.locale_id)
    navigation.menu.insert(len(navigation.menu) - 1, ("item", {**link(page=centre), "children": []}))
    navigation.save()
    return centre


def _add_category(parent, category: dict, language: str, key: str) -> KnowledgeCategoryPage:
    page = KnowledgeCategoryPage(
        title=category["title"][language],
        slug=category["key"],
        description=category["description"][language],
        locale_id=parent.locale_id,
        translation_key=translation_key(f"{key}/category/{category['key']}"),
    )
    return _added(parent, page)


def _added(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _add_article(parent, article: dict, language: str, key: str) -> ArticlePage:
    page = ArticlePage(
        title=article["title"][language],
        slug=article["key"],
        summary=article["summary"][language],
        body=[_block(kind, value) for kind, value in article["body"][language]],
        featured=article["featured"],
        audience=article["audience"],
        locale_id=parent.locale_id,
        translation_key=translation_key(f"{key}/article/{article['key']}"),
        live=False,  # published once its related articles are added
    )
    parent.add_child(instance=page)
    page.tags.add(*article["tags"][language])
    return page


def _block(kind: str, value):
    if kind == "steps":
        return ("steps", [{"title": title, "text": text} for title, text in value])
    if kind == "callout":
        tone, text = value
        return ("callout", {"tone": tone, "text": text})
    return (kind, value)


def _link_from_home_page(home: HomePage, centre: KnowledgeIndexPage, language: str) -> None:
    """The search box and the popular questions, right under the home page's first block."""
    words = HELP_CENTRE_WORDS[language]
    home.body.insert(1, ("search_box", {"heading": words["search"], "placeholder": ""}))
    home.body.insert(2, ("help_articles", {"heading": words["popular"], "show": "popular", "count": 5}))
    home.save_revision().publish()
