"""accounts' GraphQL: the `profile` field of `viewer`."""

import graphene

from accounts.selectors import profile_for


class ProfileType(graphene.ObjectType):
    email = graphene.String()
    name = graphene.String()
    phone = graphene.String()
    birthday = graphene.Date()
    preferred_language = graphene.String()


def resolve_profile(user, info):
    profile = profile_for(user)
    return {
        "email": user.email,
        "name": getattr(profile, "display_name", "") or user.get_full_name(),
        "phone": getattr(profile, "phone", None) or None,
        "birthday": getattr(profile, "birthday", None),
        "preferred_language": getattr(profile, "preferred_language", None),
    }


VIEWER_FIELDS = {"profile": (graphene.Field(ProfileType, required=True), resolve_profile)}
