// charts.js — ECharts radar and line charts for the portraits page, styled for the dark console.
//
// ECharts (~370 KB gzipped) comes from our npm build (lib/echarts/echarts.min.js) and is loaded on first use only,
// so the sign-in and phone pages never pay for it.
//
// .NET usage (Blazor):
//   var module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/charts.js");
//   var chart = await module.InvokeAsync<IJSObjectReference>("radar", element, spec);   // or "line"
//   await module.InvokeVoidAsync("update", chart, spec);
//   await module.InvokeVoidAsync("dispose", chart);
//
// radar spec: { indicators: [{ name, max }], series: [{ name, values: [number|null] }] }
// line spec:  { categories: [string], series: [{ name, values: [number|null], unit? }], yName?, percent? }
// The element gets data-chart="radar|line" and data-series="N" once drawn (the end-to-end tests wait for it).

const PALETTE = ['#38bdf8', '#f59e0b', '#34d399', '#f472b6', '#a78bfa', '#f87171'];
const TEXT = '#cbd5e1';
const AXIS = '#334155';

let loading;

function loadECharts() {
  if (globalThis.echarts) return Promise.resolve(globalThis.echarts);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = new URL('../lib/echarts/echarts.min.js', import.meta.url).href;
      script.onload = () => resolve(globalThis.echarts);
      script.onerror = () => {
        loading = undefined;
        reject(new Error('charts: cannot load lib/echarts/echarts.min.js'));
      };
      document.head.appendChild(script);
    });
  }
  return loading;
}

function radarOption(spec) {
  const indicators = (spec.indicators || []).map(i => ({ name: i.name, max: i.max ?? 100 }));
  return {
    color: PALETTE,
    backgroundColor: 'transparent',
    textStyle: { color: TEXT },
    tooltip: { trigger: 'item' },
    legend: { bottom: 0, textStyle: { color: TEXT } },
    radar: {
      indicator: indicators,
      radius: '62%',
      axisName: { color: TEXT, fontSize: 13 },
      splitLine: { lineStyle: { color: AXIS } },
      splitArea: { areaStyle: { color: ['rgba(56,189,248,0.04)', 'rgba(56,189,248,0.08)'] } },
      axisLine: { lineStyle: { color: AXIS } },
    },
    series: [{
      type: 'radar',
      symbolSize: 5,
      areaStyle: { opacity: 0.18 },
      data: (spec.series || []).map(s => ({ name: s.name, value: (s.values || []).map(v => v ?? 0) })),
    }],
  };
}

function lineOption(spec) {
  return {
    color: PALETTE,
    backgroundColor: 'transparent',
    textStyle: { color: TEXT },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: TEXT } },
    grid: { left: 48, right: 24, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: spec.categories || [], axisLine: { lineStyle: { color: AXIS } }, axisLabel: { color: TEXT } },
    yAxis: {
      type: 'value',
      name: spec.yName || '',
      axisLabel: { color: TEXT, formatter: spec.percent ? '{value}%' : '{value}' },
      splitLine: { lineStyle: { color: AXIS } },
    },
    series: (spec.series || []).map(s => ({
      name: s.name,
      type: 'line',
      smooth: true,
      showSymbol: (spec.categories || []).length <= 31,
      connectNulls: false,
      data: (s.values || []).map(v => v ?? null),
    })),
  };
}

async function create(kind, element, spec) {
  if (!element) throw new Error('charts: no element to draw in');
  const echarts = await loadECharts();
  const chart = echarts.init(element, null, { renderer: 'canvas' });
  const handle = { kind, chart, element, disposed: false, observer: null };
  draw(handle, spec);
  if (typeof ResizeObserver === 'function') {
    handle.observer = new ResizeObserver(() => { if (!handle.disposed) chart.resize(); });
    handle.observer.observe(element);
  }
  return handle;
}

function draw(handle, spec) {
  const option = handle.kind === 'radar' ? radarOption(spec || {}) : lineOption(spec || {});
  handle.chart.setOption(option, { notMerge: true });
  handle.element.dataset.chart = handle.kind;
  handle.element.dataset.series = String((spec && spec.series ? spec.series.length : 0));
}

export function radar(element, spec) {
  return create('radar', element, spec);
}

export function line(element, spec) {
  return create('line', element, spec);
}

export function update(handle, spec) {
  if (!handle || handle.disposed) return;
  draw(handle, spec);
}

export function dispose(handle) {
  if (!handle || handle.disposed) return;
  handle.disposed = true;
  if (handle.observer) handle.observer.disconnect();
  handle.chart.dispose();
  delete handle.element.dataset.chart;
}
