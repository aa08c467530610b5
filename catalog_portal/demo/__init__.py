"""The demo catalogue: synthetic but plausible imagery written as real COGs, and STAC for it.

Everything here is generated offline and deterministically from fixed seeds, so every
developer and CI run gets the same files and documents. It lives outside the catalog app:
nothing the portal serves imports it, only ``manage.py load_demo`` and the tests do.
"""
