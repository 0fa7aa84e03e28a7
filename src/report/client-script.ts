/**
 * The page's own script (inlined after Chart.js; its sha256 goes into the CSP). It reads the JSON
 * block, builds one Chart.js chart per `canvas[data-chart]` and never writes markup: every text it
 * shows is drawn on a canvas by Chart.js, and all HTML was escaped server-side. Charts inside a
 * closed `<details>` are built when it opens (a hidden canvas has no size), rebuilt when the colour
 * scheme changes, and rebuilt in the light palette for printing. Animations are off so a chart is
 * complete as soon as it exists (print, screenshots, tests).
 * Plain ES2017 in a string, with no template literals inside, so nothing here is interpolated.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var dataElement = document.getElementById('fcbench-data');
  var data = dataElement ? JSON.parse(dataElement.textContent || 'null') : null;
  if (!data || typeof Chart === 'undefined') return;
  var charts = new Map();

  function cssVar(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }
  function theme() {
    return { fg: cssVar('--fg'), muted: cssVar('--muted'), grid: cssVar('--grid'), bg: cssVar('--bg'),
      event: cssVar('--event'), fail: cssVar('--fail'),
      series: ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6'].map(cssVar) };
  }
  function num(v) {
    if (!isFinite(v)) return '-';
    if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
    return v === 0 ? '0' : String(Number(v.toPrecision(3)));
  }
  function fmtMs(ms) {
    if (!isFinite(ms)) return '-';
    if (ms === 0) return '0';
    if (Math.abs(ms) < 1) return num(ms * 1000) + ' \u00b5s';
    if (Math.abs(ms) < 10000) return num(ms) + ' ms';
    return num(ms / 1000) + ' s';
  }
  function ninesLabel(n) {
    if (n === 0) return '0%';
    return String(Number((100 * (1 - Math.pow(10, -n))).toPrecision(Math.max(2, Math.round(n) + 1)))) + '%';
  }
  // A log axis labels every 1..9 of each decade: keep 1, 2 and 5, or only powers of ten over a wide range.
  function logTick(value) {
    var decades = Math.log10(this.max / this.min);
    var mantissa = value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
    var m = Math.round(mantissa);
    if (Math.abs(mantissa - m) > 1e-6) return '';
    return m === 1 || (decades < 2.5 && (m === 2 || m === 5)) ? fmtMs(value) : '';
  }
  // Counts on a log axis: label the powers of ten only.
  function decadeTick(v) {
    var m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9)); return Math.abs(m - 1) < 1e-6 ? num(v) : '';
  }
  function axisTitle(text) { return { display: true, text: text }; }
  function common() {
    return { animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: { legend: { labels: { boxWidth: 12, boxHeight: 12 } } } };
  }
  // Scenario events as dashed vertical lines (shaded for their duration), labelled at the top.
  function eventMarkers(events, color) {
    return { id: 'fcbenchEvents', afterDatasetsDraw: function (chart) {
      var x = chart.scales.x; var area = chart.chartArea; var ctx = chart.ctx;
      ctx.save();
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = color; ctx.strokeStyle = color; ctx.lineWidth = 1;
      events.forEach(function (ev, i) {
        var px = x.getPixelForValue(ev.atS);
        if (!(px >= area.left && px <= area.right)) return;
        if (ev.durationS > 0) {
          var end = Math.min(area.right, x.getPixelForValue(ev.atS + ev.durationS));
          ctx.globalAlpha = 0.12; ctx.fillRect(px, area.top, end - px, area.bottom - area.top); ctx.globalAlpha = 1;
        }
        ctx.setLineDash([4, 3]); ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
        ctx.setLineDash([]);
        var label = String(ev.label); var width = ctx.measureText(label).width;
        ctx.fillText(label, px + 4 + width > area.right ? px - 4 - width : px + 4, area.top + 12 + (i % 3) * 13);
      });
      ctx.restore();
    } };
  }
  function spectrum(curves, t) {
    var maxNines = 1;
    curves.forEach(function (c) { c.points.forEach(function (p) { maxNines = Math.max(maxNines, p[0]); }); });
    var options = common();
    options.scales = {
      x: { type: 'linear', min: 0, max: maxNines, title: axisTitle('percentile'), ticks: { stepSize: 1, includeBounds: false, callback: ninesLabel } },
      y: { type: 'logarithmic', title: axisTitle('latency'), ticks: { callback: logTick } } };
    options.plugins.tooltip = { callbacks: {
      title: function () { return ''; },
      label: function (ctx) {
        return ctx.dataset.label + ': ' + fmtMs(ctx.raw.y) + (ctx.raw.p >= 100 ? ' (max)' : ' at p' + Number(ctx.raw.p.toPrecision(6)));
      } } };
    return { type: 'line', options: options, data: { datasets: curves.map(function (c, i) {
      var color = t.series[i % t.series.length];
      return { label: c.label, borderColor: color, backgroundColor: color, pointRadius: 2, borderWidth: 2,
        // 1 us is the histograms' resolution; a log axis cannot show the zeros of sub-microsecond local hits.
        data: c.points.map(function (p) { return { x: p[0], y: Math.max(p[1], 0.001), p: p[2] }; }) };
    }) } };
  }
  function timeline(r, t, series, yTitle, yTick) {
    var tl = r.timeline; var last = tl.t.length - 1;
    var width = last > 0 ? tl.t[1] - tl.t[0] : 1;
    var maxX = (tl.t[last] || 0) + width;
    r.events.forEach(function (ev) { maxX = Math.max(maxX, ev.atS + ev.durationS); });
    var options = common();
    options.scales = { x: { type: 'linear', min: Math.min(0, tl.t[0] || 0), max: maxX, title: axisTitle('seconds into the measured phase') },
      y: { beginAtZero: true, title: axisTitle(yTitle), ticks: yTick ? { callback: yTick } : {} } };
    return { type: 'line', options: options, plugins: [eventMarkers(r.events, t.event)], data: { datasets: series.map(function (s, i) {
      var color = s.color || t.series[i % t.series.length];
      return { label: s.label, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, stepped: false,
        data: tl.t.map(function (x, j) { return { x: x, y: tl[s.key][j] }; }) };
    }) } };
  }
  // Served-from-cache share (solid) and local share (dashed) per curve; deploys dashed, time to steady dotted.
  function coldStart(curves, t) {
    if (!curves || curves.length === 0) return null;
    var options = common();
    var minX = 0; var maxX = 0;
    curves.forEach(function (c) { if (c.t.length > 0) { minX = Math.min(minX, c.t[0]); maxX = Math.max(maxX, c.t[c.t.length - 1]); } });
    options.scales = { x: { type: 'linear', min: minX, max: maxX, title: axisTitle('seconds into the measured phase (negative: warmup)') },
      y: { min: 0, max: 1, title: axisTitle('share of requests'), ticks: { callback: function (v) { return num(v * 100) + '%'; } } } };
    options.plugins.tooltip = { callbacks: { label: function (ctx) { return ctx.dataset.label + ': ' + num(ctx.raw.y * 100) + '%'; } } };
    var marks = { id: 'fcbenchColdStarts', afterDatasetsDraw: function (chart) {
      var x = chart.scales.x; var area = chart.chartArea; var ctx = chart.ctx; var row = 0;
      ctx.save(); ctx.font = '11px system-ui, sans-serif'; ctx.lineWidth = 1;
      function line(atS, label, color, dash) {
        var px = x.getPixelForValue(atS);
        if (!(px >= area.left && px <= area.right)) return;
        ctx.strokeStyle = color; ctx.fillStyle = color; ctx.setLineDash(dash);
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke(); ctx.setLineDash([]);
        var width = ctx.measureText(label).width;
        ctx.fillText(label, px + 4 + width > area.right ? px - 4 - width : px + 4, area.bottom - 6 - (row++ % 4) * 13);
      }
      curves[0].deploys.forEach(function (d) { line(d.atS, d.label, t.event, [4, 3]); });
      curves.forEach(function (c, i) { c.steady.forEach(function (m) { line(m.atS, m.label, t.series[i % t.series.length], [1, 2]); }); });
      ctx.restore();
    } };
    var datasets = [];
    curves.forEach(function (c, i) {
      var color = t.series[i % t.series.length];
      var prefix = curves.length > 1 ? c.label + ': ' : '';
      function points(values) { return c.t.map(function (x, j) { return { x: x, y: values[j] }; }); }
      datasets.push({ label: prefix + 'served from cache', borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2, spanGaps: true, data: points(c.served) });
      datasets.push({ label: prefix + 'local', borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, borderDash: [5, 3], spanGaps: true, data: points(c.local) });
    });
    return { type: 'line', options: options, plugins: [marks], data: { datasets: datasets } };
  }
  var builders = {
    'cold-start': function (r, t) { return r.coldStart ? coldStart([r.coldStart], t) : null; },
    spectrum: function (r, t) { return spectrum(r.spectra, t); },
    throughput: function (r, t) { return timeline(r, t, [{ key: 'rps', label: 'requests/s' }, { key: 'dropped', label: 'dropped', color: t.fail }], 'requests per second'); },
    p99: function (r, t) { return timeline(r, t, [{ key: 'p99Ms', label: 'p99 end to end' }], 'latency', function (v) { return fmtMs(v); }); },
    hits: function (r, t) {
      var series = [{ key: 'localHits', label: 'local hits' }, { key: 'redisHits', label: 'Redis hits' }, { key: 'sourceCalls', label: 'source calls' }];
      // A progressive warm-up's background writes, beside the hits they buy.
      if (r.timeline.warmedKeys.length > 0) series.push({ key: 'warmedKeys', label: 'keys warmed (background)', color: t.series[3] });
      return timeline(r, t, series, 'per bucket');
    },
    freshness: function (r, t) { return timeline(r, t, [{ key: 'outdated', label: 'outdated served', color: t.fail }, { key: 'uncommitted', label: 'uncommitted served', color: t.series[4] }], 'per bucket'); },
    problems: function (r, t) { return timeline(r, t, [{ key: 'staleServed', label: 'stale served', color: t.series[4] }, { key: 'errors', label: 'errors', color: t.fail }], 'per bucket'); },
    served: function (r, t) {
      var s = r.servedBy;
      return { type: 'doughnut', data: { labels: ['local', 'Redis', 'source', 'failed'], datasets: [{
          data: [s.local, s.redis, s.source, s.none], borderColor: t.bg,
          backgroundColor: [t.series[0], t.series[1], t.series[2], t.fail] }] },
        options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: {
          legend: { position: 'right', labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (ctx) { return ctx.label + ': ' + num(ctx.raw * 100) + '%'; } } } } } };
    },
    stampede: function (r, t) {
      var s = r.stampede; var options = common();
      options.interaction = { mode: 'index', intersect: false };
      options.scales = { y: { beginAtZero: true, title: axisTitle('requests') },
        y1: { position: 'right', beginAtZero: true, title: axisTitle('p99'), grid: { drawOnChartArea: false }, ticks: { callback: function (v) { return fmtMs(v); } } } };
      function bar(label, values, color) { return { type: 'bar', label: label, data: values, backgroundColor: color, yAxisID: 'y' }; }
      return { type: 'bar', options: options, data: { labels: s.labels, datasets: [
        bar('origin calls', s.originCalls, t.series[0]), bar('waiters', s.waiting, t.series[2]), bar('stale served', s.staleServed, t.series[4]),
        { type: 'line', label: 'p99', data: s.p99Ms, borderColor: t.series[1], backgroundColor: t.series[1], yAxisID: 'y1', pointRadius: 3 }] } };
    },
    'redis-nodes': function (r, t) {
      var s = r.redisNodes; var options = common();
      options.interaction = { mode: 'index', intersect: false };
      options.scales = { x: { ticks: { autoSkip: false } }, y: { beginAtZero: true, title: axisTitle('commands in the run') },
        y1: { position: 'right', beginAtZero: true, title: axisTitle('keys at the end'), grid: { drawOnChartArea: false } } };
      return { type: 'bar', options: options, data: { labels: s.labels, datasets: [
        { label: 'commands', data: s.commands, backgroundColor: t.series[0], yAxisID: 'y' },
        { label: 'keys', data: s.keys, backgroundColor: t.series[2], yAxisID: 'y1' }] } };
    },
    cost: function (r, t) {
      var c = r.cost; var options = common();
      options.indexAxis = 'y';
      options.interaction = { mode: 'nearest', axis: 'y', intersect: true };
      options.scales = { x: { stacked: true, beginAtZero: true, title: axisTitle('USD per 1k inferences'),
        ticks: { maxTicksLimit: 6, callback: function (v) { return '$' + num(v); } } }, y: { stacked: true } };
      function part(label, values, color) { return { label: label, data: values, backgroundColor: color }; }
      return { type: 'bar', options: options, data: { labels: ['with cache', 'without cache'], datasets: [
        part('source', [c.source, 0], t.series[0]), part('Redis', [c.redis, 0], t.series[1]), part('compute', [c.compute, 0], t.series[2]),
        part('no cache (total)', [0, c.noCache], t.series[3])] } };
    },
    mrc: function (r, t) {
      var c = r.capacity; if (!c) return null;
      var sets = [];
      if (c.local) sets.push({ label: 'local tier (per-replica size)', points: c.local, mark: c.localEntries, markLabel: 'configured ' + num(c.localEntries) });
      sets.push({ label: 'Redis (over local misses)', points: c.redis, mark: c.redisKeys, markLabel: c.redisKeys === null ? '' : 'keys held ' + num(c.redisKeys) });
      return sizeCurve(sets, 'miss ratio', function (v) { return num(v * 100) + '%'; }, t, 1);
    },
    'capacity-cost': function (r, t) {
      var c = r.capacity; if (!c || c.cost.length === 0) return null;
      return sizeCurve([{ label: 'cost per hour', points: c.cost, mark: c.cheapestEntries, markLabel: 'cheapest ' + num(c.cheapestEntries) }],
        'USD per hour', function (v) { return '$' + num(v); }, t, null);
    },
    // fcbench codecs: one horizontal bar per codec of a payload (r.codecBars), sorted as the table is.
    'codec-size': function (r, t) { return codecBars(r.codecBars, 'sizeBytes', 'stored bytes per value', num, t); },
    'codec-decode': function (r, t) { return codecBars(r.codecBars, 'decodeUs', 'decode \u00b5s per value', num, t); },
    'codec-cost': function (r, t) { return codecBars(r.codecBars, 'costUs', 'end-to-end \u00b5s per value', num, t); },
    // fcbench analyze: r.analysis holds the request log's figures.
    'log-rank': function (r, t) {
      var a = r.analysis; if (!a || a.rankFrequency.length === 0) return null;
      var options = common();
      var logAxis = function (title) { return { type: 'logarithmic', title: axisTitle(title), ticks: { callback: decadeTick } }; };
      options.scales = { x: logAxis('popularity rank'), y: logAxis('requests per key') };
      var fitted = a.rankFrequency.filter(function (p) { return p[2] !== null; });
      // order: the fitted line is drawn over the observed points it should hug.
      var sets = [{ label: 'observed', order: 1, borderColor: t.series[0], backgroundColor: t.series[0], pointRadius: 2, borderWidth: 2,
        data: a.rankFrequency.map(function (p) { return { x: p[0], y: p[1] }; }) }];
      if (fitted.length > 0) sets.push({ label: 'fitted Zipf', order: 0, borderColor: t.series[3], backgroundColor: t.series[3], pointRadius: 0, borderWidth: 2, borderDash: [5, 4],
        data: fitted.map(function (p) { return { x: p[0], y: p[2] }; }) });
      return { type: 'line', options: options, data: { datasets: sets } };
    },
    'log-mrc': function (r, t) {
      var a = r.analysis; if (!a || a.curve.length === 0) return null;
      return sizeCurve([{ label: 'LRU miss ratio', points: a.curve, mark: null, markLabel: '' }], 'miss ratio', function (v) { return num(v * 100) + '%'; }, t, 1);
    },
    'log-rate': function (r, t) {
      var a = r.analysis; if (!a || !a.rate) return null;
      var options = common();
      options.scales = { x: { type: 'linear', title: axisTitle('seconds from the first request') }, y: { beginAtZero: true, title: axisTitle('requests per second') } };
      return { type: 'line', options: options, data: { datasets: [{ label: 'requests/s', borderColor: t.series[0], backgroundColor: t.series[0], pointRadius: 0, borderWidth: 2,
        data: a.rate.map(function (p) { return { x: p[0], y: p[1] }; }) }] } };
    },
    'log-reuse': function (r, t) {
      var a = r.analysis; if (!a || !a.reuse) return null;
      var options = common();
      options.plugins.legend = { display: false };
      options.scales = { x: { title: axisTitle('TTL') }, y: { beginAtZero: true, max: 1, title: axisTitle('repeats within the TTL'), ticks: { callback: function (v) { return num(v * 100) + '%'; } } } };
      return { type: 'bar', options: options, data: { labels: a.reuse.labels, datasets: [{ label: 'repeats within the TTL', data: a.reuse.shares, backgroundColor: t.series[1] }] } };
    }
  };
  // Curves over cache size (log x), each with a dashed vertical mark (the configured or cheapest size).
  function sizeCurve(sets, yTitle, yTick, t, yMax) {
    var options = common();
    options.scales = { x: { type: 'logarithmic', title: axisTitle('entries'), ticks: { callback: decadeTick } },
      y: { beginAtZero: true, max: yMax === null ? undefined : yMax, title: axisTitle(yTitle), ticks: { callback: yTick } } };
    var marks = { id: 'fcbenchSizeMarks', afterDatasetsDraw: function (chart) {
      var x = chart.scales.x; var area = chart.chartArea; var ctx = chart.ctx;
      ctx.save(); ctx.font = '11px system-ui, sans-serif';
      sets.forEach(function (s, i) {
        if (s.mark === null || s.mark === undefined || !(s.mark > 0)) return;
        var px = x.getPixelForValue(s.mark);
        if (!(px >= area.left && px <= area.right)) return;
        var color = t.series[i % t.series.length];
        ctx.strokeStyle = color; ctx.fillStyle = color; ctx.setLineDash([4, 3]);
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke(); ctx.setLineDash([]);
        var width = ctx.measureText(s.markLabel).width;
        ctx.fillText(s.markLabel, px + 4 + width > area.right ? px - 4 - width : px + 4, area.top + 12 + i * 13);
      });
      ctx.restore();
    } };
    return { type: 'line', options: options, plugins: [marks], data: { datasets: sets.map(function (s, i) {
      var color = t.series[i % t.series.length];
      return { label: s.label, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2,
        data: s.points.map(function (p) { return { x: p[0], y: p[1] }; }) };
    }) } };
  }
  function codecBars(b, key, title, tick, t) {
    if (!b) return null;
    var options = common();
    options.indexAxis = 'y';
    options.interaction = { mode: 'nearest', axis: 'y', intersect: true };
    options.plugins.legend = { display: false };
    options.scales = { x: { beginAtZero: true, title: axisTitle(title), ticks: { maxTicksLimit: 6, callback: function (v) { return tick(v); } } },
      y: { ticks: { autoSkip: false, font: { size: 10 } } } };
    return { type: 'bar', options: options, data: { labels: b.labels, datasets: [{ label: title, data: b[key],
      backgroundColor: b.formats.map(function (f) { return t.series[f % t.series.length]; }) }] } };
  }

  function draw(canvas) {
    if (charts.has(canvas)) return;
    var kind = canvas.getAttribute('data-chart');
    var owner = canvas.getAttribute('data-result');
    var t = theme();
    Chart.defaults.color = t.fg;
    Chart.defaults.borderColor = t.grid;
    Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    var config = null;
    if (owner === 'compare') {
      if (kind === 'spectrum-compare' && data.compare) config = spectrum(data.compare, t);
      if (kind === 'cold-start-compare' && data.coldStartCompare) config = coldStart(data.coldStartCompare, t);
    } else {
      var result = data.results[Number(owner)];
      if (result && Object.prototype.hasOwnProperty.call(builders, kind)) config = builders[kind](result, t);
    }
    if (!config) return;
    charts.set(canvas, new Chart(canvas, config));
    canvas.setAttribute('data-drawn', 'true');
  }
  function isShown(canvas) { return canvas.closest('details:not([open])') === null; }
  function drawShown() {
    document.querySelectorAll('canvas[data-chart]').forEach(function (c) { if (isShown(c)) draw(c); });
  }
  function redraw() {
    charts.forEach(function (chart, canvas) { chart.destroy(); canvas.removeAttribute('data-drawn'); });
    charts.clear();
    drawShown();
  }
  document.addEventListener('toggle', function (event) {
    var target = event.target;
    if (target && target.open && target.querySelectorAll) target.querySelectorAll('canvas[data-chart]').forEach(function (c) { if (isShown(c)) draw(c); });
  }, true);
  var closedForPrint = [];
  window.addEventListener('beforeprint', function () {
    closedForPrint = Array.prototype.filter.call(document.querySelectorAll('details'), function (d) { return !d.open; });
    closedForPrint.forEach(function (d) { d.open = true; });
    document.documentElement.classList.add('print-theme');
    redraw();
  });
  window.addEventListener('afterprint', function () {
    document.documentElement.classList.remove('print-theme');
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
    redraw();
  });
  if (window.matchMedia) window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', redraw);
  drawShown();
})();
`;
