"""How an uploaded file is received: in memory only, never written to disk, and not past 5 MB.

The project's only upload is a spreadsheet to import (imports.forms.ImportUploadForm). This
handler (settings.FILE_UPLOAD_HANDLERS) keeps it in memory while the request lasts; past
`MAX_BYTES` it stops keeping it and discards the rest of it as it arrives, and the request is
marked so that the form says why the file is missing.
"""

import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from imports.reading import MAX_BYTES

_TOO_LARGE = "_upload_too_large"


class MemoryOnlyUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_BYTES:
            self.file = io.BytesIO()
            if self.request is not None:
                setattr(self.request, _TOO_LARGE, True)
            raise SkipFile
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def refused_as_too_large(request) -> bool:
    """Whether the handler refused a file of this request for its size."""
    return getattr(request, _TOO_LARGE, False)
