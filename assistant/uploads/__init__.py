"""Uploads: files sent through the web UI or the HTTP API.

* files.py: checked (type, size, records, readable), then kept in the upload folder all or none;
* journal.py: a marker per upload under way, so that an upload left unfinished (killed, stopped,
  a full disk) is resumed or rolled back at the next start.
"""

from assistant.uploads.files import (UPLOAD_SETTING, Upload, check, checked, keep, remove_parts, safe_name,
                                     shown_skipped, store)

__all__ = ["UPLOAD_SETTING", "Upload", "check", "checked", "keep", "remove_parts", "safe_name", "shown_skipped",
           "store"]
