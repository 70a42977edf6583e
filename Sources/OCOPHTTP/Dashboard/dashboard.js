// OCOP central office dashboard.
// Plain ES2020, no framework: the page is served by the OCOP HTTP server under a strict
// Content-Security-Policy, so everything is built with DOM calls (no innerHTML, no inline
// styles) and every request goes to the same origin.
"use strict";

(() => {
  const TOKEN_KEY = "ocop.dashboard.token";
  const LANGUAGE_KEY = "ocop.dashboard.language";
  // Vietnamese first: the central office works in Vietnamese; English is a click away.
  const LANGUAGES = ["vi", "en"];
  const STRINGS = window.OCOP_STRINGS || {};
  // Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact
  // and does not depend on the browser's time-zone data.
  const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;
  const STAR_LEVELS = [3, 4, 5];
  const STALE_AFTER_SECONDS = 48 * 3600;
  const SVG_NS = "http://www.w3.org/2000/svg";

  // The API base comes from a <meta> so the server can move it without touching this file.
  const apiBaseMeta = document.querySelector('meta[name="ocop-api-base"]');
  const API_BASE = new URL(apiBaseMeta ? apiBaseMeta.content : "../api/v1/", document.baseURI);

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------------
  // Language

  let language = "vi";

  /** The text of `key` in the page's language, with `{name}` placeholders filled in. */
  function t(key, vars = {}) {
    const text = (STRINGS[language] && STRINGS[language][key]) ?? (STRINGS.vi && STRINGS.vi[key]) ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
  }

  function storedLanguage() {
    try { return localStorage.getItem(LANGUAGE_KEY); } catch { return null; }
  }

  /** Sets the language of the page's fixed text; the caller re-renders the data. */
  function applyLanguage(next) {
    language = LANGUAGES.includes(next) ? next : "vi";
    document.documentElement.lang = language;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.dataset.i18n, { stars: node.dataset.i18nStars });
    }
    for (const node of document.querySelectorAll("[data-i18n-aria-label]")) {
      node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
    }
    for (const node of document.querySelectorAll("[data-i18n-title]")) {
      node.setAttribute("title", t(node.dataset.i18nTitle));
    }
    for (const option of $("expiring-days").options) option.textContent = t("days", { n: option.value });
    document.querySelector("header.top").dataset.loadingLabel = t("loading");
    for (const button of document.querySelectorAll("button[data-lang]")) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === language));
    }
  }

  function onLanguageClick(event) {
    const next = event.currentTarget.dataset.lang;
    if (next === language) return;
    try { localStorage.setItem(LANGUAGE_KEY, next); } catch { /* this page view only */ }
    applyLanguage(next);
    rerender();
  }

  // The last answer of each section, to redraw in another language without asking again.
  const lastReports = {};

  function rerender() {
    for (const name of Object.keys(SECTIONS)) {
      if (lastReports[name]) SECTIONS[name].render(lastReports[name]);
    }
  }

  /** "2026-06-15" as people read it: 15/06/2026 in Vietnamese, 15 Jun 2026 in English. */
  function formatDay(isoDay) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay || "");
    if (!match) return isoDay || "—";
    const [, year, month, day] = match;
    if (language === "vi") return `${day}/${month}/${year}`;
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    return `${Number(day)} ${months[Number(month) - 1]} ${year}`;
  }

  // Bumped on every load so responses from an older refresh cannot overwrite newer ones.
  let generation = 0;
  let inFlight = null;      // AbortController of the running load
  let inFlightNames = [];   // its sections, re-requested if a newer load cancels it

  /** An error from the API, carrying the HTTP status and the server's error code. */
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // ---------------------------------------------------------------------------
  // Small DOM helpers

  /** Creates an HTML element; attrs with null/undefined/false values are skipped. */
  function el(tag, attrs = {}, ...children) {
    return build(document.createElement(tag), attrs, children);
  }

  /** Creates an SVG element (needs the SVG namespace to render). */
  function svg(tag, attrs = {}, ...children) {
    return build(document.createElementNS(SVG_NS, tag), attrs, children);
  }

  function build(node, attrs, children) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.setAttribute("class", value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    node.replaceChildren();
  }

  function setState(state) {
    document.body.dataset.state = state;
  }

  function showError(message) {
    const box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }

  // ---------------------------------------------------------------------------
  // Token handling: URL fragment, then sessionStorage, then the form.

  /** Reads `#token=…` once, stores it, and removes it from the address bar and history. */
  function takeTokenFromFragment() {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    const token = (params.get("token") || "").trim();
    // `#lang=en` (alone or with the token) picks the language for this browser tab.
    if (LANGUAGES.includes(params.get("lang"))) {
      try { localStorage.setItem(LANGUAGE_KEY, params.get("lang")); } catch { /* this page view only */ }
      applyLanguage(params.get("lang"));
      if (!token) history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    if (!token) return null;
    storeToken(token);
    // Keeps the token out of the history, bookmarks and screenshots of the address bar.
    history.replaceState(null, "", window.location.pathname + window.location.search);
    return token;
  }

  function storedToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null; // storage disabled: the form still works for this page view
    }
  }

  let memoryToken = null; // fallback when sessionStorage is unavailable

  function storeToken(token) {
    memoryToken = token;
    try { sessionStorage.setItem(TOKEN_KEY, token); } catch { /* keep in memory only */ }
  }

  function clearToken() {
    memoryToken = null;
    try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing stored */ }
  }

  function currentToken() {
    return storedToken() || memoryToken;
  }

  /** Shows the token form (optionally with why), hiding the data. */
  function askForToken(message) {
    if (inFlight) inFlight.abort();
    inFlight = null;
    generation += 1;
    $("dashboard").hidden = true;
    $("refresh").hidden = true;
    $("sign-out").hidden = true;
    $("token-form").hidden = false;
    showError(message || "");
    setState("needs-token");
    $("token-input").value = "";
    $("token-input").focus();
  }

  function onTokenSubmit(event) {
    event.preventDefault();
    const token = $("token-input").value.trim();
    if (!token) return;
    storeToken(token);
    $("token-input").value = "";
    loadAll();
  }

  function onSignOut() {
    clearToken();
    // Nothing seen with that token is drawn again (a language switch redraws from these).
    for (const name of Object.keys(lastReports)) delete lastReports[name];
    askForToken("");
  }

  // ---------------------------------------------------------------------------
  // API

  /** GETs a report; throws ApiError with the server's message on a non-2xx answer. */
  async function getJSON(path, signal) {
    const url = new URL(path, API_BASE);
    let response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${currentToken()}`, Accept: "application/json" },
        cache: "no-store",
        credentials: "same-origin",
        signal,
      });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, "network", t("network_error", { path: url.pathname, message: error.message }));
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = body && body.error ? body.error : {};
      const message = detail.message || `${response.status} ${response.statusText}`.trim();
      throw new ApiError(response.status, detail.code || "http", `${url.pathname}: ${message}`);
    }
    if (body === null) throw new ApiError(response.status, "bad-json", t("not_json", { path: url.pathname }));
    return body;
  }

  function expiringDays() {
    return Number($("expiring-days").value) || 30;
  }

  // Each section: what to fetch and how to draw it. Sections render independently so one
  // failing report does not blank the others.
  const SECTIONS = {
    province: { path: () => "reports/stars?by=province", render: renderProvinces },
    sector: { path: () => "reports/stars?by=sector", render: renderSectors },
    expiring: { path: () => `reports/expiring?days=${expiringDays()}`, render: renderExpiring },
    sync: { path: () => "reports/sync", render: renderSync },
    photos: { path: () => "attachments?limit=12", render: renderPhotos },
  };

  /** Fetches the named sections in parallel and renders each; sets the body state at the end. */
  async function load(names) {
    if (!currentToken()) {
      askForToken("");
      return;
    }
    if (inFlight) {
      // A cancelled load must not leave its sections unrendered: fold them into this one.
      names = [...new Set([...inFlightNames, ...names])];
      inFlight.abort();
    }
    // Province renders first: the expiring table labels codes with its names.
    names = Object.keys(SECTIONS).filter((name) => names.includes(name));
    const controller = new AbortController();
    inFlight = controller;
    inFlightNames = names;
    const mine = ++generation;

    $("token-form").hidden = true;
    $("dashboard").hidden = false;
    $("refresh").hidden = false;
    $("sign-out").hidden = false;
    $("refresh").disabled = true;
    showError("");
    setState("loading");

    const results = await Promise.allSettled(
      names.map((name) => getJSON(SECTIONS[name].path(), controller.signal))
    );
    if (mine !== generation) return; // superseded by a newer load or a sign-out
    inFlight = null;
    $("refresh").disabled = false;
    finish(names, results);
  }

  /** Renders what arrived, then decides between ready, error and needs-token. */
  function finish(names, results) {
    const errors = [];
    results.forEach((result, index) => {
      if (result.status === "fulfilled") {
        lastReports[names[index]] = result.value;
        SECTIONS[names[index]].render(result.value);
      } else {
        errors.push(result.reason);
      }
    });
    const unauthorized = errors.find((e) => e instanceof ApiError && e.status === 401);
    if (unauthorized) {
      clearToken();
      askForToken(t("sign_in_failed", { message: unauthorized.message }));
      return;
    }
    if (errors.length > 0) {
      showError(errors.map((e) => e.message).join("\n"));
      setState("error");
      return;
    }
    setState("ready");
  }

  const loadAll = () => load(Object.keys(SECTIONS));

  // ---------------------------------------------------------------------------
  // Stars reports

  // Province names come with the stars report; remembered to label the expiring table.
  const provinceNames = new Map();

  /** Compares codes like "01" < "79" or "QD148-2023:2" < "QD148-2023:10". */
  function byCode(a, b) {
    return String(a).localeCompare(String(b), "en", { numeric: true });
  }

  /**
   * Turns sparse (stars, key) rows into one entry per key with counts for every star level
   * (missing cells are 0), sorted by key.
   */
  function pivot(rows, keyOf, nameOf) {
    const groups = new Map();
    for (const row of rows) {
      const key = keyOf(row);
      if (!groups.has(key)) groups.set(key, { key, name: nameOf(row), counts: { 3: 0, 4: 0, 5: 0 }, total: 0 });
      const group = groups.get(key);
      if (!STAR_LEVELS.includes(row.stars)) continue; // unknown level: ignore rather than miscount
      group.counts[row.stars] += row.products;
      group.total += row.products;
    }
    return [...groups.values()].sort((a, b) => byCode(a.key, b.key));
  }

  function columnTotals(groups) {
    const totals = { 3: 0, 4: 0, 5: 0, all: 0 };
    for (const group of groups) {
      for (const stars of STAR_LEVELS) totals[stars] += group.counts[stars];
      totals.all += group.total;
    }
    return totals;
  }

  function renderProvinces(report) {
    $("report-date").textContent = formatDay(report.date);
    if (report.date) $("report-date").setAttribute("datetime", report.date);
    const groups = pivot(report.rows || [], (r) => r.province_code ?? "?", (r) => r.province_name ?? t("unknown_province"));
    for (const group of groups) provinceNames.set(group.key, group.name);
    renderTiles(report.total_products, columnTotals(groups));
    renderStarsTable($("stars-by-province"), groups, "province", t("all_provinces"));
    renderStackedChart($("chart-province"), groups, "province");
  }

  function renderSectors(report) {
    const groups = pivot(report.rows || [], (r) => r.sector ?? "?", (r) => r.sector_name ?? t("unknown_sector"));
    renderStarsTable($("stars-by-sector"), groups, "sector", t("all_sectors"));
    renderStackedChart($("chart-sector"), groups, "sector");
  }

  /** The headline tiles; the total is the server's (a product counts once). */
  function renderTiles(totalProducts, totals) {
    const total = Number.isInteger(totalProducts) ? totalProducts : totals.all;
    $("total-products").textContent = String(total);
    for (const stars of STAR_LEVELS) {
      document.querySelector(`[data-tile-stars="${stars}"]`).textContent = String(totals[stars]);
      const share = total > 0 ? t("share", { pct: Math.round((totals[stars] / total) * 100) }) : "";
      document.querySelector(`[data-share-stars="${stars}"]`).textContent = share;
    }
  }

  function starCells(counts, total) {
    return [
      ...STAR_LEVELS.map((stars) => el("td", { class: "num", "data-stars": stars }, counts[stars])),
      el("td", { class: "num total", "data-total": true }, total),
    ];
  }

  /** Fills a stars table: one row per key, a footer with column totals, or an empty state. */
  function renderStarsTable(table, groups, dimension, allLabel) {
    const attr = `data-${dimension}`;
    const body = table.tBodies[0];
    clear(body);
    if (groups.length === 0) {
      body.append(el("tr", { class: "empty" }, el("td", { colspan: 6 }, t("no_certified"))));
    }
    for (const group of groups) {
      body.append(el("tr", { [attr]: group.key },
        el("td", { class: "code" }, group.key),
        el("th", { scope: "row" }, group.name),
        starCells(group.counts, group.total)));
    }
    const totals = columnTotals(groups);
    clear(table.tFoot);
    table.tFoot.append(el("tr", { [attr]: "all" },
      el("th", { scope: "row", colspan: 2 }, allLabel),
      starCells(totals, totals.all)));
  }

  // ---------------------------------------------------------------------------
  // Stacked horizontal bar chart (inline SVG)

  const CHART = { width: 720, barHeight: 20, gap: 8, legendHeight: 30, axisHeight: 26, right: 40, charWidth: 6.6 };

  /** A round axis maximum and tick step so the gridlines land on readable numbers. */
  function niceScale(max) {
    if (max <= 0) return { max: 1, step: 1 };
    const rough = max / 5;
    const power = 10 ** Math.floor(Math.log10(rough));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
    const integerStep = Math.max(1, Math.round(step)); // counts are whole products
    return { max: Math.ceil(max / integerStep) * integerStep, step: integerStep };
  }

  /** Shortens long labels to fit the label column; the full text stays in a <title>. */
  function truncate(text, maxChars) {
    return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
  }

  function labelOf(group, dimension) {
    return dimension === "province" ? `${group.key} ${group.name}` : group.name;
  }

  /** Keeps the <title> the page ships with, drops the previous drawing. */
  function resetSvg(chart) {
    for (const child of [...chart.childNodes]) {
      if (!(child.nodeName === "title")) child.remove();
    }
  }

  function drawLegend(chart, x) {
    const legend = svg("g", { class: "legend", transform: `translate(${x},8)` });
    STAR_LEVELS.forEach((stars, i) => {
      const gx = i * 64;
      legend.append(
        svg("rect", { class: `s${stars}`, x: gx, y: 0, width: 14, height: 14, rx: 2 }),
        svg("text", { x: gx + 20, y: 11.5 }, `${stars}★`));
    });
    chart.append(legend);
  }

  function drawAxis(chart, scale, x0, plotWidth, top, bottom) {
    const axis = svg("g", { class: "axis" });
    for (let value = 0; value <= scale.max; value += scale.step) {
      const x = x0 + (value / scale.max) * plotWidth;
      axis.append(
        svg("line", { x1: x, x2: x, y1: top - 4, y2: bottom }),
        svg("text", { x, y: bottom + 16, "text-anchor": "middle" }, value));
    }
    chart.append(axis);
  }

  function drawBar(chart, group, dimension, geometry) {
    const { x0, y, plotWidth, max, labelChars } = geometry;
    const bar = svg("g", { class: "bar" });
    const label = labelOf(group, dimension);
    bar.append(svg("text", { class: "label", x: x0 - 8, y: y + CHART.barHeight / 2 + 4, "text-anchor": "end" },
      svg("title", {}, label), truncate(label, labelChars)));
    let x = x0;
    for (const stars of STAR_LEVELS) {
      const count = group.counts[stars];
      // A non-zero count stays visible (2 units) even next to much larger bars.
      const width = count > 0 ? Math.max(2, (count / max) * plotWidth) : 0;
      bar.append(svg("rect", {
        class: `seg s${stars}`, x: x.toFixed(2), y, width: width.toFixed(2), height: CHART.barHeight,
        [`data-${dimension}`]: group.key, "data-stars": stars, "data-count": count,
      }, svg("title", {}, t("bar_title", { name: group.name, count, stars }))));
      // Count inside the segment only when it fits; the table always has it.
      if (count > 0 && width >= 8 + 7 * String(count).length) {
        bar.append(svg("text", { class: `in s${stars}`, x: (x + width / 2).toFixed(2), y: y + CHART.barHeight / 2 + 4,
          "text-anchor": "middle", "aria-hidden": "true" }, count));
      }
      x += width;
    }
    bar.append(svg("text", { class: "total", x: (x + 6).toFixed(2), y: y + CHART.barHeight / 2 + 4 }, group.total));
    chart.append(bar);
  }

  /** One bar per group, segments per star level, a legend and a count axis. */
  function renderStackedChart(chart, groups, dimension) {
    resetSvg(chart);
    if (groups.length === 0) {
      chart.setAttribute("viewBox", `0 0 ${CHART.width} 60`);
      chart.append(svg("text", { class: "empty", x: CHART.width / 2, y: 34, "text-anchor": "middle" }, t("no_certified")));
      return;
    }
    const longest = Math.max(...groups.map((g) => labelOf(g, dimension).length));
    const labelChars = Math.min(longest, 30);
    const x0 = Math.ceil(Math.max(60, labelChars * CHART.charWidth + 14));
    const plotWidth = CHART.width - x0 - CHART.right;
    const scale = niceScale(Math.max(...groups.map((g) => g.total)));
    const top = CHART.legendHeight;
    const bottom = top + groups.length * (CHART.barHeight + CHART.gap);
    chart.setAttribute("viewBox", `0 0 ${CHART.width} ${bottom + CHART.axisHeight}`);

    drawLegend(chart, x0);
    drawAxis(chart, scale, x0, plotWidth, top, bottom);
    groups.forEach((group, i) => {
      const y = top + i * (CHART.barHeight + CHART.gap) + CHART.gap / 2;
      drawBar(chart, group, dimension, { x0, y, plotWidth, max: scale.max, labelChars });
    });
  }

  // ---------------------------------------------------------------------------
  // Expiring certificates

  function provinceCell(code) {
    if (code === null || code === undefined) return el("td", { class: "muted" }, "—");
    const name = provinceNames.get(code);
    return el("td", { "data-province": code }, code, name ? el("span", { class: "muted" }, ` ${name}`) : null);
  }

  function renderExpiring(report) {
    const days = report.days ?? expiringDays();
    $("expiring-count").textContent = String(report.expiring_count ?? 0);
    $("expired-count").textContent = String(report.expired_count ?? 0);
    const body = $("expiring").tBodies[0];
    clear(body);
    const certificates = report.certificates || [];
    if (certificates.length === 0) {
      body.append(el("tr", { class: "empty" },
        el("td", { colspan: 7 }, t("no_expiring", { days }))));
      return;
    }
    for (const c of certificates) body.append(expiringRow(c));
  }

  function expiringRow(c) {
    const expired = c.state === "expired";
    return el("tr", {
      "data-certificate": c.number, "data-state": c.state, "data-days-left": c.days_left,
      class: expired ? "expired" : (c.days_left <= 7 ? "expiring soon" : "expiring"),
    },
      el("td", { class: "code" }, c.number),
      el("td", {}, c.product),
      provinceCell(c.province_code),
      el("td", { class: "num", "data-stars": c.stars }, c.stars),
      el("td", {}, el("time", { datetime: c.expires_on }, formatDay(c.expires_on))),
      el("td", { class: "num" }, c.days_left),
      el("td", {}, el("span", { class: `badge ${expired ? "expired" : "expiring"}` }, t(expired ? "state_expired" : "state_expiring"))));
  }

  // ---------------------------------------------------------------------------
  // Sync status

  /** "45s", "12m", "5h", "3d" (in words in Vietnamese): the coarsest unit that still says something. */
  function humanLag(seconds) {
    if (seconds === null || seconds === undefined) return t("never");
    const s = Math.max(0, seconds);
    if (s < 60) return t("lag_s", { n: s });
    if (s < 3600) return t("lag_m", { n: Math.floor(s / 60) });
    if (s < 86400) return t("lag_h", { n: Math.floor(s / 3600) });
    return t("lag_d", { n: Math.floor(s / 86400) });
  }

  function isStale(p) {
    return p.lag_seconds === null || p.lag_seconds === undefined || p.lag_seconds > STALE_AFTER_SECONDS;
  }

  /**
   * Timestamps in Vietnam time (UTC+7), where the central office and the provinces are, the
   * same for every reader whatever their computer's time zone: "15/06/2026 08:30 (UTC+7)".
   */
  function formatTimestamp(iso) {
    if (!iso) return null;
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const local = new Date(date.getTime() + VIETNAM_OFFSET_MS).toISOString();
    return `${formatDay(local.slice(0, 10))} ${local.slice(11, 16)} (UTC+7)`;
  }

  function timeCell(iso, emptyText) {
    const text = formatTimestamp(iso);
    return text ? el("td", {}, el("time", { datetime: iso }, text)) : el("td", { class: "muted" }, emptyText);
  }

  function numberOrDash(value) {
    return value === null || value === undefined ? "—" : value;
  }

  /** The latest product photos: the server's web-sized copies, captioned with the product. */
  function renderPhotos(list) {
    const gallery = $("photos");
    clear(gallery);
    const photos = list.attachments || [];
    if (photos.length === 0) {
      gallery.append(el("li", { class: "empty" }, t("no_photos")));
      return;
    }
    for (const photo of photos) {
      const caption = [photo.product_name || "—", photo.title ? ` · ${photo.title}` : "", ` · ${formatDay(photo.recorded_on)}`].join("");
      const picture = photo.stored
        ? el("img", { src: `/files/${photo.sha256}/web`, alt: photo.product_name || photo.title || "", loading: "lazy", width: 240 })
        : el("div", { class: "photo-pending" }, t("photo_pending"));
      gallery.append(el("li", { "data-sha256": photo.sha256, "data-stored": String(photo.stored) },
        el("figure", {}, picture, el("figcaption", {}, caption))));
    }
  }

  function renderSync(report) {
    const generated = $("sync-generated");
    generated.textContent = formatTimestamp(report.generated_at) || "—";
    if (report.generated_at) generated.setAttribute("datetime", report.generated_at);
    const body = $("sync-status").tBodies[0];
    clear(body);
    const provinces = [...(report.provinces || [])].sort((a, b) =>
      byCode(a.province_code ?? "\uffff", b.province_code ?? "\uffff") || byCode(a.user, b.user));
    if (provinces.length === 0) {
      body.append(el("tr", { class: "empty" }, el("td", { colspan: 9 }, t("no_accounts"))));
      return;
    }
    for (const p of provinces) body.append(syncRow(p));
  }

  function syncRow(p) {
    const stale = isStale(p);
    const classes = [stale ? "stale" : null, p.enabled ? null : "disabled"].filter(Boolean).join(" ");
    const province = p.province_code ? [p.province_code, el("span", { class: "muted" }, ` ${p.province_name ?? ""}`)] : "—";
    return el("tr", {
      "data-user": p.user, "data-province": p.province_code ?? "",
      "data-pending-conflicts": p.pending_conflicts ?? 0, "data-lag-seconds": p.lag_seconds ?? "",
      class: classes || null,
    },
      el("th", { scope: "row", class: "code" }, p.user),
      el("td", {}, province),
      el("td", {}, el("span", { class: `badge ${p.enabled ? "on" : "off"}` }, t(p.enabled ? "yes" : "no"))),
      el("td", { class: "num" }, numberOrDash(p.replicas)),
      timeCell(p.last_sync_at, t("never")),
      // The "stale" marker is CSS generated content so the cell text stays just the lag.
      el("td", { class: "num lag", "data-stale-label": t("stale"),
        title: p.lag_seconds === null || p.lag_seconds === undefined ? null : `${p.lag_seconds} s` },
        humanLag(p.lag_seconds)),
      el("td", { class: "num" }, numberOrDash(p.feed_behind)),
      el("td", { class: `num${p.pending_conflicts > 0 ? " attention" : ""}` }, numberOrDash(p.pending_conflicts)),
      el("td", { class: `num${p.refused > 0 ? " attention" : ""}` }, numberOrDash(p.refused)));
  }

  // ---------------------------------------------------------------------------
  // Start-up

  // Surface unexpected script errors on the page (the headless test reads #error).
  window.addEventListener("error", (event) => {
    showError(t("script_error", { message: event.message }));
    setState("error");
  });
  window.addEventListener("unhandledrejection", (event) => {
    const reason = event.reason;
    if (reason && reason.name === "AbortError") return; // an intentional cancel
    showError(t("script_error", { message: reason && reason.message ? reason.message : reason }));
    setState("error");
  });

  function start() {
    applyLanguage(storedLanguage() || "vi");
    for (const button of document.querySelectorAll("button[data-lang]")) button.addEventListener("click", onLanguageClick);
    $("token-form").addEventListener("submit", onTokenSubmit);
    $("sign-out").addEventListener("click", onSignOut);
    $("refresh").addEventListener("click", loadAll);
    $("expiring-days").addEventListener("change", () => load(["expiring"]));
    takeTokenFromFragment();
    // A token pasted into the address bar later (#token=…) replaces the stored one.
    window.addEventListener("hashchange", () => { if (takeTokenFromFragment()) loadAll(); else rerender(); });
    loadAll();
  }

  start();
})();
