"""The STAC field labels the portal shows, marked for translation.

stac-fields' vocabulary (``metadata.py``) is English only. The labels of the fields that the
demo catalogue and the common extensions use are listed here with ``gettext_noop``, so
``make messages`` puts them into the translation catalogue like any interface text;
``metadata.field_spec`` and ``extension_label`` pass every label through ``gettext``, so a
label listed here is shown translated and any other as the vocabulary writes it. Keys the
vocabulary does not know are humanised from the data's own names, and translated only when
listed here (the Sentinel-2 extension's).
"""

from django.utils.translation import gettext_noop

FIELD_LABELS = (
    # Core and common metadata
    gettext_noop("Time of Data"),
    gettext_noop("Start Time"),
    gettext_noop("End Time"),
    gettext_noop("Created"),
    gettext_noop("Updated"),
    gettext_noop("Title"),
    gettext_noop("Description"),
    gettext_noop("Keywords"),
    gettext_noop("Providers"),
    gettext_noop("Platform"),
    gettext_noop("Instruments"),
    gettext_noop("Constellation"),
    gettext_noop("Mission"),
    gettext_noop("GSD"),
    # Electro-optical, projection, satellite, SAR, MGRS, Sentinel-2
    gettext_noop("Cloud Cover"),
    gettext_noop("Spectral Bands"),
    gettext_noop("EPSG Code"),
    gettext_noop("Bounding Box"),
    gettext_noop("Image Dimensions"),
    gettext_noop("Transformation Matrix"),
    gettext_noop("Orbit State"),
    gettext_noop("Rel. Orbit Number"),
    gettext_noop("Frequency Band"),
    gettext_noop("Instrument Mode"),
    gettext_noop("Polarizations"),
    gettext_noop("Product Type"),
    gettext_noop("Grid Square"),
    gettext_noop("Latitude Band"),
    gettext_noop("UTM Zone"),
    gettext_noop("Processing Baseline"),
    # Humanised keys of the Sentinel-2 extension, which the vocabulary does not describe
    gettext_noop("Mgrs Tile"),
    # Inside a band (``eo:bands``, ``bands``): the vocabulary's labels of its fields
    gettext_noop("Name"),
    gettext_noop("Common Name"),
    gettext_noop("Wavelength"),
    gettext_noop("FWHM"),
    # Explanations, shown as titles
    gettext_noop("Ground Sample Distance"),
    gettext_noop("Relative Orbit Number"),
    gettext_noop("The center wavelength of the band"),
    gettext_noop("Full Width Half Max"),
)

EXTENSION_LABELS = (
    gettext_noop("Electro-Optical"),
    gettext_noop("Projection"),
    gettext_noop("Satellite"),
)
