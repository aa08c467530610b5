// MapLibre turns GeoJSON (footprints, country outlines) into tiles in a web worker, which
// takes about as long to start as the map takes to set itself up (it compiles its half of
// the library again): started when the map is created, it held the first footprints back.
// Started here, as soon as the library has run, it boots while the page's modules load and
// the map sets up its WebGL context; the map then takes the waiting worker. A classic
// script, so that it runs in order right after the library.
/* global maplibregl */
maplibregl.prewarm();
