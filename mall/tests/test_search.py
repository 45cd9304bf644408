"""Products in the portal's one search box: found in Chinese and English, only by those who may see them."""

import pytest

from knowledge import search
from mall.models import Visibility
from mall.tests.factories import ProductFactory
from members.tests.factories import MemberLevelFactory, MemberRowFactory


@pytest.fixture
def shop(make_tenant, in_tenant):
    tenant = make_tenant("shopsearch", default_language="zh-hans").tenant
    with in_tenant(tenant):
        ProductFactory(title="耶加雪菲 日晒咖啡豆", summary="花香与蓝莓", slug="yirga")
        ProductFactory(title="Pour-over kettle", summary="A steady pour for filter coffee", slug="kettle")
        ProductFactory(title="Draft beans", slug="draft", is_published=False)
        black = MemberLevelFactory(name="Black")
        limited = ProductFactory(title="限量 咖啡豆 慧兰", slug="huilan", visibility=Visibility.LEVELS)
        limited.levels.add(black)
        limited.save()
    return tenant


def products_found(tenant, in_tenant, query, user=None):
    with in_tenant(tenant):
        results = search.search(query, user=user, locale_id=None)
        return [
            (result.title, result.url)
            for group in results.groups
            if group.key == "products"
            for result in group.results
        ]


def test_products_are_found_by_chinese_words_and_link_to_their_page(shop, in_tenant):
    assert products_found(shop, in_tenant, "咖啡豆") == [("耶加雪菲 日晒咖啡豆", "/shop/yirga/")]
    assert products_found(shop, in_tenant, "kettle") == [("Pour-over kettle", "/shop/kettle/")]


def test_unpublished_and_level_only_products_are_found_only_by_those_who_may_see_them(shop, in_tenant):
    assert products_found(shop, in_tenant, "draft") == []
    with in_tenant(shop):
        black_member = MemberRowFactory(level=MemberLevelFactory._meta.model.objects.get(name="Black")).user
        other_member = MemberRowFactory(level=MemberLevelFactory(name="Silver")).user
    assert products_found(shop, in_tenant, "慧兰", user=black_member) == [
        ("限量 咖啡豆 慧兰", "/shop/huilan/")
    ]
    assert products_found(shop, in_tenant, "慧兰", user=other_member) == []
    assert products_found(shop, in_tenant, "慧兰") == []
