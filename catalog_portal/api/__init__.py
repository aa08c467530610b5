"""The STAC API at /api/v1 (django-ninja): routers and documents only; the catalogue's
search and access layers answer every question."""
