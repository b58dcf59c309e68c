/**
 * One self-contained page: the picture (inline SVG) beside a browser of the model's objects
 * (inline data, inline script and style). Nothing is fetched when it is opened: the page's
 * Content-Security-Policy forbids every load, so a stray reference would fail loudly.
 */
import type { XosModel } from '../model/types';
import { COLLECTIONS } from '../model/types';
import type { Graph } from './graph';
import type { Placed } from './layout';
import { renderSvg, toSvg, xmlEscape } from './svg';

/** JSON safe inside a `<script>` element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 Helvetica, Arial, sans-serif; color: #202124; background: #f8f9fa; }
header { padding: 12px 20px; background: #ffffff; border-bottom: 1px solid #dadce0; }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 4px 0 0; color: #5f6368; font-size: 13px; }
main { display: flex; gap: 16px; padding: 16px 20px; align-items: flex-start; }
#picture { flex: 1 1 auto; min-width: 0; overflow: auto; background: #ffffff; border: 1px solid #dadce0; border-radius: 8px; }
#picture svg { display: block; }
#picture .node { cursor: pointer; }
#picture .node.selected rect { stroke: #d93025; stroke-width: 3; }
#picture .edge.selected path { stroke: #d93025; }
#picture .dim { opacity: 0.25; }
#browser { flex: 0 0 380px; background: #ffffff; border: 1px solid #dadce0; border-radius: 8px; padding: 12px; max-height: calc(100vh - 120px); overflow: auto; }
#kinds { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 8px; }
#kinds button, #detail button.ref { border: 1px solid #dadce0; background: #f1f3f4; border-radius: 12px; padding: 2px 8px; font-size: 12px; cursor: pointer; color: #202124; }
#kinds button.active { background: #1a73e8; border-color: #1a73e8; color: #ffffff; }
#filter { width: 100%; padding: 6px 8px; border: 1px solid #dadce0; border-radius: 6px; margin-bottom: 8px; font-size: 13px; }
#list { list-style: none; margin: 0 0 12px; padding: 0; max-height: 260px; overflow: auto; border-top: 1px solid #f1f3f4; }
#list li { padding: 4px 6px; border-bottom: 1px solid #f1f3f4; cursor: pointer; font-size: 13px; }
#list li:hover, #list li.selected { background: #e8f0fe; }
#list li small { color: #5f6368; margin-left: 6px; }
#detail h2 { font-size: 15px; margin: 8px 0 4px; }
#detail table { border-collapse: collapse; width: 100%; font-size: 12px; }
#detail td { border-top: 1px solid #f1f3f4; padding: 3px 4px; vertical-align: top; word-break: break-word; }
#detail td:first-child { color: #5f6368; white-space: nowrap; width: 1%; }
#detail pre { margin: 0; white-space: pre-wrap; font-size: 11px; }
#detail .empty { color: #5f6368; }
`;

/**
 * The browser: collections as tabs, a filter, a list, and the selected object's fields with
 * references as links (and the objects that refer to it). Clicking a node of the picture
 * selects its object; the selection is kept in the page's address (#key).
 */
