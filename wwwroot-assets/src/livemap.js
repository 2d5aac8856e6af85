// livemap.js — the command-room live map (一图统筹): jurisdiction boundaries, ~25,000 officers (clustered, live),
// incidents with SLA state, dispatch lines, and an officer track replay.
//
// Needs Leaflet and leaflet.markercluster loaded as classic scripts before this module is used (window.L):
//   <link rel="stylesheet" href="lib/leaflet/leaflet.css">  <script src="lib/leaflet/leaflet.js"></script>
//   <link rel="stylesheet" href="lib/leaflet.markercluster/MarkerCluster.css">
//   <script src="lib/leaflet.markercluster/leaflet.markercluster.js"></script>
//   <link rel="stylesheet" href="js/livemap.css">            (this module's own styles)
//
// .NET usage (Blazor):
//   var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/livemap.js");
//   var handle = await module.InvokeAsync<IJSObjectReference>("create", element, options, DotNetObjectReference.Create(this));
//   [JSInvokable] public Task OnOfficerClicked(<id type> id) { ... }
//   [JSInvokable] public Task OnIncidentClicked(<id type> id) { ... }
//   await module.InvokeVoidAsync("setBoundaries", handle, geoJsonString);
//   await module.InvokeVoidAsync("setOfficers", handle, rows);                 // [[id, lat, lon, status], ...]
//   await module.InvokeVoidAsync("updateOfficers", handle, upserts, removals); // upserts as rows, removals [id, ...]
//   await module.InvokeVoidAsync("setIncidents", handle, rows);                // [[id, lat, lon, status, sla], ...]
//   await module.InvokeVoidAsync("updateIncidents", handle, upserts, removals);
//   await module.InvokeVoidAsync("setDispatchLines", handle, lines);           // [[officerId, incidentId], ...]
//   await module.InvokeVoidAsync("focus", handle, lat, lon, zoom);  /  ("fitBoundaries", handle)
//   await module.InvokeVoidAsync("showTrack", handle, points);                 // [[lat, lon, epochMillis], ...] ascending
//   await module.InvokeVoidAsync("setReplayTime", handle, epochMillis);  /  ("clearTrack", handle)
//   await module.InvokeVoidAsync("invalidateSize", handle);                    // after the container was hidden/resized
//   await module.InvokeVoidAsync("dispose", handle);
//
// All coordinates passed in are WGS-84. With options.gcj02 = true every coordinate is shifted to GCJ-02 before it is
// drawn (for GCJ-02 tile sets such as most Chinese providers); callbacks only ever return ids, never coordinates.
//
// Ids may be numbers or strings; they are matched by their string form and handed back to .NET exactly as received.
//
// options (all optional):
//   center: [lat, lon], zoom      initial view (default [29.87, 121.55], 11)
//   minZoom, maxZoom              (default 7 / 18; every zoom level in between is a level of the cluster tree)
//   tileUrl, subdomains, attribution   a tile layer ({z}/{x}/{y} template, same origin or intranet); none by default
//   darkTiles: bool               dim/invert a light tile set so it matches the dark screen (default false)
//   gcj02: bool                   draw in GCJ-02 (see above)
//   labels: { boundaries, officers, incidents, dispatch, legendOfficers, legendIncidents,
//             officerStatus: [5 names], sla: [3 names] }   zh-CN defaults below
//   statusColors: [5 colours] or { 0: '#..', Available: '#..', ... }   officer status colours
//   clusterRadius: px (default 70), disableClusteringAtZoom (default 15), gridLabelZoom (default 14)
//   pulseSeconds: how long a newly breached incident's ring blinks (default 30)

const BACKGROUND = '#07111f';
const DEFAULT_CENTER = [29.87, 121.55];

// Officer status: 0 Available, 1 Dispatched, 2 EnRoute, 3 OnScene, 4 Offline.
const STATUS_NAMES = ['Available', 'Dispatched', 'EnRoute', 'OnScene', 'Offline'];
const DEFAULT_STATUS_COLORS = ['#2ecc71', '#2f9bff', '#00d5c0', '#ffb020', '#6b7a90'];
// Incident SLA: 0 ok, 1 close to the target, 2 breached.
const SLA_COLORS = ['#2ecc71', '#ffb020', '#ff4d4f'];
// Incident status: 0 Reported .. 5 Resolved are shown; 6 Closed, 7 Cancelled are not.
const INCIDENT_HIDDEN_FROM = 6;

const DEFAULT_LABELS = {
  boundaries: '辖区边界',
  officers: '执法队员',
  incidents: '事件',
  dispatch: '派发连线',
  legendOfficers: '队员状态',
  legendIncidents: '事件时限',
  officerStatus: ['空闲', '已派发', '前往中', '到场处置', '离线'],
  sla: ['正常', '临近超时', '已超时'],
};

// Boundary levels (JurisdictionLevel): 0 City, 1 District, 2 Township, 3 Grid. GeoJSON carries the name or the number.
const LEVELS = { city: 0, district: 1, township: 2, grid: 3 };
const LEVEL_CLASS = ['city', 'district', 'township', 'grid'];
const BOUNDARY_STYLES = [
  { color: '#5cc8ff', weight: 3.5, opacity: 1, fill: false },
  { color: '#2f9bff', weight: 2.6, opacity: 0.95, fill: true, fillColor: '#2f9bff', fillOpacity: 0.035 },
  { color: '#4aa8ff', weight: 1.3, opacity: 0.7, fill: false },
  { color: '#3d7fc4', weight: 0.6, opacity: 0.38, fill: false, dashArray: '2 3' },
];
const HALO_STYLE = { color: '#2f9bff', weight: 9, opacity: 0.13, fill: false };

