"""The service desk in the brand admin, under "Service": requests (service.admin.tickets) and
appointments (service.admin.appointments). Each module lists its viewsets; the menu gathers them."""

from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from service.admin.appointments import APPOINTMENT_VIEWSETS
from service.admin.tickets import TICKET_VIEWSETS


class ServiceGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Service")
    menu_icon = "help"
    menu_order = 340
    items = (*TICKET_VIEWSETS, *APPOINTMENT_VIEWSETS)


@hooks.register("register_admin_viewset")
def register_service_admin():
    return ServiceGroup()
