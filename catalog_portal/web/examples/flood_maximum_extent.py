"""Maximum flood extent of the September 2024 floods, from GFM's ensemble flood extent.

Each GFM observation says of every 20 m pixel: flooded (1), not flooded (0) or no data (255).
The maximum extent is every pixel flooded at least once during the event.
"""

import matplotlib

matplotlib.use("Agg")  # draw into a file; no display needed
import matplotlib.pyplot as plt
import odc.stac
from pystac_client import Client

API_URL = "http://127.0.0.1:8000/api/v1"
AREA = [16.96, 50.93, 17.28, 51.13]  # west, south, east, north in degrees

catalog = Client.open(API_URL)
search = catalog.search(collections=["GFM"], bbox=AREA, datetime="2024-09-09/2024-09-24")
items = search.item_collection()
print(f"{len(items)} GFM observations")

odc.stac.configure_rio(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR")
# The items' own grid (Equi7Grid Europe, from proj:wkt2); one layer per day.
data = odc.stac.load(
    items, bands=["ensemble_flood_extent"], bbox=AREA, groupby="solar_day", chunks={}
)
extent = data.ensemble_flood_extent
flooded = (extent == 1).where(extent != 255)  # NaN where a day has no observation
maximum = flooded.max("time").compute()

pixel_km2 = abs(data.odc.geobox.resolution.x * data.odc.geobox.resolution.y) / 1e6
print(f"{data.sizes['time']} days; maximum flood extent {float(maximum.sum()) * pixel_km2:.1f} km²")

maximum.plot.imshow(cmap="Blues", vmin=0, vmax=1, add_colorbar=False)
plt.title("Maximum flood extent, September 2024")
plt.savefig("flood-maximum-extent.png", dpi=100)
