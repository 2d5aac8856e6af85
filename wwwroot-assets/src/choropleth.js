// choropleth.js — tier nodes (districts or townships) filled by one KPI, for the roll-up page. Works with no tiles.
//
// .NET usage (Blazor):
//   var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/choropleth.js");
//   var map = await module.InvokeAsync<IJSObjectReference>("create", element, boundariesGeoJson, spec, DotNetObjectReference.Create(this));
//   [JSInvokable] public Task OnAreaClicked(string code) { ... }
//   await module.InvokeVoidAsync("update", map, spec);
//   await module.InvokeVoidAsync("dispose", map);
//
// boundaries: GeoJSON FeatureCollection (string or object) with properties code and name.
// spec: { key, title, higherIsBetter, values: { code: { value: number|null, label: string } }, noData, worstLabel, bestLabel }
// Colours run from red (worst) to green (best) along the KPI's direction; nodes without a value are grey.

const BACKGROUND = '#07111f';
const NO_DATA = '#334155';
const SCALE = ['#b91c1c', '#ea580c', '#f59e0b', '#a3e635', '#22c55e'];

function leaflet() {
  const L = globalThis.L;
  if (!L || typeof L.map !== 'function') throw new Error('choropleth: Leaflet is not loaded (window.L is missing).');
  return L;
}

function colourOf(value, min, max, higherIsBetter) {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_DATA;
  let t = max > min ? (value - min) / (max - min) : 1;
  if (!higherIsBetter) t = 1 - t;
  return SCALE[Math.min(SCALE.length - 1, Math.max(0, Math.floor(t * SCALE.length)))];
}

function restyle(handle) {
  const spec = handle.spec || {};
  const values = spec.values || {};
  const numbers = Object.values(values).map(v => v && v.value).filter(v => v !== null && v !== undefined && Number.isFinite(v));
  const min = numbers.length ? Math.min(...numbers) : 0;
  const max = numbers.length ? Math.max(...numbers) : 0;
  handle.layer.eachLayer(layer => {
    const code = layer.feature.properties.code;
    const entry = values[code];
    const fill = colourOf(entry ? entry.value : null, min, max, spec.higherIsBetter !== false);
    layer.setStyle({ color: '#93c5fd', weight: 1, opacity: 0.9, fillColor: fill, fillOpacity: 0.55 });
    const name = layer.feature.properties.name || code;
    const label = entry && entry.label ? entry.label : (spec.noData || '—');
    layer.unbindTooltip();
    layer.bindTooltip(`<b>${escapeHtml(name)}</b><br>${escapeHtml(spec.title || '')}: ${escapeHtml(label)}`, { sticky: true });
  });
  renderLegend(handle);
  handle.element.dataset.areas = String(handle.layer.getLayers().length);
  handle.element.dataset.metric = spec.key || '';
}

// Red (worst) to green (best) with the worst and best values the caller formatted (spec.worstLabel / spec.bestLabel).
function renderLegend(handle) {
  if (!handle.legend) return;
  const spec = handle.spec || {};
  handle.legend.getContainer().innerHTML =
    `<div>${escapeHtml(spec.title || '')}</div>` +
    `<div class="swatches">${SCALE.map(c => `<span style="background:${c}"></span>`).join('')}</div>` +
    `<div style="display:flex;justify-content:space-between;gap:12px"><span>${escapeHtml(spec.worstLabel ?? '—')}</span><span>${escapeHtml(spec.bestLabel ?? '—')}</span></div>`;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export function create(element, boundaries, spec, dotnetRef) {
  const L = leaflet();
  if (!element) throw new Error('choropleth: no element to draw in');
  const geojson = typeof boundaries === 'string' ? JSON.parse(boundaries) : boundaries;
  element.style.background = BACKGROUND;
  const map = L.map(element, { zoomControl: true, attributionControl: false, preferCanvas: false, zoomSnap: 0.25 });
  const handle = { map, element, dotnetRef, spec, disposed: false, layer: null };
  handle.layer = L.geoJSON(geojson, {
    onEachFeature: (feature, layer) => {
      layer.on('click', () => {
        if (handle.disposed || !handle.dotnetRef) return;
        handle.dotnetRef.invokeMethodAsync('OnAreaClicked', feature.properties.code).catch(err => console.warn('choropleth: click failed', err));
      });
      layer.on('mouseover', () => layer.setStyle({ weight: 3 }));
      layer.on('mouseout', () => layer.setStyle({ weight: 1 }));
    },
  }).addTo(map);
  const Legend = L.Control.extend({ onAdd: () => L.DomUtil.create('div', 'choropleth-legend') });
  handle.legend = new Legend({ position: 'bottomright' });
  handle.legend.addTo(map);
  const bounds = handle.layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
  else map.setView([29.95, 121.62], 10);
  restyle(handle);
  return handle;
}

export function update(handle, spec) {
  if (!handle || handle.disposed) return;
  handle.spec = spec;
  restyle(handle);
}

export function dispose(handle) {
  if (!handle || handle.disposed) return;
  handle.disposed = true;
  handle.dotnetRef = null;
  handle.map.remove();
}
