"""stac-api-validator, the STAC API's reference checker, against the portal over real HTTP with
the demo catalogue, offline: schema downloads are answered from tests/data/schemas/."""

import json

import pytest
from click.testing import CliRunner
from stac_api_validator.__main__ import main as stac_api_validator

from tests.vendored_schemas import vendored_schemas

COLLECTION = "sentinel-2-l2a"
# Around Klagenfurt: the demo's Sentinel-2 tile 33TVM lies inside, other tiles outside.
POLYGON = {
    "type": "Polygon",
    "coordinates": [[[14.2, 46.55], [14.45, 46.55], [14.45, 46.7], [14.2, 46.7], [14.2, 46.55]]],
}
CONFORMANCE = [
    "core",
    "collections",
    "features",
    "item-search",
    "filter",
    "item-search#sort",
    "item-search#fields",
]


@pytest.fixture
def schemas():
    with vendored_schemas() as served:
        yield served


def test_stac_api_validator_reports_no_errors(demo, demo_server, schemas):
    arguments = ["--root-url", f"{demo_server}/api/v1"]
    for name in CONFORMANCE:
        arguments += ["--conformance", name]
    arguments += [
        "--collection", COLLECTION,
        "--geometry", json.dumps(POLYGON),
        "--validate-pagination",
        # The fields checks need a property that items have and the default fields leave out.
        "--fields-nested-property", "properties.eo:cloud_cover",
        "--log-level", "WARNING",
    ]  # fmt: skip

    result = CliRunner().invoke(stac_api_validator, arguments)

    print(result.output)  # the warnings, for `pytest -s`
    missing = sorted(set(schemas.missing))
    assert not missing, f"schemas to vendor in tests/data/schemas (see its README): {missing}"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Errors: none" in result.output, result.output
    assert result.exit_code == 0, result.output