const OFFICER_RADIUS = 4.5;
const INCIDENT_STYLE = { radius: 7.5, color: '#ffffff', weight: 2, opacity: 1, fillOpacity: 0.95 };
const DISPATCH_STYLE = { color: '#00d5c0', weight: 2, opacity: 0.9, dashArray: '7 6', interactive: false };
const TRACK_FULL_STYLE = { color: '#9fd0ff', weight: 3, opacity: 0.3, interactive: false };
const TRACK_PLAYED_STYLE = { color: '#00d5c0', weight: 4, opacity: 0.95, interactive: false };
const TRACK_HEAD_STYLE = { radius: 7, color: '#00d5c0', weight: 3, fillColor: '#ffffff', fillOpacity: 1, interactive: false };

// Panes, bottom to top. Only the overlay pane (officers, canvas) and the incident pane (SVG paths) take pointer events;
// every other pane lets clicks through, so stacked canvases don't hide each other's markers.
const PANES = [
  ['lmBoundaries', 350],
  ['lmDispatch', 390],
  // overlayPane 400: officers (canvas) · markerPane 600: cluster icons
  ['lmPulse', 610],
  ['lmIncidents', 620],
  ['lmTrack', 630],
];

function leaflet() {
  const L = globalThis.L;
  if (!L || typeof L.map !== 'function') {
    throw new Error('livemap: Leaflet is not loaded (window.L is missing). Add <script src="lib/leaflet/leaflet.js"></script> before using this module.');
  }
  if (typeof L.markerClusterGroup !== 'function') {
    throw new Error('livemap: leaflet.markercluster is not loaded. Add <script src="lib/leaflet.markercluster/leaflet.markercluster.js"></script> after leaflet.js.');
  }
  return L;
}

// ---- WGS-84 → GCJ-02 (the public "Mars coordinates" offset; identity outside mainland China's bounding box) ----

const GCJ_A = 6378245.0;
const GCJ_EE = 0.00669342162296594323;

function outOfChina(lat, lon) {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function gcjLat(x, y) {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
  r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
  r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
  return r;
}

function gcjLon(x, y) {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
  r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
  r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
  return r;
}

export function wgs84ToGcj02(lat, lon) {
  if (outOfChina(lat, lon)) return [lat, lon];
  let dLat = gcjLat(lon - 105, lat - 35);
  let dLon = gcjLon(lon - 105, lat - 35);
  const radLat = lat / 180 * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - GCJ_EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic) * Math.PI);
  dLon = (dLon * 180) / (GCJ_A / sqrtMagic * Math.cos(radLat) * Math.PI);
  return [lat + dLat, lon + dLon];
}

// ---- helpers ----

function toLatLng(handle, lat, lon) {
  if (handle.gcj02) {
    const p = wgs84ToGcj02(lat, lon);
    return globalThis.L.latLng(p[0], p[1]);
  }
  return globalThis.L.latLng(lat, lon);
}

function validNumber(v) {
  return typeof v === 'number' ? Number.isFinite(v) : Number.isFinite(Number(v));
}

function key(id) {
  return typeof id === 'string' ? id : String(id);
}

// Numeric ids in ascending order; any other id sorts first.
function idOrder(row) {
  const v = Number(Array.isArray(row) ? row[0] : NaN);
  return Number.isFinite(v) ? v : Number.MIN_SAFE_INTEGER;
}

