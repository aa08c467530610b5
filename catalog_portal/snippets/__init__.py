"""Code snippets: programs that repeat a search, or load a collection or an item, generated for
the portal they are read on (Python with pystac-client and odc-stac or rioxarray, curl,
JavaScript, a Jupyter notebook), served at /snippets/ and shown on the explore, collection
and item pages."""
