"""Admin widgets for the brand theme."""

from django import forms


class ColourInput(forms.MultiWidget):
    """A colour picker (<input type="color">) with a "use the preset's colour" box.

    A colour picker always sends a colour, but a blank colour field means "the preset's colour"
    (and follows the preset when the brand changes it), so the box says which one is meant. The
    picker posts under the field's own name; the server still checks it is #rrggbb."""

    template_name = "themes/widgets/colour_input.html"
    # The field's label names the picker; the box carries its own label.
    use_fieldset = False

    def __init__(self, attrs=None):
        picker = forms.TextInput(
            attrs={
                "type": "color",
                # Picking a colour means "this colour": untick "use the preset's colour".
                "oninput": "this.closest('.colour-input').querySelector('[type=checkbox]').checked = false",
            }
        )
        super().__init__({"": picker, "preset": forms.CheckboxInput()}, attrs)
        # The colour the picker shows while the preset's colour is in use (see BrandThemeForm).
        self.preset_colour = ""

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["subwidgets"][1]["attrs"].pop("maxlength", None)  # the field's, not a box's
        return context

    def decompress(self, value):
        if value:
            return [value, False]
        return [self.preset_colour or None, True]

    def value_from_datadict(self, data, files, name):
        picked, use_preset = super().value_from_datadict(data, files, name)
        return "" if use_preset else (picked or "")

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_preset" not in data

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.preset_colour = self.preset_colour
        return copy