function parseJson(value) {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function notify(handle, method, ...args) {
  if (handle.disposed || !handle.dotnetRef) return Promise.resolve();
  return handle.dotnetRef.invokeMethodAsync(method, ...args).catch(err => {
    // The circuit may be gone (navigation, reconnect); nothing useful to do here.
    console.warn(`livemap: ${method} failed`, err);
  });
}

function checkHandle(handle) {
  if (!handle || !handle.map) throw new Error('livemap: invalid handle (use the value returned by create).');
  return !handle.disposed;
}

function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function statusIndex(status) {
  const s = Number(status) | 0;
  return s >= 0 && s < STATUS_NAMES.length ? s : 4;
}

function slaIndex(sla) {
  const s = Number(sla) | 0;
  return s >= 0 && s < SLA_COLORS.length ? s : 0;
}

function levelIndex(level) {
  if (typeof level === 'number') return level >= 0 && level <= 3 ? level : 3;
  const s = String(level ?? '').trim().toLowerCase();
  if (s in LEVELS) return LEVELS[s];
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 && n <= 3 ? n : 3;
}

function resolveStatusColors(override) {
  const colors = DEFAULT_STATUS_COLORS.slice();
  if (Array.isArray(override)) {
    override.forEach((c, i) => { if (c && i < colors.length) colors[i] = String(c); });
  } else if (override && typeof override === 'object') {
    for (const [k, c] of Object.entries(override)) {
      const i = /^\d+$/.test(k) ? Number(k) : STATUS_NAMES.findIndex(n => n.toLowerCase() === k.toLowerCase());
      if (c && i >= 0 && i < colors.length) colors[i] = String(c);
    }
  }
  return colors;
}

function formatCount(n) {
  if (n >= 10000) return `${(n / 10000).toFixed(n >= 100000 ? 0 : 1)}万`;
  return String(n);
}

// ---- officers (canvas circle markers in a marker cluster group) ----

function officerStyle(handle, status) {
  const c = handle.statusColors[status];
  return { fillColor: c, color: c };
}

function newOfficerMarker(handle, id, latlng, status) {
  const L = globalThis.L;
  const m = L.circleMarker(latlng, {
    renderer: handle.officerRenderer,
    radius: OFFICER_RADIUS,
    weight: 5,
    opacity: 0.28,
    fillOpacity: 1,
    ...officerStyle(handle, status),
  });
  m._lmId = id;
  m._lmStatus = status;
  m._lmNext = null;
  return m;
}

// Per-status counts of a cluster, memoised per cluster. markercluster sets _iconNeedsUpdate = true on a cluster and
// all its parents whenever a marker joins or leaves it (and refreshClusters does the same); watchClusterChanges turns
// that into our own dirty flag, so after a move only the touched branches of the tree are counted again.
function watchClusterChanges(L) {
  const proto = L.MarkerCluster?.prototype;
  if (!proto || proto._lmWatched) return;
  const desc = Object.getOwnPropertyDescriptor(proto, '_iconNeedsUpdate');
  if (desc && (desc.get || desc.set)) return;
  Object.defineProperty(proto, '_iconNeedsUpdate', {
    configurable: true,
    get() { return this._lmIconNeedsUpdate; },
    set(value) { this._lmIconNeedsUpdate = value; if (value) this._lmDirty = true; },
  });
  proto._lmWatched = true;
}

function clusterCounts(cluster) {
  if (!cluster._lmDirty && cluster._lmCounts) return cluster._lmCounts;
  const counts = cluster._lmCounts ?? [0, 0, 0, 0, 0];
  counts.fill(0);
  const markers = cluster._markers;
  const children = cluster._childClusters;
  if (!markers || !children || !cluster._lmWatched) {
    for (const m of cluster.getAllChildMarkers()) counts[m._lmStatus ?? 4]++;
  } else {
    for (let i = 0; i < markers.length; i++) counts[markers[i]._lmStatus ?? 4]++;
    for (let i = 0; i < children.length; i++) {
      const c = clusterCounts(children[i]);
      for (let s = 0; s < 5; s++) counts[s] += c[s];
    }
  }
  cluster._lmCounts = counts;
  cluster._lmDirty = !cluster._lmWatched;   // without the watch we can't trust the memo
  return counts;
}

function clusterIcon(handle, cluster) {
  const L = globalThis.L;
  const counts = clusterCounts(cluster);
  const total = counts[0] + counts[1] + counts[2] + counts[3] + counts[4] || cluster.getChildCount();
  let dominant = 0;
  const stops = [];
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > counts[dominant]) dominant = i;
    if (!counts[i]) continue;
    const from = (acc / total) * 360;
    acc += counts[i];
    const to = (acc / total) * 360;
    stops.push(`${handle.statusColors[i]} ${from.toFixed(1)}deg ${to.toFixed(1)}deg`);
  }
  const size = total < 100 ? 34 : total < 1000 ? 42 : 52;
  const tier = total < 100 ? 's' : total < 1000 ? 'm' : 'l';
  return L.divIcon({
    className: `lm-cluster lm-cluster-${tier}`,
    iconSize: [size, size],
    html: `<div class="lm-cluster-ring" style="background:conic-gradient(${stops.join(',')});--lm-dominant:${handle.statusColors[dominant]}"><span>${formatCount(total)}</span></div>`,
  });
}

// Officer operations run one after the other: markercluster's chunked loading (setOfficers of 25,000) continues
// in later tasks, and a delta must not be applied to half-added markers. Returns a promise only while waiting.
function officerOp(handle, fn) {
  const gate = handle.officerQueue || handle.chunkWait;
  if (!gate) {
    fn();
    if (handle.chunkWait) trackOfficerQueue(handle, handle.chunkWait);
    return handle.officerQueue ?? undefined;
  }
  return trackOfficerQueue(handle, gate.then(() => {
    if (handle.disposed) return undefined;
    fn();
    return handle.chunkWait ?? undefined;
  }));
}

function trackOfficerQueue(handle, promise) {
  const tail = promise
    .catch(err => console.error('livemap: officer update failed', err))
    .then(() => { if (handle.officerQueue === tail) handle.officerQueue = null; });
  handle.officerQueue = tail;
  return tail;
}

function onChunkProgress(handle, processed, total) {
  if (processed < total) {
    if (!handle.chunkWait) handle.chunkWait = new Promise(resolve => { handle.chunkResolve = resolve; });
    return;
  }
  const resolve = handle.chunkResolve;
  handle.chunkWait = null;
  handle.chunkResolve = null;
  if (resolve) resolve();
}

