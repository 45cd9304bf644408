"""Cells of CSV files staff download, made safe to open in a spreadsheet.

A spreadsheet reads a cell that starts with `=`, `+`, `-` or `@` as a formula, and a leading tab
or carriage return can hide such a start. Customers choose their e-mail addresses and names, so a
customer could plant `=cmd|'/Ccalc'!A0@x.example` in a brand's member export (CSV injection,
OWASP). Every CSV export passes its cells through `safe_cell`: such text gets a leading `'`,
which makes spreadsheets show it as text. Numbers are written as numbers (a negative balance stays
a number).
"""

from django.utils.functional import cached_property

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value`, with a leading `'` when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    """Every cell of a row through `safe_cell` (for csv.writer)."""
    return [safe_cell(value) for value in values]


class SafeCSVExportMixin:
    """For Wagtail admin listings with `list_export` (IndexView's SpreadsheetExportMixin): every
    CSV cell goes through `safe_cell`. Wagtail's XLSX export already stores formula-like text as
    text. Put it before the view class: `class MemberIndexView(SafeCSVExportMixin, IndexView)`."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return safe_cell(value) if export_format == "csv" else value


class CsvOnlyExportMixin:
    """For an index view with Wagtail's export: only CSV (the stock mixin offers XLSX too), and the
    buttons only for those the view's `may_export` allows (the view itself refuses the download)."""

    @cached_property
    def show_export_buttons(self):
        return self.may_export

    @cached_property
    def header_more_buttons(self):
        return [button for button in super().header_more_buttons if "export=xlsx" not in (button.url or "")]
