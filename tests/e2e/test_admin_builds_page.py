def test_explore(browser, live_tenant, artifacts_dir):
    provisioned, password, base = live_tenant
    page = browser.new_page(locale="en-US")
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", provisioned.admin_username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    from django_tenants.utils import schema_context

    from builder.models import HomePage

    with schema_context(provisioned.tenant.schema_name):
        home_id = HomePage.objects.get().pk
    page.goto(f"{base}/admin/pages/{home_id}/edit/")
    container = page.locator("#body-root > [data-streamfield-stream-container]")
    container.locator(":scope > div > .c-sf-add-button").last.click()
    page.wait_for_timeout(1000)
    (artifacts_dir / "edit2.html").write_text(page.content())
    page.screenshot(path=str(artifacts_dir / "edit2.png"))