// The core of setOfficers/updateOfficers. rows: [[id, lat, lon, status], ...]; removals: [id, ...].
// Moved markers are taken out of the cluster group in one removeLayers call (with their old position, which
// markercluster needs to find them in its grid), moved, and put back in one addLayers call: measured to be far
// cheaper than setLatLng one by one (each fires 'move' → remove + add + icon refresh) and correct, unlike
// refreshClusters, which only redraws icons and never re-clusters.
function applyOfficers(handle, rows, removals, fullSnapshot) {
  const officers = handle.officers;
  const group = handle.officerGroup;
  const toAdd = [];
  const moved = [];                   // markers to move; the new position waits in m._lmNext
  const recoloured = [];
  const touched = [];
  const seen = fullSnapshot ? new Set() : null;

  for (const row of rows ?? []) {
    if (!Array.isArray(row) || row.length < 3 || !validNumber(row[1]) || !validNumber(row[2])) continue;
    const id = row[0];
    const k = key(id);
    const status = statusIndex(row[3]);
    const latlng = toLatLng(handle, Number(row[1]), Number(row[2]));
    if (seen) seen.add(k);
    let m = officers.get(k);
    if (!m) {
      m = newOfficerMarker(handle, id, latlng, status);
      officers.set(k, m);
      handle.statusCounts[status]++;
      toAdd.push(m);
      touched.push(k);
      continue;
    }
    const recolour = m._lmStatus !== status;
    if (recolour) {
      handle.statusCounts[m._lmStatus]--;
      handle.statusCounts[status]++;
      m._lmStatus = status;
      m.setStyle(officerStyle(handle, status));
    }
    const old = m._latlng;
    if (m._lmNext) {
      m._lmNext = latlng;             // the same id twice in one batch: the last row wins
    } else if (old.lat !== latlng.lat || old.lng !== latlng.lng) {
      m._lmNext = latlng;
      moved.push(m);
      touched.push(k);
    } else if (recolour) {
      recoloured.push(m);
    }
  }

  const gone = [];
  if (seen) {
    for (const [k, m] of officers) if (!seen.has(k)) gone.push(k, m);
  } else {
    for (const id of removals ?? []) {
      const k = key(id);
      const m = officers.get(k);
      if (m) gone.push(k, m);
    }
  }
  const goneMarkers = [];
  for (let i = 0; i < gone.length; i += 2) {
    officers.delete(gone[i]);
    gone[i + 1]._lmGone = true;
    handle.statusCounts[gone[i + 1]._lmStatus]--;
    goneMarkers.push(gone[i + 1]);
    touched.push(gone[i]);
  }

  // Most of the map changed (a resync): rebuilding the clusters is cheaper than moving everything one by one.
  const rebuild = moved.length + goneMarkers.length > Math.max(5000, officers.size * 0.3);
  if (rebuild) {
    group.clearLayers();
    for (const m of moved) { m._latlng = m._lmNext; m._lmNext = null; }
    handle.chunkedAdd(Array.from(officers.values()));
  } else {
    if (goneMarkers.length) group.removeLayers(goneMarkers);
    let movedReadd = false;
    if (moved.length && !(handle.moveInPlace !== false && moveInPlace(group, moved))) {
      group.removeLayers(moved);
      for (const m of moved) { m._latlng = m._lmNext; m._lmNext = null; }
      movedReadd = true;
    }
    let adds = movedReadd ? (toAdd.length ? moved.concat(toAdd) : moved) : toAdd;
    if (goneMarkers.length && adds.length) adds = adds.filter(m => !m._lmGone);   // upserted and removed in one batch
    if (adds.length) handle.chunkedAdd(adds);
    // Status-only changes: the dots are restyled above; their clusters' colour rings need a refresh.
    if (recoloured.length && group._map) group.refreshClusters(recoloured);
  }

  for (const k of touched) refreshLinesOfOfficer(handle, k);
  updateLegendCounts(handle);
}

// Moves markers inside the cluster tree in one pass: what removeLayers + addLayers do, minus the second icon
// refresh and map fix-up. Uses markercluster 1.5.x internals (pinned in package-lock.json); returns false when they
// are missing or the group is not on the map, and the caller falls back to removeLayers + addLayers.
function moveInPlace(group, moved) {
  const top = group._topClusterLevel;
  if (!group._map || !top || typeof group._removeLayer !== 'function' || typeof group._addLayer !== 'function'
      || typeof group._refreshClustersIcons !== 'function' || typeof top._recursivelyAddChildrenToMap !== 'function') return false;
  const fg = group._featureGroup;
  for (const m of moved) {
    if (!m.__parent) { m._latlng = m._lmNext; m._lmNext = null; continue; }   // not in the tree (yet): just move it
    group._removeLayer(m, true, true);       // from the grids and clusters, at its old position
    if (fg.hasLayer(m)) fg.removeLayer(m);
    m._latlng = m._lmNext;
    m._lmNext = null;
    group._addLayer(m, group._maxZoom);
    // A cluster of two just formed: its other marker may still be drawn on its own (same fix-up as addLayers).
    const parent = m.__parent;
    if (parent && parent.getChildCount() === 2) {
      const pair = parent.getAllChildMarkers();
      const other = pair[0] === m ? pair[1] : pair[0];
      if (fg.hasLayer(other)) fg.removeLayer(other);
    }
  }
  top._recalculateBounds();
  group._refreshClustersIcons();
  top._recursivelyAddChildrenToMap(null, group._zoom, group._currentShownBounds);
  return true;
}

// ---- incidents (SVG circle markers above the clusters; breached ones get a red halo, the newest of them a blinking ring) ----

// Rings mark the most recently breached incidents only, for their first half-minute, and blink (a class on their pane flips a
// few times a second) rather than animate: in a breach storm a CSS animation per breached incident kept every console's
// browser drawing thousands of layers at the frame rate, more than a core without a GPU. Older breaches keep the static halo.
export const PULSE_BUDGET = 8;
const DEFAULT_PULSE_SECONDS = 30;
const BLINK_MS = 600;
const BREACHED_STYLE = { color: '#ff4d4f', weight: 7, opacity: 0.5 };

function incidentStyle(sla) {
  return sla === 2
    ? { fillColor: SLA_COLORS[2], ...BREACHED_STYLE }
    : { fillColor: SLA_COLORS[sla], color: INCIDENT_STYLE.color, weight: INCIDENT_STYLE.weight, opacity: INCIDENT_STYLE.opacity };
}

