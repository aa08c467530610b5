"""One image from the Tamsweg orthophotos: 1 m tiles in MGI / Austria GK Central, merged at 4 m."""

import matplotlib

matplotlib.use("Agg")  # draw into a file; no display needed
import matplotlib.pyplot as plt
import rasterio
from pystac_client import Client
from rasterio.merge import merge

API_URL = "http://127.0.0.1:8000/api/v1"

catalog = Client.open(API_URL)
items = catalog.search(collections=["dop-kaernten-tamsweg"]).item_collection()
print(f"{len(items)} orthophotos")

# GDAL reads only the overview blocks it needs, over HTTP range requests.
with rasterio.Env(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR"):
    sources = [rasterio.open(item.assets["image"].href) for item in items]
    mosaic, transform = merge(sources, res=4, indexes=[1, 2, 3])
    crs = sources[0].crs
    for source in sources:
        source.close()
print(f"mosaic of {mosaic.shape[2]} x {mosaic.shape[1]} pixels at 4 m in {crs}")

plt.imshow(mosaic.transpose(1, 2, 0))
plt.axis("off")
plt.title("Tamsweg orthophotos, September 2021")
plt.savefig("orthophoto-mosaic.png", dpi=100)
