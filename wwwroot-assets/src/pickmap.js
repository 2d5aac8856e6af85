// pickmap.js — a small Leaflet map to pick one point (phone "report an issue" page).
//
// Needs Leaflet loaded as a classic script before this module is used (window.L):
//   <link rel="stylesheet" href="lib/leaflet/leaflet.css">  <script src="lib/leaflet/leaflet.js"></script>
//
// .NET usage (Blazor):
//   var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/pickmap.js");
//   var handle = await module.InvokeAsync<IJSObjectReference>("create", element, options, DotNetObjectReference.Create(this));
//   [JSInvokable] public Task OnPointPicked(double lat, double lon) { ... }
//   [JSInvokable] public Task OnLocateFailed(string message) { ... }
//   await module.InvokeVoidAsync("setPoint", handle, lat, lon);
//   await module.InvokeVoidAsync("locate", handle);
//   await module.InvokeVoidAsync("dispose", handle);
//
// options (all optional):
//   center: [lat, lon]          initial centre (default: the boundaries' extent, else [29.95, 121.62])
//   zoom: number                initial zoom (default 13)
//   minZoom, maxZoom            (default 3 / 19)
//   point: [lat, lon]           an already chosen point to show
//   tileUrl, tileAttribution    a tile layer ({z}/{x}/{y} template); none by default (works with no internet)
//   boundaries                  GeoJSON FeatureCollection (object or JSON string) of polygons, drawn as thin outlines
//   boundariesUrl               same, fetched from this URL (same origin) instead of passed through the circuit
//   locateZoom                  minimum zoom after a successful locate (default 16)
//   locateTimeoutMs             geolocation timeout (default 15000)
//   messages: { unsupported, denied, unavailable, timeout }   texts for OnLocateFailed (default zh-CN)

const BACKGROUND = '#07111f';
const BOUNDARY_STYLE = { color: '#3b82f6', weight: 1, opacity: 0.85, fill: false };
const MARKER_STYLE = { radius: 9, color: '#ffffff', weight: 2, fillColor: '#f97316', fillOpacity: 1 };
const DEFAULT_CENTER = [29.95, 121.62];

const DEFAULT_MESSAGES = {
  unsupported: '此浏览器不支持定位',
  denied: '未获得定位权限（需在浏览器中允许定位，且页面须为 HTTPS）',
  unavailable: '暂时无法获取位置',
  timeout: '定位超时，请重试或在地图上点选位置',
};

function leaflet() {
  const L = globalThis.L;
  if (!L || typeof L.map !== 'function') {
    throw new Error('pickmap: Leaflet is not loaded (window.L is missing). Add <script src="lib/leaflet/leaflet.js"></script> before using this module.');
  }
  return L;
}

function isLatLon(value) {
  return Array.isArray(value) && value.length >= 2 && Number.isFinite(Number(value[0])) && Number.isFinite(Number(value[1]));
}

function notify(handle, method, ...args) {
  if (handle.disposed || !handle.dotnetRef) return Promise.resolve();
  return handle.dotnetRef.invokeMethodAsync(method, ...args).catch(err => {
    // The circuit may be gone (navigation, reconnect); nothing useful to do here.
    console.warn(`pickmap: ${method} failed`, err);
  });
}

function placeMarker(handle, lat, lon) {
  const L = leaflet();
  const latlng = L.latLng(lat, lon);
  if (handle.marker) {
    handle.marker.setLatLng(latlng);
  } else {
    handle.marker = L.circleMarker(latlng, { ...MARKER_STYLE, renderer: handle.renderer, interactive: false }).addTo(handle.map);
  }
  handle.marker.bringToFront();
  return latlng;
}

function drawBoundaries(handle, geojson, fit) {
  if (handle.disposed || !geojson) return;
  const L = leaflet();
  const data = typeof geojson === 'string' ? JSON.parse(geojson) : geojson;
  if (handle.boundaries) handle.boundaries.remove();
  handle.boundaries = L.geoJSON(data, {
    style: () => BOUNDARY_STYLE,
    renderer: handle.renderer,
    interactive: false,           // taps go through to the map
    pointToLayer: () => null,     // polygons only
  }).addTo(handle.map);
  if (handle.marker) handle.marker.bringToFront();
  if (fit) {
    const bounds = handle.boundaries.getBounds();
    if (bounds.isValid()) handle.map.fitBounds(bounds, { padding: [8, 8] });
  }
}

function checkHandle(handle) {
  if (!handle || !handle.map) throw new Error('pickmap: invalid handle (use the value returned by create).');
  return !handle.disposed;
}

