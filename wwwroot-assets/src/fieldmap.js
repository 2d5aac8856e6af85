// The officer's task map: the incident, its geofence circle and the officer's own position. Leaflet is window.L.
//   const map = await module.invokeAsync("create", element, { incident: [lat, lon], geofence: metres, me: [lat, lon] | null, tileUrl });
//   await module.invokeVoidAsync("setMe", map, [lat, lon] | null);  /  ("dispose", map)
export function create(element, options) {
  const L = window.L;
  if (!L) throw new Error('fieldmap: Leaflet is not loaded.');
  const map = L.map(element, { zoomControl: true, attributionControl: false, preferCanvas: true });
  if (options.tileUrl) L.tileLayer(options.tileUrl, { maxZoom: 19 }).addTo(map);
  const target = L.latLng(options.incident[0], options.incident[1]);
  L.circle(target, { radius: options.geofence, color: '#ffb020', weight: 1, fillOpacity: 0.08 }).addTo(map);
  L.circleMarker(target, { radius: 8, color: '#ff4d4f', fillColor: '#ff4d4f', fillOpacity: 0.9 }).addTo(map);
  const handle = { map, target, me: null };
  setMe(handle, options.me);
  return handle;
}

export function setMe(handle, me) {
  const L = window.L;
  if (handle.me) { handle.me.remove(); handle.me = null; }
  if (Array.isArray(me) && me.length === 2) {
    handle.me = L.circleMarker(L.latLng(me[0], me[1]), { radius: 7, color: '#2f9bff', fillColor: '#2f9bff', fillOpacity: 0.9 }).addTo(handle.map);
    // Frame both once; after that the officer may pan and zoom without the map snapping back on every fix.
    if (!handle.fitted) handle.map.fitBounds(L.latLngBounds([handle.target, handle.me.getLatLng()]).pad(0.3), { maxZoom: 17 });
    handle.fitted = true;
  } else if (!handle.fitted) {
    handle.map.setView(handle.target, 16);
  }
}

export function dispose(handle) {
  handle?.map?.remove();
}
