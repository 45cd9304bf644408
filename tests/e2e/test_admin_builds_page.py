"""A brand admin builds the home page in the real Wagtail admin; the portal shows what they published."""

import re
import uuid

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}

# Makes pytest-django create the test database: it only does so when a collected test asks for it, and
# without one the fixtures would run on the development database. The test itself makes no queries;
# its data is committed by the module fixtures (the server threads cannot see a test's transaction).
pytestmark = pytest.mark.django_db


def test_brand_admin_adds_reorders_and_publishes_blocks_the_portal_shows_them_in_order(
    browser, live_tenant, artifacts_dir
):
    portal_url = live_tenant.url
    marker = uuid.uuid4().hex[:8]
    hero_heading = f"Hero {marker}: 欢迎光临"
    question = f"Question {marker}: how do points work?"
    answer = f"Answer {marker}: one point per yuan."

    # A visitor's look at the portal first, so a page cached before publishing would be caught.
    visitor = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    portal = visitor.new_page()
    portal.set_default_timeout(15_000)
    assert portal.goto(portal_url + "/").status == 200
    expect(portal.locator("main")).not_to_contain_text(marker)

    admin_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    admin = admin_context.new_page()
    admin.set_default_timeout(15_000)
    try:
        # Log in.
        admin.goto(portal_url + "/admin/login/")
        admin.locator("#id_username").fill(live_tenant.admin_username)
        admin.locator("#id_password").fill(live_tenant.admin_password)
        admin.locator("form button[type=submit]").click()
        admin.wait_for_url(f"{portal_url}/admin/")

        # The home page's editor.
        admin.goto(f"{portal_url}/admin/pages/{live_tenant.home_page_id}/edit/")
        stream = admin.locator("#body-root > [data-streamfield-stream-container]")
        blocks = stream.locator(":scope > [data-streamfield-child]")
        expect(blocks.first).to_be_visible()
        starting_count = blocks.count()

        def append_block(label: str, block_type: str):
            """Insert a block at the end of the page body through the '+' button and the block picker."""
            count = blocks.count()
            stream.locator(":scope > div > .c-sf-add-button").last.click()
            admin.get_by_role("option", name=label, exact=True).click()
            expect(blocks).to_have_count(count + 1)
            type_input = blocks.nth(count).locator(":scope > input[name$='-type']")
            expect(type_input).to_have_value(block_type)
            prefix = type_input.get_attribute("name").removesuffix("-type")  # body-<n>, kept when it moves
            return blocks.filter(has=admin.locator(f"input[name='{prefix}-type']")), prefix

        hero, hero_prefix = append_block("Hero banner", "hero")
        hero.locator(f"[name='{hero_prefix}-value-heading']").fill(hero_heading)

        faq, faq_prefix = append_block("FAQ accordion", "faq")
        # The question list starts with one empty question (min_num=1).
        faq.locator(f"[name='{faq_prefix}-value-questions-0-value-question']").fill(question)
        answer_editor = faq.locator("[data-contentpath='answer'] [role=textbox][contenteditable=true]").first
        answer_editor.click()
        admin.keyboard.type(answer)
        expect(answer_editor).to_have_text(answer)
        # Draftail writes the editor's content to the form's hidden input a moment later (debounced);
        # publishing before that would send an empty answer.
        answer_input = faq.locator(f"input[name='{faq_prefix}-value-questions-0-value-answer']")
        expect(answer_input).to_have_value(re.compile(re.escape(answer)))

        # Reorder: the FAQ moves up above the hero, with the block's own "Move up" button.
        hero_order = hero.locator(f":scope > input[name='{hero_prefix}-order']")
        faq_order = faq.locator(f":scope > input[name='{faq_prefix}-order']")
        expect(hero_order).to_have_value(str(starting_count))
        expect(faq_order).to_have_value(str(starting_count + 1))
        faq.locator(":scope > section > .w-panel__header [data-streamfield-action='MOVE_UP']").click()
        expect(faq_order).to_have_value(str(starting_count))
        expect(hero_order).to_have_value(str(starting_count + 1))
        expect(blocks.nth(starting_count).locator(":scope > input[name$='-type']")).to_have_value("faq")
        expect(blocks.nth(starting_count + 1).locator(":scope > input[name$='-type']")).to_have_value("hero")

        # Publish: it is in the menu next to "Save draft".
        admin.locator("footer .w-dropdown__toggle").click()
        publish = admin.locator("footer button[name='action-publish']")
        expect(publish).to_be_visible()
        publish.click()
        expect(admin.locator(".messages .success")).to_contain_text("published", timeout=20_000)
    except Exception:
        admin.screenshot(path=str(artifacts_dir / "admin-failure.png"), full_page=True)
        (artifacts_dir / "admin-failure.html").write_text(admin.content())
        raise
    finally:
        admin_context.close()

    # The portal, as a visitor on a phone: both blocks, exactly as typed, the FAQ before the hero.
    try:
        assert portal.goto(portal_url + "/").status == 200
        main = portal.locator("main")
        faq_section = main.locator(".block-faq", has=portal.locator("summary", has_text=question))
        hero_section = main.locator(".block-hero", has=portal.locator(".hero-heading", has_text=hero_heading))
        expect(faq_section).to_have_count(1)
        expect(hero_section).to_have_count(1)
        expect(faq_section.locator(".faq-item summary")).to_have_text([question])
        expect(faq_section.locator(".faq-item .prose")).to_have_text(answer)
        expect(hero_section.locator(".hero-heading")).to_have_text(hero_heading)

        order = main.evaluate(
            """(main, texts) => {
                const sections = [...main.children];
                const find = (selector, text) => sections.findIndex(
                    (el) => el.matches(selector) && el.textContent.includes(text));
                return {faq: find('.block-faq', texts[0]), hero: find('.block-hero', texts[1])};
            }""",
            [question, hero_heading],
        )
        assert order["faq"] >= 0, order
        assert order["hero"] >= 0, order
        assert order["faq"] + 1 == order["hero"], f"expected the FAQ right before the hero, got {order}"
        text = main.inner_text()
        assert text.index(question) < text.index(hero_heading)
    finally:
        portal.screenshot(path=str(artifacts_dir / "portal-phone.png"), full_page=True)
        visitor.close()

    assert (artifacts_dir / "portal-phone.png").stat().st_size > 0