const SCRIPT = `
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('xos-model').textContent);
  var collections = JSON.parse(document.getElementById('xos-collections').textContent);
  var byKey = {};
  var referrers = {};
  collections.forEach(function (c) {
    (model[c] || []).forEach(function (o) { byKey[o.key] = o; });
  });
  function refsOf(value, out) {
    if (typeof value === 'string') { if (Object.prototype.hasOwnProperty.call(byKey, value)) out.push(value); }
    else if (Array.isArray(value)) value.forEach(function (v) { refsOf(v, out); });
    else if (value && typeof value === 'object') Object.keys(value).forEach(function (k) { refsOf(value[k], out); });
    return out;
  }
  Object.keys(byKey).forEach(function (k) {
    var o = byKey[k];
    Object.keys(o).forEach(function (f) {
      if (f === 'key') return;
      refsOf(o[f], []).forEach(function (r) {
        if (r === k) return;
        (referrers[r] = referrers[r] || []).indexOf(k) < 0 && referrers[r].push(k);
      });
    });
  });

  var kindsEl = document.getElementById('kinds');
  var listEl = document.getElementById('list');
  var filterEl = document.getElementById('filter');
  var detailEl = document.getElementById('detail');
  var svg = document.querySelector('#picture svg');
  var current = (model.services && model.services.length) ? 'services' : (collections.filter(function (c) { return (model[c] || []).length; })[0] || collections[0]);
  var selected = null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function refButton(key) {
    var b = el('button', key, 'ref');
    b.type = 'button';
    b.addEventListener('click', function () { select(key); });
    return b;
  }
  function renderKinds() {
    kindsEl.textContent = '';
    collections.forEach(function (c) {
      var n = (model[c] || []).length;
      if (!n) return;
      var b = el('button', c + ' ' + n, c === current ? 'active' : '');
      b.type = 'button';
      b.setAttribute('data-collection', c);
      b.addEventListener('click', function () { current = c; renderKinds(); renderList(); });
      kindsEl.appendChild(b);
    });
  }
  function renderList() {
    var q = filterEl.value.trim().toLowerCase();
    listEl.textContent = '';
    var source = q ? Object.keys(byKey).map(function (k) { return byKey[k]; }) : (model[current] || []);
    source.filter(function (o) {
      return !q || o.key.toLowerCase().indexOf(q) >= 0 || String(o.name).toLowerCase().indexOf(q) >= 0;
    }).forEach(function (o) {
      var li = el('li', o.name, o.key === selected ? 'selected' : '');
      li.setAttribute('data-key', o.key);
      li.appendChild(el('small', o.kind + (o.key !== o.name ? ' ' + o.key : '')));
      li.addEventListener('click', function () { select(o.key); });
      listEl.appendChild(li);
    });
  }
  function valueCell(value) {
    var td = el('td');
    var refs = refsOf(value, []);
    if (typeof value === 'string' && refs.length === 1) td.appendChild(refButton(value));
    else if (Array.isArray(value) && value.length && refs.length === value.length) value.forEach(function (v) { td.appendChild(refButton(v)); td.appendChild(document.createTextNode(' ')); });
    else if (value !== null && typeof value === 'object') td.appendChild(el('pre', JSON.stringify(value, null, 2)));
    else td.textContent = value === null ? '-' : String(value);
    return td;
  }
  function renderDetail() {
    detailEl.textContent = '';
    if (!selected || !byKey[selected]) {
      detailEl.appendChild(el('p', 'Select an object in the list or in the picture.', 'empty'));
      return;
    }
    var o = byKey[selected];
    detailEl.appendChild(el('h2', o.kind + ' ' + o.name));
    var t = el('table');
    Object.keys(o).sort().forEach(function (f) {
      if (f === 'kind') return;
      var tr = el('tr');
      tr.appendChild(el('td', f));
      tr.appendChild(valueCell(o[f]));
      t.appendChild(tr);
    });
    var back = referrers[selected] || [];
    if (back.length) {
      var tr = el('tr');
      tr.appendChild(el('td', 'referenced by'));
      var td = el('td');
      back.sort().forEach(function (k) { td.appendChild(refButton(k)); td.appendChild(document.createTextNode(' ')); });
      tr.appendChild(td);
      t.appendChild(tr);
    }
    detailEl.appendChild(t);
  }
  function highlight() {
    if (!svg) return;
    var nodes = svg.querySelectorAll('.node');
    var edges = svg.querySelectorAll('.edge');
    var onPicture = !!(selected && svg.querySelector('.node[data-key="' + cssEscape(selected) + '"]'));
    var near = {};
    Array.prototype.forEach.call(edges, function (e) {
      var hit = onPicture && (e.getAttribute('data-from') === selected || e.getAttribute('data-to') === selected || e.getAttribute('data-key') === selected);
      e.classList.toggle('selected', !!(hit || (selected && e.getAttribute('data-key') === selected)));
      if (hit) { near[e.getAttribute('data-from')] = true; near[e.getAttribute('data-to')] = true; }
      e.classList.toggle('dim', onPicture && !hit);
    });
    Array.prototype.forEach.call(nodes, function (n) {
      var k = n.getAttribute('data-key');
      n.classList.toggle('selected', k === selected);
      n.classList.toggle('dim', onPicture && k !== selected && !near[k]);
    });
  }
  function cssEscape(s) { return String(s).replace(/["\\\\]/g, '\\\\$&'); }
  function select(key) {
    selected = key;
    var o = byKey[key];
    if (o) {
      var c = collections.filter(function (c) { return (model[c] || []).indexOf(o) >= 0; })[0];
      if (c && !filterEl.value) current = c;
    }
    if (location.hash.slice(1) !== encodeURIComponent(key)) history.replaceState(null, '', '#' + encodeURIComponent(key));
    renderKinds();
    renderList();
    renderDetail();
    highlight();
  }
  if (svg) {
    Array.prototype.forEach.call(svg.querySelectorAll('.node, .edge[data-key]'), function (n) {
      n.addEventListener('click', function () { select(n.getAttribute('data-key')); });
    });
  }
  filterEl.addEventListener('input', renderList);
  var initial = decodeURIComponent(location.hash.slice(1));
  if (initial && byKey[initial]) select(initial);
  else { renderKinds(); renderList(); renderDetail(); }
  document.body.setAttribute('data-ready', 'true');
})();
`;

/** The whole page; the picture laid out as `placed` (default: the own layout). */
export function toHtml(g: Graph, model: XosModel, placed?: Placed): string {
  const counts = `${model.services.length} services, ${model.tenants.length} tenancies, ${model.slices.length} slices, ${model.slivers.length} slivers, ${model.networks.length} networks, ${model.deployments.length} deployments, ${model.users.length} users`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${xmlEscape(model.name)}: xos graph</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${xmlEscape(model.name)}</h1><p>${xmlEscape(counts)}. Click a node, or pick an object on the right.</p></header>`,
    '<main>',
    `<section id="picture" aria-label="tenancy graph">${placed ? renderSvg(g, placed, { inline: true, idPrefix: 'g' }) : toSvg(g, { inline: true, idPrefix: 'g' })}</section>`,
    '<aside id="browser" aria-label="model objects">',
    '<nav id="kinds"></nav>',
    '<input id="filter" type="search" placeholder="filter by name or key" aria-label="filter">',
    '<ul id="list"></ul>',
    '<div id="detail"></div>',
    '</aside>',
    '</main>',
    `<script type="application/json" id="xos-model">${scriptJson(model)}</script>`,
    `<script type="application/json" id="xos-collections">${scriptJson(COLLECTIONS)}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