// handle.breached holds the breached incidents in the order this map saw them breach: the last PULSE_BUDGET ring, each until
// its half-minute is over. The blink timer runs only while a ring is on the map.
function syncPulses(handle) {
  const layer = handle.incidentLayer;
  const now = Date.now();
  let unringed = handle.breached.size - PULSE_BUDGET;
  let rings = 0;
  for (const rec of handle.breached.values()) {
    const ring = unringed-- <= 0 && now - rec.breachedAt < handle.pulseMs;
    if (ring && !rec.pulse) {
      rec.pulse = pulseMarker(rec.id, rec.marker.getLatLng());
      layer.addLayer(rec.pulse);
    } else if (!ring && rec.pulse) {
      layer.removeLayer(rec.pulse);
      rec.pulse = null;
    }
    if (ring) rings++;
  }
  if (rings > 0 && !handle.blinkTimer) {
    handle.blinkTimer = setInterval(() => blink(handle), BLINK_MS);
  } else if (rings === 0 && handle.blinkTimer) {
    clearInterval(handle.blinkTimer);
    handle.blinkTimer = null;
  }
}

function blink(handle) {
  if (handle.disposed) return;
  handle.blinkOn = !handle.blinkOn;
  handle.map.getPane('lmPulse')?.classList.toggle('lm-blink-on', handle.blinkOn);
  syncPulses(handle);
}

function pulseMarker(id, latlng) {
  const L = globalThis.L;
  return L.marker(latlng, {
    pane: 'lmPulse',
    interactive: false,
    keyboard: false,
    icon: L.divIcon({ className: 'lm-pulse', iconSize: [44, 44], html: `<span data-incident="${escapeHtml(String(id))}"></span><span></span>` }),
  });
}

function applyIncidents(handle, rows, removals, fullSnapshot) {
  const L = globalThis.L;
  const incidents = handle.incidents;
  const layer = handle.incidentLayer;
  const seen = fullSnapshot ? new Set() : null;
  const touched = [];
  let breachedChanged = false;

  const remove = k => {
    const rec = incidents.get(k);
    if (!rec) return;
    layer.removeLayer(rec.marker);
    if (rec.pulse) layer.removeLayer(rec.pulse);
    breachedChanged = handle.breached.delete(k) || breachedChanged;
    incidents.delete(k);
    touched.push(k);
  };

  // A snapshot does not say when each incident breached: the newest reports stand in for the newest breaches.
  const ordered = fullSnapshot && Array.isArray(rows) ? [...rows].sort((a, b) => idOrder(a) - idOrder(b)) : rows;
  for (const row of ordered ?? []) {
    if (!Array.isArray(row) || row.length < 3 || !validNumber(row[1]) || !validNumber(row[2])) continue;
    const id = row[0];
    const k = key(id);
    const status = Number(row[3]) | 0;
    if (status >= INCIDENT_HIDDEN_FROM) { remove(k); continue; }
    if (seen) seen.add(k);
    const sla = slaIndex(row[4]);
    const latlng = toLatLng(handle, Number(row[1]), Number(row[2]));
    let rec = incidents.get(k);
    if (!rec) {
      const marker = L.circleMarker(latlng, { ...INCIDENT_STYLE, ...incidentStyle(sla), renderer: handle.incidentRenderer, pane: 'lmIncidents' });
      marker._lmId = id;
      rec = { id, marker, pulse: null, sla, status };
      incidents.set(k, rec);
      layer.addLayer(marker);
      touched.push(k);
    } else {
      const old = rec.marker.getLatLng();
      if (old.lat !== latlng.lat || old.lng !== latlng.lng) {
        rec.marker.setLatLng(latlng);
        if (rec.pulse) rec.pulse.setLatLng(latlng);
        touched.push(k);
      }
      if (rec.sla !== sla) rec.marker.setStyle(incidentStyle(sla));
      rec.sla = sla;
      rec.status = status;
    }
    if (sla === 2 && !handle.breached.has(k)) {
      rec.breachedAt = Date.now();
      handle.breached.set(k, rec);
      breachedChanged = true;
    } else if (sla !== 2 && handle.breached.delete(k)) {
      breachedChanged = true;
      if (rec.pulse) {
        layer.removeLayer(rec.pulse);
        rec.pulse = null;
      }
    }
  }

  if (seen) {
    for (const k of Array.from(incidents.keys())) if (!seen.has(k)) remove(k);
  } else {
    for (const id of removals ?? []) remove(key(id));
  }
  if (breachedChanged) syncPulses(handle);
  for (const k of touched) refreshLinesOfIncident(handle, k);
}

// ---- dispatch lines ----

function refreshLine(handle, entry) {
  const officer = handle.officers.get(entry.o);
  const incident = handle.incidents.get(entry.i);
  if (!officer || !incident) {
    if (entry.line) { handle.dispatchLayer.removeLayer(entry.line); entry.line = null; }
    return;
  }
  const a = officer.getLatLng();
  const b = incident.marker.getLatLng();
  if (entry.line) {
    entry.line.setLatLngs([a, b]);
  } else {
    entry.line = globalThis.L.polyline([a, b], { ...DISPATCH_STYLE, renderer: handle.dispatchRenderer, pane: 'lmDispatch' });
    handle.dispatchLayer.addLayer(entry.line);
  }
}

function refreshLinesOfOfficer(handle, k) {
  const entries = handle.linesByOfficer.get(k);
  if (entries) for (const e of entries) refreshLine(handle, e);
}

function refreshLinesOfIncident(handle, k) {
  const entries = handle.linesByIncident.get(k);
  if (entries) for (const e of entries) refreshLine(handle, e);
}

// ---- boundaries ----

function updateBoundaryLabels(handle) {
  const map = handle.map;
  const container = map.getContainer();
  const zoom = map.getZoom();
  container.classList.toggle('lm-hide-township-labels', zoom < 11);
  const show = zoom >= handle.gridLabelZoom && map.hasLayer(handle.boundaryLayer);
  const view = show ? map.getBounds().pad(0.2) : null;
  for (const g of handle.gridLayers) {
    const wanted = show && view.intersects(g.bounds);
    if (wanted && !g.layer.getTooltip()) {
      g.layer.bindTooltip(escapeHtml(g.name), { permanent: true, direction: 'center', className: 'lm-label lm-label-grid', opacity: 1 });
    } else if (!wanted && g.layer.getTooltip()) {
      g.layer.unbindTooltip();
    }
  }
}

