from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Collected static files: hashed names, gzip and brotli copies (WhiteNoise).

    Django's manifest storage gives the plain names while DEBUG is on, which `make run` sets:
    pages would then link files a browser must ask about again on every page. Here the names
    are always the hashed ones, so WhiteNoise serves them cacheable for a year, as in production.
    """

    def url(self, name, force=False):
        return super().url(name, force=True)
