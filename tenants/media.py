"""A tenant's uploaded media: served from its own folder only, documents never; image uploads checked.

What /media/<schema>/ serves, and to whom:

- images (`original_images/`, and the renditions pages show, `images/`): to anyone on the tenant's
  own host. Wagtail has no per-image privacy; an image is as public as the pages that show it.
  Stored names carry a random folder (tenants.storage), so an image nobody published cannot be
  found by guessing its name.
- private uploads (`private/`): never; the domain that stored them serves them through its own
  view, which checks who is asking (service requests' attachments).
- documents (`documents/`): never. Wagtail serves them at /documents/<id>/<name>
  (settings.WAGTAILDOCS_SERVE_METHOD = "serve_view"), which applies the collection's privacy
  (logged-in users, password, groups). Serving the same file here would skip those checks.
"""

import posixpath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.views.static import serve
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# Wagtail's document model stores its files under this folder (AbstractDocument.file's upload_to).
DOCUMENTS_FOLDER = "documents"
# Uploads a domain serves itself, after checking who asks (a ticket's attachments): never here.
PRIVATE_FOLDER = "private"


def serve_tenant_media(request, schema_name, path):
    # The URL names the folder (django-tenants' storage writes MEDIA_ROOT/<schema>/); a host may
    # only read its own, so /media/<another tenant's schema>/... is a 404 here.
    if schema_name != connection.schema_name:
        raise Http404("No such file")
    # Normalised as django.views.static.serve does, so `./documents/` or `documents//` is caught too
    # (and `Documents/` on a case-insensitive file system).
    first_folder = posixpath.normpath(path).lstrip("/").split("/")[0]
    if first_folder.casefold() in (DOCUMENTS_FOLDER, PRIVATE_FOLDER):
        raise Http404("No such file")
    return serve(request, path, document_root=f"{settings.MEDIA_ROOT}/{schema_name}")


class CompleteImageField(WagtailImageField):
    """Wagtail's image field, refusing an image whose data cannot be read to the end.

    Wagtail opens the upload to count its pixels and catches only Pillow's decompression-bomb
    errors; a truncated or corrupt file raises OSError (or SyntaxError/ValueError from some
    decoders) there, and the admin answered 500. Here it is the field's "not a valid image" error.
    """

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except (OSError, SyntaxError, ValueError) as error:
            raise ValidationError(self.error_messages["invalid_image"], code="invalid_image") from error


class ImageForm(BaseImageForm):
    """settings.WAGTAILIMAGES_IMAGE_FORM_BASE: every image form (add, edit, multiple upload, the
    chooser's upload) uses CompleteImageField for the file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and not isinstance(field, CompleteImageField):
            # The same label, help text and widget (Wagtail set the widget's attributes above).
            self.fields["file"] = CompleteImageField(
                label=field.label, required=field.required, widget=field.widget
            )
