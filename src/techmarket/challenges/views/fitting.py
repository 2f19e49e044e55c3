"""The open calls that fit an achievement, as a piece of its matching panel (``fitting_calls_panel``, a template
global the panel asks for when the challenges blueprint is installed)."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from techmarket.challenges.fitting import fitting_calls
from techmarket.challenges.views.common import actor
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.listings import visibility
from techmarket.listings.models import Listing
from techmarket.search.service import SearchService


def fitting_calls_panel(listing: Listing) -> Markup:
    """Nothing for a demand or when no open call fits."""
    viewer = visibility.viewer_for(db.session, actor())
    found = fitting_calls(db.session, component(SearchService), listing, details=viewer.sees_details(listing))
    if not found:
        return Markup("")
    return Markup(render_template("challenges/_fitting.html", found=found))  # noqa: S704 - autoescaping template