function drawBoundaries(handle, geojson) {
  const L = globalThis.L;
  const data = parseJson(geojson);
  handle.boundaryLayer.clearLayers();
  handle.gridLayers = [];
  if (!data) return;
  const features = (data.type === 'FeatureCollection' ? data.features : [data]).filter(f => f && f.geometry);
  // Draw grids first, districts last (on top).
  const ordered = features.map(f => ({ f, level: levelIndex(f.properties?.level) })).sort((a, b) => b.level - a.level);
  const coordsToLatLng = c => toLatLng(handle, c[1], c[0]);
  const common = { renderer: handle.boundaryRenderer, pane: 'lmBoundaries', interactive: false, coordsToLatLng, pointToLayer: () => null };

  const halo = ordered.filter(o => o.level <= 1).map(o => o.f);
  if (halo.length) {
    handle.boundaryLayer.addLayer(L.geoJSON({ type: 'FeatureCollection', features: halo }, { ...common, style: () => HALO_STYLE }));
  }
  for (const { f, level } of ordered) {
    const layer = L.geoJSON(f, { ...common, style: () => BOUNDARY_STYLES[level] });
    handle.boundaryLayer.addLayer(layer);
    const name = f.properties?.name;
    if (!name) continue;
    if (level === 3) {
      handle.gridLayers.push({ layer, name, bounds: layer.getBounds() });
    } else {
      layer.bindTooltip(escapeHtml(name), { permanent: true, direction: 'center', className: `lm-label lm-label-${LEVEL_CLASS[level]}`, opacity: 1 });
    }
  }
  updateBoundaryLabels(handle);
}

// ---- legend ----

function buildLegend(handle) {
  const L = globalThis.L;
  const labels = handle.labels;
  const Legend = L.Control.extend({
    options: { position: 'bottomleft' },
    onAdd() {
      const div = L.DomUtil.create('div', 'lm-legend');
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      const officers = handle.statusColors.map((c, i) =>
        `<li><i class="lm-dot" style="--lm-c:${c}"></i><span>${escapeHtml(labels.officerStatus[i])}</span><b data-lm-count="${i}">0</b></li>`).join('');
      const sla = SLA_COLORS.map((c, i) =>
        `<li><i class="lm-dot lm-dot-incident${i === 2 ? ' lm-dot-breached' : ''}" style="--lm-c:${c}"></i><span>${escapeHtml(labels.sla[i])}</span></li>`).join('');
      div.innerHTML =
        `<div class="lm-legend-title">${escapeHtml(labels.legendOfficers ?? labels.officers)}</div><ul>${officers}</ul>` +
        `<div class="lm-legend-title">${escapeHtml(labels.legendIncidents ?? labels.incidents)}</div><ul>${sla}</ul>` +
        `<ul><li><i class="lm-line"></i><span>${escapeHtml(labels.dispatch)}</span></li></ul>`;
      return div;
    },
  });
  handle.legend = new Legend().addTo(handle.map);
  handle.legendCounts = Array.from(handle.legend.getContainer().querySelectorAll('[data-lm-count]'));
}

function updateLegendCounts(handle) {
  const counts = handle.statusCounts;
  for (const el of handle.legendCounts) {
    const text = String(counts[Number(el.dataset.lmCount)]);
    if (el.textContent !== text) el.textContent = text;
  }
}

// ---- public API ----