export function create(element, options, dotnetRef) {
  const L = leaflet();
  if (!(element instanceof HTMLElement)) throw new Error('pickmap.create: element must be an HTML element (ElementReference).');
  const o = options ?? {};

  element.style.background = BACKGROUND;
  const renderer = L.canvas({ padding: 0.5 });
  const hasCenter = isLatLon(o.center);
  const map = L.map(element, {
    renderer,
    preferCanvas: true,
    center: hasCenter ? [Number(o.center[0]), Number(o.center[1])] : DEFAULT_CENTER,
    zoom: Number.isFinite(o.zoom) ? o.zoom : 13,
    minZoom: Number.isFinite(o.minZoom) ? o.minZoom : 3,
    maxZoom: Number.isFinite(o.maxZoom) ? o.maxZoom : 19,
    attributionControl: !!o.tileUrl,
    zoomControl: true,
  });

  const handle = {
    map,
    renderer,
    dotnetRef: dotnetRef ?? null,
    marker: null,
    boundaries: null,
    disposed: false,
    resizeObserver: null,
    options: o,
    messages: { ...DEFAULT_MESSAGES, ...(o.messages ?? {}) },
  };

  if (o.tileUrl) {
    L.tileLayer(o.tileUrl, { maxZoom: map.getMaxZoom(), attribution: o.tileAttribution ?? '' }).addTo(map);
  }

  if (o.boundaries) {
    drawBoundaries(handle, o.boundaries, !hasCenter);
  } else if (o.boundariesUrl) {
    fetch(o.boundariesUrl, { credentials: 'same-origin' })
      .then(r => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(data => drawBoundaries(handle, data, !hasCenter && !handle.marker))
      .catch(err => console.warn('pickmap: could not load boundaries', err));
  }

  if (isLatLon(o.point)) placeMarker(handle, Number(o.point[0]), Number(o.point[1]));

  map.on('click', e => {
    if (handle.disposed) return;
    const p = e.latlng.wrap();
    placeMarker(handle, p.lat, p.lng);
    notify(handle, 'OnPointPicked', p.lat, p.lng);
  });

  // The page may lay out the container after create (or rotate the phone): keep Leaflet's size in sync.
  if (typeof ResizeObserver === 'function') {
    handle.resizeObserver = new ResizeObserver(() => { if (!handle.disposed) map.invalidateSize({ pan: false }); });
    handle.resizeObserver.observe(element);
  }

  return handle;
}

export function setPoint(handle, lat, lon) {
  if (!checkHandle(handle)) return;
  if (!Number.isFinite(Number(lat)) || !Number.isFinite(Number(lon))) throw new Error('pickmap.setPoint: lat and lon must be numbers.');
  const latlng = placeMarker(handle, Number(lat), Number(lon));
  handle.map.panTo(latlng);
}

// Resolves to [lat, lon] on success (after OnPointPicked) or null on failure (after OnLocateFailed).
export function locate(handle) {
  if (!checkHandle(handle)) return Promise.resolve(null);
  const m = handle.messages;
  const fail = message => notify(handle, 'OnLocateFailed', message).then(() => null);

  if (!('geolocation' in navigator)) return fail(m.unsupported);

  return new Promise(resolve => {
    navigator.geolocation.getCurrentPosition(
      pos => {
        if (handle.disposed) { resolve(null); return; }
        const { latitude: lat, longitude: lon } = pos.coords;
        const latlng = placeMarker(handle, lat, lon);
        const zoom = Math.max(handle.map.getZoom(), Number.isFinite(handle.options.locateZoom) ? handle.options.locateZoom : 16);
        handle.map.setView(latlng, zoom);
        notify(handle, 'OnPointPicked', lat, lon).then(() => resolve([lat, lon]));
      },
      err => {
        if (handle.disposed) { resolve(null); return; }
        const message = err.code === 1 ? m.denied : err.code === 3 ? m.timeout : m.unavailable;
        fail(message).then(resolve);
      },
      {
        enableHighAccuracy: true,
        timeout: Number.isFinite(handle.options.locateTimeoutMs) ? handle.options.locateTimeoutMs : 15000,
        maximumAge: 30000,
      });
  });
}

export function dispose(handle) {
  if (!handle || handle.disposed) return;
  handle.disposed = true;
  handle.resizeObserver?.disconnect();
  handle.map.off();
  handle.map.remove();
  handle.marker = null;
  handle.boundaries = null;
  handle.dotnetRef = null;
}
