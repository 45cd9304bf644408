"""The agency console speaks the agency user's language: the browser's (Accept-Language), or the
one chosen with the console's language links (the language cookie); English otherwise."""

import pytest
from django.contrib.auth import get_user_model

from tenants.models import Tenant

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def staff_client(client, agency):
    user = get_user_model().objects.create_user("agent", "agent@example.com", "agency-pass-9")
    agency.staff.add(user)
    client.post("/console/login/", {"username": "agent", "password": "agency-pass-9"}, HTTP_HOST="localhost")
    return client


def form_data(agency, **overrides):
    return {
        "name": "Acme 咖啡",
        "domain": "acme.localhost",
        "template": "service-desk",
        "admin_email": "boss@acme.example",
        "default_language": "en",
        "time_zone": "Europe/Berlin",
        "agency": agency.pk,
        **overrides,
    }


def test_the_portal_list_in_chinese(staff_client, make_tenant):
    make_tenant("acme", name="Acme")

    response = staff_client.get("/console/", HTTP_HOST="localhost", **CHINESE)

    html = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in html
    assert "<title>门户 · 代理商控制台</title>" in html
    assert "<h1>门户</h1>" in html
    assert ">新建门户</a>" in html
    assert '<th scope="col">品牌</th>' in html
    assert '<span class="status status-active">已启用</span>' in html
    assert ">退出登录</button>" in html
    assert "Portals" not in html
    assert "New portal" not in html


def test_the_portal_list_in_english(staff_client, make_tenant):
    make_tenant("acme", name="Acme")

    response = staff_client.get("/console/", HTTP_HOST="localhost", **ENGLISH)

    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert "<title>Portals · Agency console</title>" in html
    assert "<h1>Portals</h1>" in html
    assert ">New portal</a>" in html
    assert '<th scope="col">Brand</th>' in html
    assert '<span class="status status-active">Active</span>' in html
    assert ">Log out</button>" in html


def test_the_new_portal_form_in_chinese(staff_client):
    html = staff_client.get("/console/tenants/new/", HTTP_HOST="localhost", **CHINESE).content.decode()

    assert "<h1>新建门户</h1>" in html
    assert '<label for="id_name">品牌名称</label>' in html
    assert '<label for="id_admin_email">品牌管理员的邮箱</label>' in html
    assert '<p class="help">他们会收到一个设置密码的链接。</p>' in html
    assert '<button type="submit">创建门户</button>' in html


def test_the_new_portal_form_in_english(staff_client):
    html = staff_client.get("/console/tenants/new/", HTTP_HOST="localhost", **ENGLISH).content.decode()

    assert "<h1>New portal</h1>" in html
    assert '<label for="id_name">Brand name</label>' in html
    assert '<label for="id_admin_email">Brand admin&#x27;s email</label>' in html
    assert '<p class="help">They get a link to choose a password.</p>' in html
    assert '<button type="submit">Create portal</button>' in html


def test_provisioning_errors_in_chinese(staff_client, agency, make_tenant):
    make_tenant("acme")

    taken = staff_client.post(
        "/console/tenants/new/", form_data(agency), HTTP_HOST="localhost", **CHINESE
    ).content.decode()
    bad_phone = staff_client.post(
        "/console/tenants/new/",
        form_data(agency, domain="shop.localhost", contact_phone="call us"),
        HTTP_HOST="localhost",
        **CHINESE,
    ).content.decode()

    assert '<p class="error" role="alert">域名 acme.localhost 已被其他门户使用。</p>' in taken
    assert "&#x27;call us&#x27; 不是有效的电话号码" in bad_phone
    assert Tenant.objects.count() == 1


def test_provisioning_errors_in_english(staff_client, agency, make_tenant):
    make_tenant("acme")

    taken = staff_client.post(
        "/console/tenants/new/", form_data(agency), HTTP_HOST="localhost", **ENGLISH
    ).content.decode()

    assert (
        '<p class="error" role="alert">The domain acme.localhost is already used by another portal.</p>'
        in taken
    )


def test_the_lifecycle_in_chinese(staff_client, make_tenant):
    tenant = make_tenant("acme", name="Acme").tenant
    url = f"/console/tenants/{tenant.pk}/"

    staff_client.post(f"{url}suspend/", HTTP_HOST="localhost", **CHINESE)
    html = staff_client.get(url, HTTP_HOST="localhost", **CHINESE).content.decode()
    refused = staff_client.post(f"{url}suspend/", HTTP_HOST="localhost", follow=True, **CHINESE)

    assert "Acme 现在已暂停。" in html
    assert '<span class="status status-suspended">已暂停</span>' in html
    assert "<h2>历史记录</h2>" in html
    assert ">恢复</button>" in html
    assert "Acme 当前已暂停，现在不能设为已暂停。" in refused.content.decode()


def test_the_console_has_language_links_that_it_follows(staff_client):
    html = staff_client.get("/console/", HTTP_HOST="localhost").content.decode()
    assert (
        '<a href="/language/zh-hans/?next=/console/" hreflang="zh-hans" lang="zh-hans">简体中文</a>' in html
    )
    assert (
        '<a href="/language/en/?next=/console/" hreflang="en" lang="en" aria-current="true">English</a>'
        in html
    )

    response = staff_client.get("/language/zh-hans/?next=/console/", HTTP_HOST="localhost")

    assert response.status_code == 302
    assert response["Location"] == "/console/"
    # The chosen language wins over the browser's.
    html = staff_client.get("/console/", HTTP_HOST="localhost", **ENGLISH).content.decode()
    assert "<h1>门户</h1>" in html
    assert 'lang="zh-hans" aria-current="true">简体中文</a>' in html


def test_a_switch_does_not_lead_off_the_console_host(staff_client):
    response = staff_client.get("/language/en/?next=https://evil.example/", HTTP_HOST="localhost")

    assert response["Location"] == "/"
