"""The console's usage pages: every tenant's latest figures (sortable, and as JSON for agency
tooling), one tenant's figures over time, and "refresh now" for one tenant."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from tenants import usage
from tenants.console.views import agency_staff_required, changeable_tenant, may_change
from tenants.selectors import tenants_for

CHART_WIDTH = 480
CHART_HEIGHT = 120


@require_GET
@agency_staff_required
def usage_list(request):
    sort = request.GET.get("sort", "name")
    rows = usage.usage_rows(tenants_for(request.user), sort=sort)
    current = sort.removeprefix("-")
    headers = []
    for key, label in [("name", gettext("Brand")), *[(c.key, c.label) for c in usage.COLUMNS]]:
        descending_now = sort == f"-{key}"
        headers.append(
            {
                "key": key,
                "label": label,
                # A second click on the sorted column turns its order round.
                "sort": key if (current != key or descending_now) else f"-{key}",
                "order": ("descending" if descending_now else "ascending") if current == key else "",
            }
        )
    columns = [{"key": c.key, "is_bytes": c.is_bytes} for c in usage.COLUMNS]
    table = [{"row": row, "cells": [(row[c["key"]], c["is_bytes"]) for c in columns]} for row in rows]
    return render(request, "console/usage_list.html", {"headers": headers, "table": table, "sort": sort})


@require_GET
@agency_staff_required
def usage_json(request):
    rows = usage.usage_rows(tenants_for(request.user), sort=request.GET.get("sort", "name"))
    return JsonResponse({"tenants": rows})


@require_GET
@agency_staff_required
def usage_detail(request, pk):
    tenant = get_object_or_404(tenants_for(request.user), pk=pk)
    history = usage.usage_history(tenant)
    charts = [_chart(history, column) for column in usage.COLUMNS]
    return render(
        request,
        "console/usage_detail.html",
        {
            "tenant": tenant,
            "can_change": may_change(request.user, tenant),
            "latest": history[-1] if history else None,
            "charts": [chart for chart in charts if chart is not None],
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
        },
    )


@require_POST
@agency_staff_required
def usage_refresh(request, pk):
    tenant = changeable_tenant(request, pk)  # read-only members see the figures, do not recount them
    usage.record_usage(tenant)
    messages.success(request, gettext("%(name)s's usage was counted again.") % {"name": tenant.name})
    return redirect("console:usage_detail", pk=tenant.pk)


def _chart(history: list, column: usage.Column) -> dict | None:
    """One figure over the days as the points of an SVG line (None when never counted)."""
    values = [(row.day, getattr(row, column.key)) for row in history if getattr(row, column.key) is not None]
    if not values:
        return None
    top = max(value for _, value in values)
    scale = top or 1  # all zero: a flat line at the bottom
    first_day = values[0][0]
    span = max((values[-1][0] - first_day).days, 1)
    points = [
        (
            round((day - first_day).days / span * CHART_WIDTH, 1),
            round(CHART_HEIGHT - value / scale * CHART_HEIGHT, 1),
        )
        for day, value in values
    ]
    return {
        "label": column.label,
        "is_bytes": column.is_bytes,
        "points": " ".join(f"{x},{y}" for x, y in points),
        "dots": points,
        "first_day": first_day,
        "last_day": values[-1][0],
        "latest": values[-1][1],
        "top": top,
    }