export function create(element, options, dotnetRef) {
  const L = leaflet();
  watchClusterChanges(L);
  if (!(element instanceof HTMLElement)) throw new Error('livemap.create: element must be an HTML element (ElementReference).');
  const o = parseJson(options) ?? {};
  const labels = { ...DEFAULT_LABELS, ...(o.labels ?? {}) };
  if (!Array.isArray(labels.officerStatus) || labels.officerStatus.length < 5) labels.officerStatus = DEFAULT_LABELS.officerStatus;
  if (!Array.isArray(labels.sla) || labels.sla.length < 3) labels.sla = DEFAULT_LABELS.sla;

  element.classList.add('lm-map');
  element.style.background = BACKGROUND;

  const hasCenter = Array.isArray(o.center) && o.center.length >= 2 && validNumber(o.center[0]) && validNumber(o.center[1]);
  const officerRenderer = L.canvas({ padding: 0.3, tolerance: 3 });
  const map = L.map(element, {
    renderer: officerRenderer,
    preferCanvas: true,
    center: DEFAULT_CENTER,
    zoom: Number.isFinite(o.zoom) ? o.zoom : 11,
    minZoom: Number.isFinite(o.minZoom) ? o.minZoom : 7,
    maxZoom: Number.isFinite(o.maxZoom) ? o.maxZoom : 18,
    attributionControl: !!o.tileUrl,
    zoomControl: true,
    worldCopyJump: false,
  });

  // None of our panes takes pointer events itself (pointer-events is inherited): the incident pane's <svg> must not
  // swallow clicks meant for officers or clusters underneath; its circles (.leaflet-interactive) take them again
  // (leaflet.css), and the other panes only draw.
  for (const [name, z] of PANES) {
    const pane = map.createPane(name);
    pane.style.zIndex = String(z);
    pane.style.pointerEvents = 'none';
  }

  const handle = {
    map,
    element,
    dotnetRef: dotnetRef ?? null,
    disposed: false,
    gcj02: !!o.gcj02,
    labels,
    statusColors: resolveStatusColors(o.statusColors),
    gridLabelZoom: Number.isFinite(o.gridLabelZoom) ? o.gridLabelZoom : 14,
    officerRenderer,
    boundaryRenderer: L.canvas({ pane: 'lmBoundaries', padding: 0.3 }),
    dispatchRenderer: L.canvas({ pane: 'lmDispatch', padding: 0.3 }),
    trackRenderer: L.canvas({ pane: 'lmTrack', padding: 0.3 }),
    incidentRenderer: L.svg({ pane: 'lmIncidents', padding: 0.3 }),
    officers: new Map(),        // key → circleMarker (with _lmId, _lmStatus)
    incidents: new Map(),       // key → { id, marker, pulse, sla, status, breachedAt }
    breached: new Map(),        // key → the same record, for the breached ones, in the order they breached
    pulseMs: (Number.isFinite(o.pulseSeconds) && o.pulseSeconds >= 0 ? o.pulseSeconds : DEFAULT_PULSE_SECONDS) * 1000,
    blinkTimer: null,
    blinkOn: false,
    lines: [],                  // { o: officer key, i: incident key, line: L.Polyline | null }
    linesByOfficer: new Map(),
    linesByIncident: new Map(),
    gridLayers: [],
    statusCounts: [0, 0, 0, 0, 0],
    officerQueue: null,
    chunkWait: null,
    chunkResolve: null,
    track: null,
    resizeObserver: null,
  };

  map.setView(hasCenter ? toLatLng(handle, Number(o.center[0]), Number(o.center[1])) : DEFAULT_CENTER, map.getZoom(), { animate: false });

  if (o.tileUrl) {
    const tiles = L.tileLayer(o.tileUrl, {
      maxZoom: map.getMaxZoom(),
      subdomains: o.subdomains ?? 'abc',
      attribution: o.attribution ?? '',
      className: o.darkTiles ? 'lm-tiles-dark' : '',
    }).addTo(map);
    handle.tiles = tiles;
  }

  handle.boundaryLayer = L.layerGroup().addTo(map);
  handle.dispatchLayer = L.layerGroup().addTo(map);
  handle.incidentLayer = L.featureGroup().addTo(map);   // a FeatureGroup: its markers' clicks propagate to it
  handle.officerGroup = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: 150,
    chunkDelay: 30,
    chunkProgress: (processed, total) => onChunkProgress(handle, processed, total),
    disableClusteringAtZoom: Number.isFinite(o.disableClusteringAtZoom) ? o.disableClusteringAtZoom : 15,
    maxClusterRadius: Number.isFinite(o.clusterRadius) ? o.clusterRadius : 70,
    animate: false,                 // 25,000 canvas dots: no zoom animation of markers
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: false,
    removeOutsideVisibleBounds: true,
    iconCreateFunction: cluster => clusterIcon(handle, cluster),
  }).addTo(map);
  handle.chunkedAdd = layers => handle.officerGroup.addLayers(layers, true);

  const overlays = {};
  overlays[labels.boundaries] = handle.boundaryLayer;
  overlays[labels.officers] = handle.officerGroup;
  overlays[labels.incidents] = handle.incidentLayer;
  overlays[labels.dispatch] = handle.dispatchLayer;
  handle.layerControl = L.control.layers(null, overlays, { position: 'topright', collapsed: false }).addTo(map);
  buildLegend(handle);

  handle.officerGroup.on('click', e => {
    const id = e.layer?._lmId;
    if (id !== undefined) notify(handle, 'OnOfficerClicked', id);
  });
  handle.incidentLayer.on('click', e => {
    const id = e.layer?._lmId;
    if (id !== undefined) notify(handle, 'OnIncidentClicked', id);
  });

  map.on('zoomend moveend overlayadd', () => { if (!handle.disposed) updateBoundaryLabels(handle); });

  // The page may lay out the container after create (tabs, panels, full-screen): keep Leaflet's size in sync.
  if (typeof ResizeObserver === 'function') {
    handle.resizeObserver = new ResizeObserver(() => { if (!handle.disposed) map.invalidateSize({ pan: false }); });
    handle.resizeObserver.observe(element);
  }

  return handle;
}

// geojson: FeatureCollection (object or JSON string), properties { code, name, level } with level
// 'City' | 'District' | 'Township' | 'Grid' (or 0..3). Replaces what was drawn before.
export function setBoundaries(handle, geojson) {
  if (!checkHandle(handle)) return;
  drawBoundaries(handle, geojson);
}

// rows: [[id, lat, lon, status], ...] — the full set; officers not in it are removed, existing markers are reused.
export function setOfficers(handle, rows) {
  if (!checkHandle(handle)) return undefined;
  return officerOp(handle, () => applyOfficers(handle, parseJson(rows), null, true));
}

// upserts: [[id, lat, lon, status], ...] (move / recolour / add); removals: [id, ...].
export function updateOfficers(handle, upserts, removals) {
  if (!checkHandle(handle)) return undefined;
  return officerOp(handle, () => applyOfficers(handle, parseJson(upserts), parseJson(removals), false));
}

// rows: [[id, lat, lon, status, sla], ...] — the full set. Closed (6) and Cancelled (7) are not shown.
export function setIncidents(handle, rows) {
  if (!checkHandle(handle)) return;
  applyIncidents(handle, parseJson(rows), null, true);
}

export function updateIncidents(handle, upserts, removals) {
  if (!checkHandle(handle)) return;
  applyIncidents(handle, parseJson(upserts), parseJson(removals), false);
}

