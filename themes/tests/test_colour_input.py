"""The theme's colour fields: a colour picker in the admin, still checked as #rrggbb on the server."""

import pytest
from wagtail.admin.panels import ObjectList

from themes.models import BrandTheme


def theme_form(data=None, **theme):
    form_class = ObjectList(BrandTheme.panels).bind_to_model(BrandTheme).get_form_class()
    return form_class(data, instance=BrandTheme(**theme))


FORM_DATA = {"preset": "jade", "font": "", "corner_radius": "", "mode": "", "custom_css": ""}


def test_colour_fields_render_a_colour_picker_and_a_use_the_preset_box():
    form = theme_form(preset="jade", secondary_colour="#abcdef")
    primary, secondary = str(form["primary_colour"]), str(form["secondary_colour"])
    # Left blank: the picker shows the preset's colour and the box is ticked.
    assert '<input type="color" name="primary_colour" value="#14684a"' in primary
    assert (
        '<input type="checkbox" name="primary_colour_preset" aria-describedby="id_primary_colour_helptext" '
        'id="id_primary_colour_1" checked>' in primary
    )
    assert " Use the preset's colour</label>" in primary
    # The brand's own colour: in the picker, the box not ticked.
    assert '<input type="color" name="secondary_colour" value="#abcdef"' in secondary
    assert (
        '<input type="checkbox" name="secondary_colour_preset" aria-describedby="id_secondary_colour_helptext" '
        'id="id_secondary_colour_1">' in secondary
    )
    assert form["primary_colour"].id_for_label == "id_primary_colour_0"  # the label names the picker


def test_a_picked_colour_is_saved_and_a_ticked_box_means_the_presets():
    form = theme_form(
        {
            **FORM_DATA,
            "primary_colour": "#0a7d33",
            "secondary_colour": "#123456",
            "secondary_colour_preset": "on",
            "accent_colour": "#000000",
            "accent_colour_preset": "on",
        },
        preset="jade",
    )
    assert form.is_valid(), form.errors
    assert [form.cleaned_data[name] for name in ("primary_colour", "secondary_colour", "accent_colour")] == [
        "#0a7d33",
        "",
        "",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("blue", "Use a colour like #1f4e8c."),
        ("#12345", "Use a colour like #1f4e8c."),
        ("#12345g", "Use a colour like #1f4e8c."),
        ("123456", "Use a colour like #1f4e8c."),
        ("#1234567", "Ensure this value has at most 7 characters (it has 8)."),
        ("red}</style>", "Ensure this value has at most 7 characters (it has 12)."),
    ],
)
def test_a_colour_that_is_not_rrggbb_is_refused_with_a_message(value, message):
    """The picker only sends #rrggbb; anything else (a hand-made request) is refused on the server."""
    form = theme_form({**FORM_DATA, "primary_colour": value, "accent_colour_preset": "on"}, preset="jade")
    assert not form.is_valid()
    assert form.errors == {"primary_colour": [message]}
