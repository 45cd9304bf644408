import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from wagtail.models import Site

from themes.colours import contrast_ratio, text_colour_on
from themes.models import BrandTheme


def theme_of(tenant, in_tenant):
    with in_tenant(tenant):
        return BrandTheme.objects.get()


def test_contrast_arithmetic_matches_wcag():
    assert round(contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert text_colour_on("#1f4e8c") == "#ffffff"
    assert text_colour_on("#f3e7da") == "#111827"
    # Neither white (4.48:1) nor near-black reaches AA on a mid grey: black does (4.69:1).
    assert text_colour_on("#777777") == "#000000"


def test_preset_fills_what_the_brand_leaves_blank():
    theme = BrandTheme(preset="jade", primary_colour="#123456")
    css = theme.css_variables()
    assert "--color-primary:#123456" in css
    assert "--color-accent:#c2410c" in css
    assert "--radius:20px" in css
    assert "--color-on-primary:#ffffff" in css


def test_brand_colours_the_theme_had_to_adjust_get_a_warning():
    assert BrandTheme(preset="harbor").contrast_warnings() == []
    # Pale yellow links would not read on white: links use a darker shade of it. The banner's text
    # turns near-black on the yellow, so the gradient's teal end lightens until that text reads.
    theme = BrandTheme(preset="harbor", primary_colour="#ffe066")
    assert (theme.colours["link"], theme.colours["on-gradient"], theme.colours["gradient-end"]) == (
        "#766d42",
        "#111827",
        "#338f82",
    )
    assert theme.contrast_warnings() == [
        "Primary colour #ffe066 is hard to read as link text on this theme's backgrounds, so links use "
        "#766d42 instead. Choose a darker or lighter shade to see your colour as it is.",
        "Banner text cannot be read where the banner's gradient meets accent colour #0f7b6c, so the "
        "gradient ends in #338f82 instead.",
    ]
    assert BrandTheme(preset="harbor", accent_colour="#777777").contrast_warnings() == [
        "Accent colour #777777 is hard to read as small text on this theme's backgrounds, so the arrows "
        "and signs in cards and FAQs use #6f7071 instead.",
        "Banner text cannot be read where the banner's gradient meets accent colour #777777, so the "
        "gradient ends in #747474 instead.",
    ]


END_OF_STYLE = (
    "Custom CSS may not contain “</”, not even written as a CSS escape such as \\3c /: "
    "it would end the page's style element."
)
AT_RULES_ALLOWED = (
    "The at-rules allowed are @media, @supports, @container, @layer, @keyframes and @font-face."
)
NO_URLS = "Add images through the theme's logo or the page's blocks instead."


def custom_css_errors(css):
    theme = BrandTheme(preset="harbor", custom_css=css)
    try:
        theme.full_clean(exclude=["site"])
    except ValidationError as error:
        return error.message_dict.get("custom_css", [])
    return []


@pytest.mark.parametrize(
    "css",
    [
        ".site-name { letter-spacing: 2px }",
        "@media (min-width: 40em) { .hero h1 { font-size: 3rem } }",
        "@supports (display: grid) { .cards { display: grid } }",
        "@keyframes pulse { from { opacity: 1 } to { opacity: .5 } }",
        '@font-face { font-family: Brand; src: local("Avenir Next") }',
        '.quote::before { content: "\\201C" }',  # an escaped curly quote is fine
        'a[href^="https:"]::after { content: " > " }',
        ":root { --gap: 12px } .x { margin: calc(var(--gap) * -1) }",
        "/* brand */ .x > .y { color: #123456 !important }",
    ],
)
def test_ordinary_custom_css_is_accepted(css):
    assert custom_css_errors(css) == []


@pytest.mark.parametrize(
    ("css", "errors"),
    [
        ("</style><script>alert(1)</script>", [END_OF_STYLE]),
        # CSS escapes spell "<" without the HTML parser seeing one: refused all the same.
        ("\\3c /style><script>alert(1)<\\/script>", [END_OF_STYLE]),
        ('.x::after { content: "\\3c /style>" }', [END_OF_STYLE]),
        ("<!-- a { color: red } -->", ["Custom CSS may not contain HTML comments (“<!--” or “-->”)."]),
        ('@import "theme.css";', [f"Custom CSS may not use @import. {AT_RULES_ALLOWED}"]),
        ("@\\69mport 'theme.css';", [f"Custom CSS may not use @import. {AT_RULES_ALLOWED}"]),
        ("@media print { @import 'print.css'; }", [f"Custom CSS may not use @import. {AT_RULES_ALLOWED}"]),
        ('@charset "utf-8";', [f"Custom CSS may not use @charset. {AT_RULES_ALLOWED}"]),
        (
            "@namespace svg url(http://www.w3.org/2000/svg);",
            [
                f"Custom CSS may not use @namespace. {AT_RULES_ALLOWED}",
                f"Custom CSS may not load anything from a URL, so url() is not allowed. {NO_URLS}",
            ],
        ),
        (
            "a { background: url(https://example.com/a.png) } b { background: URL(b.png) }",
            [f"Custom CSS may not load anything from a URL, so url() is not allowed. {NO_URLS}"],
        ),
        (
            'a { background: url("javascript:alert(1)") }',
            [f"Custom CSS may not load anything from a URL, so url() is not allowed. {NO_URLS}"],
        ),
        (
            # Unquoted, with a "(" in it: a "bad URL" to CSS, which leaves the last ")" unmatched.
            "a { background: url(javascript:alert(1)) }",
            [
                f"Custom CSS may not load anything from a URL, so url() is not allowed. {NO_URLS}",
                "Custom CSS has an error on line 1: Unmatched ).",
            ],
        ),
        (
            "a { background: \\75rl(data:image/png;base64,AAAA) }",
            [f"Custom CSS may not load anything from a URL, so url() is not allowed. {NO_URLS}"],
        ),
        (
            'a { background: image-set("a.png" 1x) }',
            [f"Custom CSS may not load anything from a URL, so image-set() is not allowed. {NO_URLS}"],
        ),
        (
            "a { width: expression(alert(1)) }",
            ["Custom CSS may not use expression(): it runs script in some browsers."],
        ),
        ("a { beh\\61vior: x }", ["Custom CSS may not use behavior: it runs script in some browsers."]),
        (
            "a { -moz-binding: url(x.xml#b) }",
            [
                "Custom CSS may not use -moz-binding: it runs script in some browsers.",
                f"Custom CSS may not load anything from a URL, so url() is not allowed. {NO_URLS}",
            ],
        ),
        (
            'a { color: red }\nb { content: "open\n }',
            ["Custom CSS has an error on line 2: Bad string token."],
        ),
    ],
)
def test_custom_css_that_could_break_out_load_or_run_something_is_refused(css, errors):
    assert custom_css_errors(css) == errors


def test_bad_colour_is_refused():
    with pytest.raises(ValidationError) as error:
        BrandTheme(preset="harbor", primary_colour="blue").full_clean(exclude=["site"])
    assert error.value.message_dict["primary_colour"] == ["Use a colour like #1f4e8c."]


def test_theme_change_shows_on_that_tenant_only(make_tenant, in_tenant, client):
    a = make_tenant("alpha").tenant
    make_tenant("bravo", template="service-desk")
    with in_tenant(a):
        theme = BrandTheme.objects.get()
        theme.primary_colour = "#0a7d33"
        theme.custom_css = ".site-name { letter-spacing: 2px }"
        theme.save()

    alpha = client.get("/", HTTP_HOST="alpha.localhost").content.decode()
    bravo = client.get("/", HTTP_HOST="bravo.localhost").content.decode()
    assert "--color-primary:#0a7d33" in alpha
    assert ".site-name { letter-spacing: 2px }" in alpha
    assert "--color-primary:#0a7d33" not in bravo
    assert "--color-primary:#1f4e8c" in bravo  # harbor preset, untouched
    assert "letter-spacing" not in bravo


def test_a_preset_can_override_templates(make_tenant, client):
    make_tenant("alpha")  # member mall: lumen preset, shared header
    make_tenant("bravo", template="service-desk")  # harbor preset overrides the header
    assert 'class="service-bar"' not in client.get("/", HTTP_HOST="alpha.localhost").content.decode()
    assert 'class="service-bar"' in client.get("/", HTTP_HOST="bravo.localhost").content.decode()


def test_admin_shows_contrast_warnings(make_tenant, in_tenant):
    tenant = make_tenant("alpha").tenant
    with in_tenant(tenant):
        from django.contrib.auth import get_user_model
        from wagtail.users.models import UserProfile

        boss = get_user_model().objects.create_superuser("boss", "boss@example.com", "boss-pass-1")
        # The warnings are translated; this admin reads English (the tenant's language is Chinese).
        UserProfile.objects.create(user=boss, preferred_language="en")
        theme = BrandTheme.objects.get()
        theme.primary_colour = "#ffe066"
        theme.save()
        site_id = Site.objects.get().pk
    client = Client()
    client.post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST="alpha.localhost")
    page = client.get(f"/admin/settings/themes/brandtheme/{site_id}/", HTTP_HOST="alpha.localhost")
    assert page.status_code == 200
    assert '<html lang="en"' in page.content.decode()
    # The colour fields are pickers; the one the brand set shows its colour, unticked.
    assert '<input type="color" name="primary_colour" value="#ffe066"' in page.content.decode()
    assert '<input type="color" name="accent_colour" value="#b3541e"' in page.content.decode()
    assert (
        "Primary colour #ffe066 is hard to read as link text on this theme&#x27;s backgrounds, so links "
        "use #766d42 instead." in page.content.decode()
    )


def test_font_stack_reaches_the_page_unescaped_and_bad_stored_values_fall_back(
    make_tenant, in_tenant, client
):
    tenant = make_tenant("alpha").tenant
    with in_tenant(tenant):
        # Written around the form's validation, as an import script might.
        BrandTheme.objects.update(primary_colour="red}</s", font="humanist")
    html = client.get("/", HTTP_HOST="alpha.localhost").content.decode()
    assert '--font-body:"Avenir Next", "Segoe UI"' in html
    assert "&quot;" not in html.split("<style>")[1].split("</style>")[0]
    assert "--color-primary:#6b3e26" in html  # the preset's colour, not the stored text
    assert "red}</s" not in html
