VIEWER_FIELDS: dict = {}
