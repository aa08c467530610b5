"""MapLibre's own interface words (its controls' titles and labels) in the page's language.

MapLibre GL takes them as the Map constructor's ``locale`` option, keyed as below; the maps'
script (static/js/map.js) reads them from the map container's ``data-map-locale``.
"""

from __future__ import annotations

import json

from django import template
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# The texts of the controls the portal's maps show, as MapLibre says them in English.
MAP_TEXTS = {
    "Map.Title": gettext_noop("Map"),
    "NavigationControl.ZoomIn": gettext_noop("Zoom in"),
    "NavigationControl.ZoomOut": gettext_noop("Zoom out"),
    "NavigationControl.ResetBearing": gettext_noop("Drag to rotate map, click to reset north"),
    "AttributionControl.ToggleAttribution": gettext_noop("Toggle attribution"),
    "AttributionControl.MapFeedback": gettext_noop("Map feedback"),
    "FullscreenControl.Enter": gettext_noop("Enter fullscreen"),
    "FullscreenControl.Exit": gettext_noop("Exit fullscreen"),
    "Popup.Close": gettext_noop("Close popup"),
    "Marker.Title": gettext_noop("Map marker"),
    "LogoControl.Title": gettext_noop("MapLibre logo"),
    "CooperativeGesturesHandler.WindowsHelpText": gettext_noop("Use Ctrl + scroll to zoom the map"),
    "CooperativeGesturesHandler.MacHelpText": gettext_noop("Use ⌘ + scroll to zoom the map"),
    "CooperativeGesturesHandler.MobileHelpText": gettext_noop("Use two fingers to move the map"),
}


@register.simple_tag
def map_locale() -> str:
    """``data-map-locale="{% map_locale %}"``: the texts as JSON (the template escapes it)."""
    return json.dumps({key: gettext(text) for key, text in MAP_TEXTS.items()}, ensure_ascii=False)