// lines: [[officerId, incidentId], ...] — the full set. A line is drawn while both ends are on the map.
export function setDispatchLines(handle, lines) {
  if (!checkHandle(handle)) return;
  handle.dispatchLayer.clearLayers();
  handle.lines = [];
  handle.linesByOfficer.clear();
  handle.linesByIncident.clear();
  for (const pair of parseJson(lines) ?? []) {
    if (!Array.isArray(pair) || pair.length < 2) continue;
    const entry = { o: key(pair[0]), i: key(pair[1]), line: null };
    handle.lines.push(entry);
    if (!handle.linesByOfficer.has(entry.o)) handle.linesByOfficer.set(entry.o, []);
    handle.linesByOfficer.get(entry.o).push(entry);
    if (!handle.linesByIncident.has(entry.i)) handle.linesByIncident.set(entry.i, []);
    handle.linesByIncident.get(entry.i).push(entry);
    refreshLine(handle, entry);
  }
}

export function focus(handle, lat, lon, zoom) {
  if (!checkHandle(handle)) return;
  if (!validNumber(lat) || !validNumber(lon)) throw new Error('livemap.focus: lat and lon must be numbers.');
  const z = validNumber(zoom) ? Number(zoom) : Math.max(handle.map.getZoom(), 16);
  handle.map.setView(toLatLng(handle, Number(lat), Number(lon)), z);
}

export function fitBoundaries(handle) {
  if (!checkHandle(handle)) return;
  const bounds = globalThis.L.latLngBounds([]);
  handle.boundaryLayer.eachLayer(l => {
    const b = l.getBounds?.();
    if (b && b.isValid()) bounds.extend(b);
  });
  if (bounds.isValid()) handle.map.fitBounds(bounds, { padding: [16, 16] });
}

export function invalidateSize(handle) {
  if (!checkHandle(handle)) return;
  handle.map.invalidateSize({ pan: false });
}

// ---- track replay ----

// points: [[lat, lon, epochMillis], ...] ascending by time. options: { fit: true }.
export function showTrack(handle, points, options) {
  if (!checkHandle(handle)) return;
  clearTrack(handle);
  const L = globalThis.L;
  const pts = (parseJson(points) ?? []).filter(p => Array.isArray(p) && p.length >= 3 && validNumber(p[0]) && validNumber(p[1]) && validNumber(p[2]));
  if (!pts.length) return;
  const latlngs = pts.map(p => toLatLng(handle, Number(p[0]), Number(p[1])));
  const times = pts.map(p => Number(p[2]));
  const common = { renderer: handle.trackRenderer, pane: 'lmTrack' };
  const layer = L.layerGroup().addTo(handle.map);
  const full = L.polyline(latlngs, { ...TRACK_FULL_STYLE, ...common }).addTo(layer);
  const played = L.polyline([latlngs[0]], { ...TRACK_PLAYED_STYLE, ...common }).addTo(layer);
  const head = L.circleMarker(latlngs[0], { ...TRACK_HEAD_STYLE, ...common }).addTo(layer);
  handle.track = { layer, full, played, head, latlngs, times, index: -1 };
  if ((options?.fit ?? true) && latlngs.length > 1) handle.map.fitBounds(full.getBounds(), { padding: [40, 40], maxZoom: 17 });
  setReplayTime(handle, times[0]);
}

// Moves the head to where the track was at this time (linear between fixes) and extends the played line.
// Returns [lat, lon] of the head as drawn (GCJ-02 when the map is in GCJ-02), or null without a track.
export function setReplayTime(handle, epochMillis) {
  if (!checkHandle(handle) || !handle.track) return null;
  const t = Number(epochMillis);
  const { latlngs, times, played, head } = handle.track;
  const n = times.length;
  let pos;
  let i; // index of the last fix at or before t
  if (!(t > times[0])) {
    i = 0;
    pos = latlngs[0];
  } else if (t >= times[n - 1]) {
    i = n - 1;
    pos = latlngs[n - 1];
  } else {
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= t) lo = mid; else hi = mid;
    }
    i = lo;
    const a = latlngs[lo];
    const b = latlngs[hi];
    const span = times[hi] - times[lo];
    const f = span > 0 ? (t - times[lo]) / span : 0;
    pos = globalThis.L.latLng(a.lat + (b.lat - a.lat) * f, a.lng + (b.lng - a.lng) * f);
  }
  const line = latlngs.slice(0, i + 1);
  if (pos !== latlngs[i]) line.push(pos);
  played.setLatLngs(line);
  head.setLatLng(pos);
  handle.track.index = i;
  return [pos.lat, pos.lng];
}

export function clearTrack(handle) {
  if (!handle || !handle.track) return;
  handle.track.layer.remove();
  handle.track = null;
}

export function dispose(handle) {
  if (!handle || handle.disposed) return;
  handle.disposed = true;
  handle.resizeObserver?.disconnect();
  if (handle.blinkTimer) clearInterval(handle.blinkTimer);
  handle.blinkTimer = null;
  const resolve = handle.chunkResolve;
  handle.chunkResolve = null;
  handle.chunkWait = null;
  if (resolve) resolve();
  handle.track = null;
  handle.map.off();
  handle.incidentLayer.off();
  handle.map.remove();
  handle.officers.clear();
  handle.incidents.clear();
  handle.breached.clear();
  handle.lines = [];
  handle.linesByOfficer.clear();
  handle.linesByIncident.clear();
  handle.gridLayers = [];
  handle.legendCounts = [];
  handle.dotnetRef = null;
  const element = handle.element;
  element.replaceChildren();
  element.classList.remove('lm-map', 'lm-hide-township-labels');
  for (const c of Array.from(element.classList)) if (c.startsWith('leaflet-')) element.classList.remove(c);
  handle.element = null;
}
