// Build hemaedu/assets/world_countries_110m.geojson from the npm package world-atlas.
//
// Why: plotly's geo maps download their country outlines from cdn.plot.ly at
// display time, which fails in an offline classroom. hemaedu ships its own
// outlines instead and draws them as ordinary traces. This script is run once
// by a maintainer (not at install time) and its output is committed:
//
//     npm ci --prefix tools
//     node tools/build_world_outlines.mjs
//
// Input: world-atlas 2.0.2 countries-110m.json (TopoJSON, ISC licence, derived
// from Natural Earth 1:110m Admin 0 boundaries, public domain).
// Output: a GeoJSON FeatureCollection, one Feature per country with
// properties {name} and id (ISO 3166-1 numeric, as world-atlas gives it),
// coordinates rounded to 2 decimals (about 1 km: far below what a 110m map
// can show) to keep the file small. Output is deterministic.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const source = require.resolve("world-atlas/countries-110m.json");
const atlasVersion = JSON.parse(readFileSync(require.resolve("world-atlas/package.json"), "utf8")).version;
const topology = JSON.parse(readFileSync(source, "utf8"));
const collection = feature(topology, topology.objects.countries);

const round = (x) => Math.round(x * 100) / 100;

// Round a ring and drop points that became duplicates of their predecessor.
function ring(points) {
  const out = [];
  for (const [lon, lat] of points) {
    const p = [round(lon), round(lat)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

function polygons(geometry) {
  if (geometry === null) return [];
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  throw new Error(`unexpected geometry ${geometry.type}`);
}

const features = [];
for (const f of collection.features) {
  const polys = polygons(f.geometry)
    .map((poly) => poly.map(ring).filter((r) => r.length >= 4))
    .filter((poly) => poly.length > 0);
  if (polys.length === 0) continue; // a country too small to survive rounding
  features.push({
    type: "Feature",
    id: f.id ?? null,
    properties: { name: f.properties.name },
    geometry: polys.length === 1
      ? { type: "Polygon", coordinates: polys[0] }
      : { type: "MultiPolygon", coordinates: polys },
  });
}
features.sort((a, b) => a.properties.name.localeCompare(b.properties.name, "en"));

const out = {
  type: "FeatureCollection",
  // Provenance travels with the data (GeoJSON allows extra members).
  metadata: {
    source: `world-atlas ${atlasVersion}, countries-110m.json (https://github.com/topojson/world-atlas)`,
    derived_from: "Natural Earth 1:110m Admin 0 countries (public domain), version 4.1.0",
    licence: "ISC (world-atlas); Natural Earth data are public domain",
    built_by: "tools/build_world_outlines.mjs (topojson-client feature(), coordinates rounded to 2 decimals)",
  },
  features,
};
const target = join(here, "..", "hemaedu", "assets", "world_countries_110m.geojson");
writeFileSync(target, JSON.stringify(out) + "\n");
console.log(`wrote ${features.length} countries to ${target}`);
