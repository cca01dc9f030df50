from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Collected static files: hashed names, gzip and brotli copies (WhiteNoise).

    Django's manifest storage gives the plain names while DEBUG is on, which `make run` sets:
    pages would then link files a browser must ask about again on every page. Here the names
    are always the hashed ones, so WhiteNoise serves them cacheable for a year, as in production.
    The manifest is read once, when the process starts, so each file's URL is worked out once
    too: a page names about 20 files (its scripts, styles and each menu icon's sprite).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if name not in self._urls:
            self._urls[name] = super().url(name, force=True)
        return self._urls[name]
