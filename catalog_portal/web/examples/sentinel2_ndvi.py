"""Median summer NDVI near Klagenfurt from Sentinel-2 L2A, scenes over 20 % cloud left out."""

import matplotlib

matplotlib.use("Agg")  # draw into a file; no display needed
import matplotlib.pyplot as plt
import odc.stac
from pystac_client import Client

API_URL = "http://127.0.0.1:8000/api/v1"
AREA = [14.288, 46.600, 14.321, 46.623]  # west, south, east, north in degrees

catalog = Client.open(API_URL)
search = catalog.search(
    collections=["sentinel-2-l2a"],
    bbox=AREA,
    datetime="2021-06-01/2021-08-31",
    filter_lang="cql2-json",
    filter={"op": "<=", "args": [{"property": "eo:cloud_cover"}, 20]},
)
items = search.item_collection()
print(f"{len(items)} scenes with at most 20 % cloud")

odc.stac.configure_rio(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR")
data = odc.stac.load(items, bands=["B04", "B08"], bbox=AREA, chunks={}, groupby="solar_day")
red = data.B04.where(data.B04 != 0).astype("float32")  # 0 is nodata
nir = data.B08.where(data.B08 != 0).astype("float32")
ndvi = ((nir - red) / (nir + red)).median("time").compute()
print(f"median NDVI over the area: {float(ndvi.mean()):.2f}, in EPSG:{data.odc.crs.epsg}")

ndvi.plot.imshow(cmap="RdYlGn", vmin=-0.2, vmax=0.9)
plt.title("Median NDVI, summer 2021")
plt.savefig("sentinel-2-ndvi.png", dpi=100)
