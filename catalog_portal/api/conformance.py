"""The conformance classes the API implements, and nothing it does not."""

STAC = "https://api.stacspec.org/v1.0.0"
OGC_FEATURES = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf"
OGC_FILTER = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf"

CONFORMS_TO = [
    f"{STAC}/core",
    f"{STAC}/collections",
    f"{STAC}/ogcapi-features",
    f"{STAC}/item-search",
    f"{STAC}/item-search#sort",
    f"{STAC}/item-search#fields",
    f"{STAC}/item-search#filter",
    f"{STAC}/ogcapi-features#sort",
    f"{STAC}/ogcapi-features#fields",
    f"{STAC}/ogcapi-features#filter",
    f"{OGC_FEATURES}/core",
    f"{OGC_FEATURES}/oas30",
    f"{OGC_FEATURES}/geojson",
    f"{OGC_FILTER}/filter",
    f"{OGC_FILTER}/features-filter",
    f"{CQL2}/cql2-text",
    f"{CQL2}/cql2-json",
    f"{CQL2}/basic-cql2",
    f"{CQL2}/advanced-comparison-operators",
    f"{CQL2}/basic-spatial-functions",
    f"{CQL2}/basic-spatial-functions-plus",
    f"{CQL2}/spatial-functions",
    # Not temporal-functions: of its fifteen functions the filters implement six
    # (t_intersects, t_disjoint, t_before, t_after, t_during, t_equals).
]
