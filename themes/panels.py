from wagtail.admin.panels import Panel


class ContrastWarningsPanel(Panel):
    """Lists the brand colours the saved theme darkens or lightens to keep text readable (WCAG AA);
    a warning: saving is allowed."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "themes/contrast_warnings_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["warnings"] = self.instance.contrast_warnings() if self.instance else []
            return context
