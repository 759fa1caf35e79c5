"""The published site of this installation, in the store its settings name."""

from __future__ import annotations

from flows.site import StaticSite
from flows.site_store import open_store
from sanshen.settings import Settings


def site_of(settings: Settings) -> StaticSite:
    """The site in ``SANSHEN_SITE_STORE`` (default: ``site/`` in the data directory)."""
    return StaticSite(open_store(settings.site_store_url, s3_endpoint=settings.site_s3_endpoint))
