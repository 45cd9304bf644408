from wagtail.admin.forms import WagtailAdminModelForm

from themes.presets import PRESETS

COLOUR_FIELDS = {"primary_colour": "primary", "secondary_colour": "secondary", "accent_colour": "accent"}


class BrandThemeForm(WagtailAdminModelForm):
    """The theme settings form: a colour left to the preset shows the preset's colour in its picker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        preset = PRESETS.get(self.instance.preset, PRESETS["harbor"])
        for name, role in COLOUR_FIELDS.items():
            if name in self.fields:
                self.fields[name].widget.preset_colour = preset[role]
