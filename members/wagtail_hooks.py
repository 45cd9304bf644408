from wagtail import hooks

from members.graphql.schema import MembersQuery


@hooks.register("register_schema_query")
def add_members_queries(query_mixins):
    query_mixins.append(MembersQuery)


@hooks.register("register_admin_viewset")
def register_member_admin():
    from members.admin_views import MemberLevelViewSet, MemberViewSet

    return [MemberViewSet("members_member"), MemberLevelViewSet("members_level")]


@hooks.register("register_admin_menu_item")
def scan_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    return MenuItem("Scan member card", reverse("members_member:scan"), icon_name="search", order=299)
