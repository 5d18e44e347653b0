#!/usr/bin/env node
import { createRequire as __tgCreateRequire } from 'node:module';
const require = __tgCreateRequire(import.meta.url);
import{a as p,b as f,c as h}from"./chunk-YSO7ZYGY.js";import{c as a,f as d}from"./chunk-AKZSV7EH.js";import{createHash as y}from"node:crypto";var u=`
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --drift: #d1242f; --accepted: #1a7f37; --verdict: #8250df; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fa; }
header { padding: 16px 24px 8px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0; }
main { padding: 0 24px 24px; }
.suite { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px 8px; margin: 16px 0; }
.suite h2 { font-size: 17px; margin: 0 0 2px; overflow-wrap: anywhere; }
.status { color: var(--muted); margin: 0 0 8px; }
.status .drift { color: var(--drift); font-weight: 600; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: center; margin-bottom: 4px; }
.ranges button { font: inherit; border: 1px solid var(--line); background: #fff; padding: 2px 10px; border-radius: 6px; cursor: pointer; }
.ranges button[aria-pressed="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; }
.legend label { cursor: pointer; overflow-wrap: anywhere; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 4px -1px 2px; }
.keys { color: var(--muted); font-size: 12px; margin: 0 0 4px; }
.keys b.d { color: var(--drift); } .keys b.a { color: var(--accepted); } .keys b.v { color: var(--verdict); }
figure.chart { margin: 0; }
figure.chart figcaption { font-weight: 600; font-size: 13px; margin-top: 6px; }
svg { width: 100%; height: auto; display: block; }
svg .bg { fill: #fff; }
svg .grid { stroke: #eaeef2; }
svg .axis { fill: var(--muted); font-size: 11px; }
svg .series { fill: none; stroke-width: 1.8; }
svg .band { stroke: none; fill-opacity: 0.14; }
svg .m-drift { fill: var(--drift); fill-opacity: 0.12; }
svg .m-accepted { fill: var(--accepted); }
svg .m-verdict { fill: var(--verdict); }
svg .cursor { stroke: var(--ink); stroke-dasharray: 3 3; }
svg .empty { fill: var(--muted); font-size: 13px; }
.tip { position: fixed; z-index: 10; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px;
  box-shadow: 0 4px 14px rgba(0,0,0,.12); font-size: 12px; pointer-events: none; }
.tip table { border-collapse: collapse; margin-top: 4px; }
.tip th, .tip td { text-align: left; padding: 1px 8px 1px 0; white-space: nowrap; }
.tip td.name, .tip td.model { max-width: 240px; overflow: hidden; text-overflow: ellipsis; }
.tip .hint { color: var(--muted); margin-top: 4px; }
.tip .drift { color: var(--drift); font-weight: 600; }
`,l=`
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var W = 900, H = 200, ML = 64, MR = 14, MT = 16, MB = 28, PW = W - ML - MR, PH = H - MT - MB;
  var DEFAULT_RUNS = 90, RANGES = [30, 90, 180];
  var METRICS = [
    { key: 'acc', title: 'Accuracy (band: 95% interval)', format: percent, band: 'ci' },
    // Drawn only for a suite with fragility measured in some run.
    { key: 'flip', title: 'Flip rate under meaning-preserving rewording (band: 95% interval)', format: percent, band: 'fci', fromZero: true, optional: true },
    { key: 'p95', title: 'Latency p95', format: milliseconds, fromZero: true },
    { key: 'cost', title: 'Cost per 1k requests', format: usd, fromZero: true }
  ];
  var data = JSON.parse(document.getElementById('tunegate-data').textContent);
  var tip = element('div', 'tip');
  tip.hidden = true;
  document.body.appendChild(tip);
  var main = document.getElementById('suites');
  if (data.suites.length === 0) main.appendChild(element('p', 'empty', 'No runs in this history yet.'));
  data.suites.forEach(function (suite) { main.appendChild(suiteSection(suite)); });

  function percent(v) { return (v * 100).toFixed(1) + '%'; }
  function milliseconds(v) { return v >= 10000 ? (v / 1000).toFixed(1) + ' s' : Math.round(v) + ' ms'; }
  function usd(v) {
    if (v === 0) return '$0';
    var sign = v < 0 ? '\\u2212' : '', size = Math.abs(v);
    if (size < 0.01) return sign + '$' + size.toPrecision(2);
    if (size < 1000) return sign + '$' + size.toFixed(2);
    return sign + '$' + Math.round(size).toLocaleString('en-US');
  }
  function when(date) {
    var time = Date.parse(date);
    return isNaN(time) ? date : new Date(time).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }
  function day(date) { return when(date).slice(0, 10); }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attributes, parent) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attributes).forEach(function (k) { e.setAttribute(k, String(attributes[k])); });
    if (parent) parent.appendChild(e);
    return e;
  }
  function titled(node, text) { svg('title', {}, node).textContent = text; return node; }

  function suiteSection(suite) {
    var section = element('section', 'suite');
    section.setAttribute('data-suite', suite.name);
    section.appendChild(element('h2', null, suite.name));
    section.appendChild(statusLine(suite));
    var state = { count: suite.runs.length > DEFAULT_RUNS * 1.5 ? DEFAULT_RUNS : suite.runs.length, hidden: suite.variants.map(function () { return false; }) };
    var controls = element('div', 'controls');
    var charts = element('div', 'charts');
    controls.appendChild(rangeButtons(suite, state, draw));
    controls.appendChild(legend(suite, state, draw));
    section.appendChild(controls);
    var keys = element('p', 'keys');
    [['d', '\\u25ae drift'], ['a', '\\u25c6 accepted reference'], ['v', '\\u25bc verdict changed']].forEach(function (k) {
      keys.appendChild(element('b', k[0], k[1]));
      keys.appendChild(document.createTextNode(' \\u00a0 '));
    });
    keys.appendChild(document.createTextNode('Hover for the numbers; click a point to open its run.'));
    section.appendChild(keys);
    section.appendChild(charts);
    function draw() {
      charts.textContent = '';
      var offset = suite.runs.length - state.count;
      var runs = suite.runs.slice(offset);
      METRICS.forEach(function (metric) {
        if (!metric.optional || measured(suite, metric.key)) charts.appendChild(chart(suite, runs, offset, metric, state, charts));
      });
    }
    draw();
    return section;
  }

  function measured(suite, key) {
    return suite.runs.some(function (run) { return run.v.some(function (p) { return p && p[key] !== null && p[key] !== undefined; }); });
  }

  function statusLine(suite) {
    var p = element('p', 'status');
    var last = suite.runs[suite.runs.length - 1];
    var reference = null;
    suite.runs.forEach(function (run) { if (run.accepted) reference = run; });
    p.appendChild(document.createTextNode(suite.runs.length + (suite.runs.length === 1 ? ' run' : ' runs') + ' \\u00b7 latest ' + day(last.date) + ': verdict ' + last.verdict + ', '));
    p.appendChild(element('span', last.drift === 'drift' ? 'drift' : '', 'drift: ' + last.drift));
    if (reference) p.appendChild(document.createTextNode(' \\u00b7 reference: ' + day(reference.date) + (reference.reason ? ' (' + reference.reason + ')' : '')));
    if (last.simulated) p.appendChild(document.createTextNode(' \\u00b7 simulated'));
    var flips = [];
    suite.variants.forEach(function (name, vi) {
      var point = last.v[vi];
      if (point && typeof point.flip === 'number') flips.push(name + ' ' + percent(point.flip));
    });
    if (flips.length) p.appendChild(element('span', 'flip', ' \\u00b7 latest flip rate: ' + flips.join(', ')));
    return p;
  }

  function rangeButtons(suite, state, draw) {
    var group = element('div', 'ranges');
    var options = RANGES.filter(function (r) { return r < suite.runs.length; }).concat([suite.runs.length]);
    options.forEach(function (count) {
      var b = element('button', null, count === suite.runs.length ? 'All ' + count : 'Last ' + count);
      b.type = 'button';
      b.setAttribute('data-runs', String(count));
      b.setAttribute('aria-pressed', String(count === state.count));
      b.addEventListener('click', function () {
        state.count = count;
        group.querySelectorAll('button').forEach(function (o) { o.setAttribute('aria-pressed', String(o === b)); });
        draw();
      });
      group.appendChild(b);
    });
    return group;
  }

  function legend(suite, state, draw) {
    var box = element('div', 'legend');
    suite.variants.forEach(function (name, vi) {
      var label = element('label');
      var input = element('input');
      input.type = 'checkbox';
      input.checked = true;
      input.addEventListener('change', function () { state.hidden[vi] = !input.checked; draw(); });
      var swatch = element('span', 'swatch');
      swatch.style.background = suite.colours[vi];
      label.appendChild(input);
      label.appendChild(swatch);
      label.appendChild(document.createTextNode(name));
      box.appendChild(label);
    });
    return box;
  }

  function niceTicks(lo, hi, count) {
    var raw = (hi - lo) / count, magnitude = Math.pow(10, Math.floor(Math.log10(raw))), norm = raw / magnitude;
    var step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude, ticks = [];
    for (var t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
    return ticks;
  }

  function domain(suite, runs, metric, state) {
    var lo = Infinity, hi = -Infinity;
    suite.variants.forEach(function (_, vi) {
      if (state.hidden[vi]) return;
      runs.forEach(function (run) {
        var p = run.v[vi];
        if (!p || p[metric.key] === null) return;
        lo = Math.min(lo, p[metric.key]); hi = Math.max(hi, p[metric.key]);
        var band = metric.band && p[metric.band];
        if (band) { lo = Math.min(lo, band[0]); hi = Math.max(hi, band[1]); }
      });
    });
    if (lo === Infinity) return null;
    if (metric.fromZero) return [0, hi > 0 ? hi * 1.08 : 1];
    var pad = (hi - lo) * 0.08 || 0.01;
    return [Math.max(0, lo - pad), Math.min(1, hi + pad)];
  }

  /** Consecutive runs where the variant has a value: lines and bands break at gaps. */
  function segments(runs, vi, key) {
    var out = [], current = [];
    runs.forEach(function (run, i) {
      var p = run.v[vi];
      if (p && p[key] !== null) current.push(i); else if (current.length) { out.push(current); current = []; }
    });
    if (current.length) out.push(current);
    return out;
  }

  function chart(suite, runs, offset, metric, state, group) {
    var figure = element('figure', 'chart');
    figure.appendChild(element('figcaption', null, metric.title));
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': metric.title, 'data-metric': metric.key });
    figure.appendChild(root);
    var n = runs.length, step = n > 1 ? PW / (n - 1) : PW;
    function x(i) { return n > 1 ? ML + i * step : ML + PW / 2; }
    var found = domain(suite, runs, metric, state), range = found || [0, 1];
    var lo = range[0], hi = range[1] > range[0] ? range[1] : range[0] + 1;
    function y(v) { return MT + PH - ((v - lo) / (hi - lo)) * PH; }
    svg('rect', { x: ML, y: MT, width: PW, height: PH, class: 'bg' }, root);
    runs.forEach(function (run, i) {
      if (run.drift !== 'drift') return;
      var w = Math.max(Math.min(step, 24), 3);
      titled(svg('rect', { x: x(i) - w / 2, y: MT, width: w, height: PH, class: 'm-drift' }, root), 'drift on ' + day(run.date));
    });
    niceTicks(lo, hi, 4).forEach(function (t) {
      svg('line', { x1: ML, x2: ML + PW, y1: y(t), y2: y(t), class: 'grid' }, root);
      svg('text', { x: ML - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'axis' }, root).textContent = metric.format(t);
    });
    var every = Math.max(1, Math.ceil(n / 8));
    for (var i = 0; i < n; i += every) {
      svg('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', class: 'axis' }, root).textContent = day(runs[i].date);
    }
    suite.variants.forEach(function (_, vi) {
      if (state.hidden[vi]) return;
      var colour = suite.colours[vi];
      segments(runs, vi, metric.key).forEach(function (seg) {
        if (metric.band) {
          var withCi = seg.filter(function (i) { return runs[i].v[vi][metric.band]; });
          if (withCi.length) {
            var upper = withCi.map(function (i) { return x(i) + ',' + y(runs[i].v[vi][metric.band][1]); });
            var lower = withCi.slice().reverse().map(function (i) { return x(i) + ',' + y(runs[i].v[vi][metric.band][0]); });
            svg('polygon', { points: upper.concat(lower).join(' '), class: 'band', fill: colour, 'data-variant': vi }, root);
          }
        }
        var d = seg.map(function (i, k) { return (k ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(runs[i].v[vi][metric.key]).toFixed(1); }).join(' ');
        svg('path', { d: d, class: 'series', stroke: colour, 'data-variant': vi }, root);
      });
    });
    runs.forEach(function (run, i) {
      var before = suite.runs[offset + i - 1];
      if (before && before.verdict !== run.verdict) {
        var vx = x(i);
        titled(svg('path', { d: 'M' + (vx - 5) + ' ' + (MT - 10) + ' L' + (vx + 5) + ' ' + (MT - 10) + ' L' + vx + ' ' + (MT - 2) + ' Z', class: 'm-verdict' }, root),
          'verdict ' + before.verdict + ' \\u2192 ' + run.verdict + ' on ' + day(run.date));
      }
      if (run.accepted) {
        var ax = x(i), ay = MT + PH;
        titled(svg('path', { d: 'M' + ax + ' ' + (ay - 6) + ' L' + (ax + 5) + ' ' + ay + ' L' + ax + ' ' + (ay + 6) + ' L' + (ax - 5) + ' ' + ay + ' Z', class: 'm-accepted' }, root),
          'accepted reference' + (run.reason ? ' (' + run.reason + ')' : '') + ' on ' + day(run.date));
      }
    });
    var radius = n > 120 ? 1.6 : n > 40 ? 2.4 : 3.4;
    suite.variants.forEach(function (_, vi) {
      if (state.hidden[vi]) return;
      runs.forEach(function (run, i) {
        var p = run.v[vi];
        if (!p || p[metric.key] === null) return;
        var parent = root;
        if (run.url) {
          parent = svg('a', { href: run.url, target: '_blank', rel: 'noopener' }, root);
        }
        svg('circle', { cx: x(i).toFixed(1), cy: y(p[metric.key]).toFixed(1), r: radius, fill: suite.colours[vi], class: 'pt', 'data-run': offset + i, 'data-variant': vi }, parent);
      });
    });
    svg('line', { x1: 0, x2: 0, y1: MT, y2: MT + PH, class: 'cursor', visibility: 'hidden' }, root);
    if (!found) {
      svg('text', { x: ML + PW / 2, y: MT + PH / 2, 'text-anchor': 'middle', class: 'empty' }, root).textContent = 'no data';
    }
    function indexAt(event) {
      // A point, or the link around it (keyboard focus lands on the link).
      var node = event.target && event.target.querySelector && !event.target.hasAttribute('data-run') ? event.target.querySelector('[data-run]') || event.target : event.target;
      var target = node && node.getAttribute ? node.getAttribute('data-run') : null;
      if (target !== null) return Number(target) - offset;
      var point = root.createSVGPoint();
      point.x = event.clientX; point.y = event.clientY;
      var local = point.matrixTransform(root.getScreenCTM().inverse());
      return n > 1 ? Math.max(0, Math.min(n - 1, Math.round((local.x - ML) / step))) : 0;
    }
    root.addEventListener('mousemove', function (event) {
      var i = indexAt(event);
      showCursor(group, x(i));
      showTip(suite, runs[i], event.clientX, event.clientY);
    });
    root.addEventListener('mouseleave', function () { hideCursor(group); tip.hidden = true; });
    root.addEventListener('click', function (event) {
      if (event.target.closest && event.target.closest('a')) return;
      var run = runs[indexAt(event)];
      if (run && run.url) window.open(run.url, '_blank', 'noopener');
    });
    root.addEventListener('focusin', function (event) {
      var i = indexAt(event);
      var box = event.target.getBoundingClientRect();
      showCursor(group, x(i));
      showTip(suite, runs[i], box.right, box.bottom);
    });
    root.addEventListener('focusout', function () { hideCursor(group); tip.hidden = true; });
    return figure;
  }

  function showCursor(group, at) {
    group.querySelectorAll('line.cursor').forEach(function (line) {
      line.setAttribute('x1', at); line.setAttribute('x2', at); line.setAttribute('visibility', 'visible');
    });
  }
  function hideCursor(group) {
    group.querySelectorAll('line.cursor').forEach(function (line) { line.setAttribute('visibility', 'hidden'); });
  }

  function showTip(suite, run, clientX, clientY) {
    tip.textContent = '';
    tip.setAttribute('data-run-id', run.id);
    tip.appendChild(element('div', 'head', when(run.date) + ' \\u00b7 ' + run.event + (run.commit ? ' \\u00b7 ' + run.commit.slice(0, 7) : '') + ' \\u00b7 cache ' + run.cache));
    var facts = element('div');
    facts.appendChild(document.createTextNode('verdict ' + run.verdict + ' \\u00b7 '));
    facts.appendChild(element('span', run.drift === 'drift' ? 'drift' : '', 'drift: ' + run.drift));
    if (run.accepted) facts.appendChild(document.createTextNode(' \\u00b7 accepted reference' + (run.reason ? ' (' + run.reason + ')' : '')));
    if (run.simulated) facts.appendChild(document.createTextNode(' \\u00b7 simulated'));
    tip.appendChild(facts);
    var table = element('table');
    var head = element('tr');
    var fragile = run.v.some(function (p) { return p && typeof p.flip === 'number'; });
    ['variant', 'model', 'accuracy [95% CI]'].concat(fragile ? ['flip rate [95% CI]'] : [], ['p50', 'p95', 'cost / 1k', 'n']).forEach(function (h) { head.appendChild(element('th', null, h)); });
    table.appendChild(head);
    suite.variants.forEach(function (name, vi) {
      var p = run.v[vi];
      if (!p) return;
      var row = element('tr');
      row.setAttribute('data-variant', name);
      var cell = element('td', 'name');
      var swatch = element('span', 'swatch');
      swatch.style.background = suite.colours[vi];
      cell.appendChild(swatch);
      cell.appendChild(document.createTextNode(name));
      row.appendChild(cell);
      row.appendChild(element('td', 'model', p.model));
      row.appendChild(element('td', 'acc', p.acc === null ? '\\u2013' : percent(p.acc) + (p.ci ? ' [' + percent(p.ci[0]) + ', ' + percent(p.ci[1]) + ']' : '')));
      if (fragile) row.appendChild(element('td', 'flip', typeof p.flip !== 'number' ? '\\u2013' : percent(p.flip) + (p.fci ? ' [' + percent(p.fci[0]) + ', ' + percent(p.fci[1]) + ']' : '')));
      row.appendChild(element('td', 'p50', p.p50 === null ? '\\u2013' : milliseconds(p.p50)));
      row.appendChild(element('td', 'p95', p.p95 === null ? '\\u2013' : milliseconds(p.p95)));
      row.appendChild(element('td', 'cost', p.cost === null ? 'price unknown' : usd(p.cost)));
      row.appendChild(element('td', 'n', p.n + (p.errors ? ' (' + p.errors + ' errors)' : '')));
      table.appendChild(row);
    });
    tip.appendChild(table);
    if (run.url) tip.appendChild(element('div', 'hint', 'Click to open the run.'));
    tip.hidden = false;
    var left = clientX + 14, top = clientY + 14;
    if (left + tip.offsetWidth > window.innerWidth - 8) left = Math.max(8, clientX - tip.offsetWidth - 14);
    if (top + tip.offsetHeight > window.innerHeight - 8) top = Math.max(8, clientY - tip.offsetHeight - 14);
    tip.style.left = left + 'px';
    tip.style.top = top + 'px';
  }
})();
`;var c=n=>typeof n=="number"&&n>=0&&n<=1;function b(n){let r=n.fragility;if(typeof r!="object"||r===null)return{flip:null,fci:null,fn:null};let{flip_rate:e,flip_rate_ci:t,n_calls:i}=r;if(!c(e))return{flip:null,fci:null,fn:null};let[s,o]=Array.isArray(t)?t:[];return{flip:e,fci:c(s)&&c(o)?[s,o]:null,fn:typeof i=="number"&&Number.isFinite(i)?i:null}}function x(n,r){let e=f(n,r);return e?{model:a(e.model),n:e.n,errors:e.errors,acc:e.accuracy,ci:e.accuracy_ci,p50:e.latency_p50_ms,p95:e.latency_p95_ms,cost:e.cost_per_1k_usd,...b(e)}:null}function m(n,r){return{generated:r.toISOString(),suites:p(n).map(e=>({name:a(e.suite),variants:e.variants.map(t=>a(t)),colours:e.variants.map((t,i)=>h(i).hex),runs:e.runs.map(t=>({id:a(t.run_id),date:t.date,commit:t.commit===null?null:a(t.commit),event:a(t.event),url:t.run_url===null?null:d(t.run_url)??null,accepted:t.accepted,reason:t.accepted_reason??null,verdict:a(t.verdict),drift:t.drift,simulated:t.simulated,cache:t.cache_mode,v:e.variants.map(i=>x(t,i))}))}))}}function v(n){return JSON.stringify(n).replace(/[<>&\u2028\u2029]/g,r=>`\\u${r.charCodeAt(0).toString(16).padStart(4,"0")}`)}function g(n){return`'sha256-${y("sha256").update(n,"utf8").digest("base64")}'`}function w(){return["default-src 'none'",`script-src ${g(l)}`,`style-src ${g(u)}`,"base-uri 'none'","form-action 'none'"].join("; ")}function L(n,r={}){let e=m(n,r.generated??new Date),t=new Set(n.map(o=>o.run_id)).size,i=e.suites.length,s=n.some(o=>o.simulated)?" \xB7 includes simulated runs (not a real model)":"";return`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${w()}">
<title>tunegate dashboard</title>
<style>${u}</style>
</head>
<body>
<header>
<h1>tunegate dashboard</h1>
<p class="meta">${t} ${t===1?"run":"runs"} of ${i} ${i===1?"suite":"suites"} \xB7 generated ${e.generated.slice(0,16).replace("T"," ")} UTC${s}</p>
</header>
<main id="suites"></main>
<noscript><p>The charts need JavaScript; the data is in this page as JSON (script#tunegate-data).</p></noscript>
<script type="application/json" id="tunegate-data">${v(e)}</script>
<script>${l}</script>
</body>
</html>
`}export{L as a};
