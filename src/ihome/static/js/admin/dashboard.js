// The back office dashboard: period presets, district filter, headline figures against the previous
// period, and four ECharts charts; every number comes from /api/v1.0/admin/stats and is shown as sent.
(function () {
  "use strict";

  var form = document.getElementById("dashboard-filters");
  if (!form || !window.echarts) return;
  var text = form.dataset;
  var DAY = 86400000;
  var charts = {};
  var preset = "30d";
  var loads = 0;

  function parse(iso) { var p = iso.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  function iso(ms) { return new Date(ms).toISOString().slice(0, 10); }
  var today = parse(text.today);

  function range() {
    if (preset === "today") return [today, today];
    if (preset === "7d") return [today - 6 * DAY, today];
    if (preset === "month") { var d = new Date(today); return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), today]; }
    if (preset === "custom") {
      var s = document.getElementById("range-start").value, e = document.getElementById("range-end").value;
      if (s && e && s <= e) return [parse(s), parse(e)];
    }
    return [today - 29 * DAY, today];
  }

  function query(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== "" && params[k] !== null; })
      .map(function (k) { return k + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  function money(fen) {
    if (fen === null || fen === undefined) return "—";
    var sign = fen < 0 ? "-" : "", abs = Math.abs(fen), yuan = Math.floor(abs / 100), cents = abs % 100;
    var whole = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + "¥" + whole + (cents ? "." + (cents < 10 ? "0" : "") + cents : "");
  }
  function percent(rate) { return rate === null || rate === undefined ? "—" : (rate * 100).toFixed(2) + "%"; }
  function value(summary, key) {
    return key.split(".").reduce(function (v, part) { return v === null || v === undefined ? null : v[part]; }, summary);
  }
  function show(kind, v) { return kind === "money" ? money(v) : kind === "rate" ? percent(v) : (v === null ? "—" : String(v)); }

  function change(kind, now, before) {
    if (now === null || before === null || now === undefined || before === undefined) return "—";
    if (kind === "rate") {
      var points = (now - before) * 100;
      return (points >= 0 ? "+" : "") + points.toFixed(2) + " pp";
    }
    if (before === 0) return now === 0 ? "0%" : "—";
    var pct = (now - before) / Math.abs(before) * 100;
    return (pct >= 0 ? "+" : "") + pct.toFixed(1) + "%";
  }

  function state(id, message) {
    var box = document.querySelector('.chart-state[data-for="' + id + '"]');
    box.textContent = message || "";
    box.hidden = !message;
  }

  function chart(id) {
    if (!charts[id]) charts[id] = window.echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    return charts[id];
  }

  // richText tooltips draw on the canvas: no HTML with inline styles, which the site's CSP forbids
  var tooltip = { trigger: "axis", renderMode: "richText" };

  function drawTrend(gmv, bookings) {
    var empty = gmv.points.every(function (p) { return !p.value; }) && bookings.points.every(function (p) { return !p.value; });
    state("chart-trend", empty ? text.msgEmpty : "");
    chart("chart-trend").setOption({
      tooltip: tooltip, legend: { top: 0, data: [text.labelGmv, text.labelBookings] },
      grid: { left: 60, right: 50, top: 50, bottom: 30 },
      xAxis: { type: "category", data: gmv.points.map(function (p) { return p.date; }) },
      yAxis: [{ type: "value", name: "¥", axisLabel: { formatter: function (v) { return String(v / 100); } } },
              { type: "value", name: text.labelBookings, minInterval: 1 }],
      series: [{ name: text.labelGmv, type: "line", smooth: true, data: gmv.points.map(function (p) { return p.value; }) },
               { name: text.labelBookings, type: "bar", yAxisIndex: 1, data: bookings.points.map(function (p) { return p.value; }) }]
    }, true);
  }

  function drawFunnel(summary) {
    var steps = [[text.labelSearches, summary.searches], [text.labelViews, summary.detail_views],
                 [text.labelRequested, summary.bookings.requested], [text.labelAccepted, summary.bookings.accepted],
                 [text.labelPaid, summary.bookings.paid], [text.labelCompleted, summary.bookings.completed]];
    state("chart-funnel", steps.every(function (s) { return !s[1]; }) ? text.msgEmpty : "");
    chart("chart-funnel").setOption({
      tooltip: { trigger: "item", renderMode: "richText" },
      series: [{ type: "funnel", sort: "none", minSize: "8%", left: "10%", width: "80%", gap: 2,
                 label: { show: true, position: "inside", formatter: "{b}: {c}" },
                 data: steps.map(function (s) { return { name: s[0], value: s[1] }; }) }]
    }, true);
  }

  function drawDistricts(data) {
    var rows = data.districts.filter(function (d) { return d.active_listings > 0; });
    state("chart-districts", rows.length ? "" : text.msgEmpty);
    chart("chart-districts").setOption({
      tooltip: tooltip, grid: { left: 90, right: 30, bottom: 30 },
      xAxis: { type: "value", axisLabel: { formatter: function (v) { return (v * 100).toFixed(0) + "%"; } } },
      yAxis: { type: "category", data: rows.map(function (d) { return d.aname; }) },
      series: [{ name: text.labelOccupancy, type: "bar", data: rows.map(function (d) { return d.occupancy_rate || 0; }) }]
    }, true);
  }

  function drawHeatmap(series, start, end) {
    var values = series.points.map(function (p) { return [p.date, p.value || 0]; });
    var max = values.reduce(function (m, v) { return Math.max(m, v[1]); }, 0);
    state("chart-heatmap", max ? "" : text.msgEmpty);
    chart("chart-heatmap").setOption({
      tooltip: { trigger: "item", renderMode: "richText" },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
      calendar: { range: [iso(start), iso(end)], cellSize: ["auto", 16], top: 30, left: 40, right: 20,
                  yearLabel: { show: false }, dayLabel: { firstDay: 1 } },
      series: [{ name: text.labelNights, type: "heatmap", coordinateSystem: "calendar", data: values }]
    }, true);
  }

  function api(path) { return window.ihome.api("GET", path); }

  function load() {
    var r = range(), start = r[0], end = r[1], nights = (end - start) / DAY + 1;
    var aid = document.getElementById("range-district").value;
    var prev = [start - nights * DAY, start - DAY];
    var interval = nights > 92 ? "week" : "day";
    var base = { start: iso(start), end: iso(end), aid: aid };
    var ticket = ++loads;
    document.getElementById("range-label").textContent = iso(start) + " — " + iso(end);
    document.getElementById("range-start").value = iso(start);
    document.getElementById("range-end").value = iso(end);
    document.getElementById("export-csv").href = "/api/v1.0/admin/stats/export.csv?" +
      query({ report: document.getElementById("export-report").value, start: iso(start), end: iso(end), aid: aid });
    document.getElementById("kpis").setAttribute("aria-busy", "true");
    ["chart-trend", "chart-funnel", "chart-districts", "chart-heatmap"].forEach(function (id) { state(id, "…"); });

    var series = function (metric, params) {
      return api("/admin/stats/timeseries?" + query(Object.assign({ metric: metric }, params)));
    };
    var heat = series("booked_nights", Object.assign({ interval: "day" }, base)); // exact, from the rollup
    Promise.all([
      api("/admin/stats/summary?" + query(base)),
      api("/admin/stats/summary?" + query({ start: iso(prev[0]), end: iso(prev[1]), aid: aid })),
      series("gmv", Object.assign({ interval: interval }, base)),
      series("bookings.requested", Object.assign({ interval: interval }, base)),
      api("/admin/stats/districts?" + query({ start: iso(start), end: iso(end) })),
      heat
    ]).then(function (results) {
      if (ticket !== loads) return; // a newer range was chosen meanwhile
      var now = results[0], before = results[1];
      document.querySelectorAll(".kpi").forEach(function (card) {
        var key = card.dataset.key, kind = card.dataset.kind, v = value(now, key);
        var shown = card.querySelector(".kpi-value");
        shown.textContent = show(kind, v);
        shown.dataset.value = JSON.stringify(v);
        card.querySelector(".kpi-change").textContent = change(kind, v, value(before, key)) + " " + text.msgPrev;
      });
      document.getElementById("kpis").setAttribute("aria-busy", "false");
      drawTrend(results[2], results[3]);
      drawFunnel(now);
      drawDistricts(results[4]);
      drawHeatmap(results[5], start, end);
      form.dataset.loaded = iso(start) + ":" + iso(end) + ":" + aid;
    }, function (error) {
      if (ticket !== loads) return;
      ["chart-trend", "chart-funnel", "chart-districts", "chart-heatmap"].forEach(function (id) {
        state(id, text.msgError + " (" + error.message + ")");
      });
      window.ihome.flash(text.msgError + ": " + error.message, true);
    });
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button.preset");
    if (!button) return;
    preset = button.dataset.preset;
    form.querySelectorAll("button.preset").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
    form.classList.toggle("custom", preset === "custom");
    if (preset !== "custom") load();
  });
  ["range-start", "range-end"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function () {
      preset = "custom";
      form.querySelectorAll("button.preset").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.preset === "custom")); });
      load();
    });
  });
  document.getElementById("range-district").addEventListener("change", load);
  document.getElementById("export-report").addEventListener("change", load);
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (id) { charts[id].resize(); }); });
  load();
})();
