// The host's calendar page: a month of nights, each with its price and state (booked, blocked, busy on
// another site, free), from GET /houses/<id>/calendar (prices, booked) and GET /houses/<id>/calendar/blocks
// (which blocks are the host's and which are imported). Click a first and a last night, then Block, Unblock,
// Set price or Back to base price; errors show inline and the month is fetched again after each action.
(function () {
  "use strict";

  var root = document.getElementById("host-calendar");
  if (!root) return;
  var d = root.dataset;
  var grid = document.getElementById("cal-grid");
  var title = document.getElementById("cal-title");
  var selection = document.getElementById("cal-selection");
  var errorBox = document.getElementById("cal-error");
  var statusBox = document.getElementById("cal-status");
  var priceInput = document.getElementById("cal-price");
  var prevButton = document.getElementById("cal-prev");
  var nextButton = document.getElementById("cal-next");
  var today = parseDate(d.today);
  var lastNight = parseDate(d.lastNight);
  var month = new Date(today.getFullYear(), today.getMonth(), 1);
  var nights = {};       // "YYYY-MM-DD" -> {price, priceDisplay, state, override}
  var first = null;      // Date: the first night selected
  var last = null;       // Date: the last night selected (inclusive), or null for one night

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(date) { return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()); }
  function parseDate(text) { var p = text.split("-"); return new Date(+p[0], +p[1] - 1, +p[2]); }
  function addDays(date, n) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() + n); }
  function eachNight(range, visit) {
    for (var day = parseDate(range.start_date); day < parseDate(range.end_date); day = addDays(day, 1)) visit(iso(day));
  }

  function showError(error) {
    var words = [];
    Object.keys(error.fields || {}).forEach(function (name) { words = words.concat(error.fields[name]); });
    errorBox.textContent = words.length ? words.join(" ") : error.message;
    statusBox.textContent = "";
  }

  function load() {
    var end = new Date(month.getFullYear(), month.getMonth() + 1, 1);
    grid.setAttribute("aria-busy", "true");
    return Promise.all([
      window.ihome.api("GET", "/houses/" + d.houseId + "/calendar?start=" + iso(month) + "&end=" + iso(end)),
      window.ihome.api("GET", "/houses/" + d.houseId + "/calendar/blocks")
    ]).then(function (results) {
      var cal = results[0], own = results[1];
      var state = {}, override = {};
      own.imported.forEach(function (r) { eachNight(r, function (k) { state[k] = "imported"; }); });
      own.blocked.forEach(function (r) { eachNight(r, function (k) { state[k] = "blocked"; }); });
      cal.booked.forEach(function (r) { eachNight(r, function (k) { state[k] = "booked"; }); });
      own.overrides.forEach(function (o) { override[o.date] = true; });
      nights = {};
      cal.prices.forEach(function (p) {
        nights[p.date] = { price: p.price, priceDisplay: p.price_display, state: state[p.date] || "free",
                           override: !!override[p.date] };
      });
      render();
      grid.setAttribute("aria-busy", "false");
      grid.dataset.loaded = iso(month);
    }, function (error) {
      errorBox.textContent = d.msgLoadFailed + (error && error.message ? " (" + error.message + ")" : "");
    });
  }

  function inSelection(day) {
    return first && day >= first && day <= (last || first);
  }

  function render() {
    title.textContent = d.monthFormat.replace("{year}", month.getFullYear()).replace("{month}", pad(month.getMonth() + 1));
    grid.textContent = "";
    var lead = (month.getDay() + 6) % 7;  // Monday first
    for (var i = 0; i < lead; i++) { var blank = document.createElement("span"); blank.className = "cal-day blank"; grid.appendChild(blank); }
    var count = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
    for (var n = 1; n <= count; n++) {
      var day = new Date(month.getFullYear(), month.getMonth(), n);
      var key = iso(day);
      var night = nights[key] || { priceDisplay: "", state: "free", override: false };
      var editable = day >= today && day <= lastNight;
      var cell = document.createElement("button");
      cell.type = "button";
      cell.className = "cal-day " + night.state + (night.override ? " override" : "") + (editable ? "" : " past");
      cell.dataset.date = key;
      cell.dataset.state = night.state;
      cell.disabled = !editable;
      var number = document.createElement("span"); number.className = "cal-num"; number.textContent = n;
      var price = document.createElement("span"); price.className = "cal-price"; price.textContent = night.priceDisplay;
      cell.appendChild(number); cell.appendChild(price);
      cell.setAttribute("aria-label", key + ", " + night.priceDisplay + ", " + d["state" + night.state.charAt(0).toUpperCase() + night.state.slice(1)]);
      var chosen = inSelection(day);
      cell.setAttribute("aria-pressed", chosen ? "true" : "false");
      if (chosen) cell.classList.add("selected");
      grid.appendChild(cell);
    }
    prevButton.disabled = month <= new Date(today.getFullYear(), today.getMonth(), 1);
    nextButton.disabled = new Date(month.getFullYear(), month.getMonth() + 1, 1) > lastNight;
    describeSelection();
  }

  function describeSelection() {
    if (!first) { selection.textContent = d.msgStart; return; }
    var end = last || first;
    var count = Math.round((addDays(end, 1) - first) / 86400000);
    selection.textContent = (last ? "" : d.msgEnd + " · ") +
      d.msgRange.replace("{start}", iso(first)).replace("{end}", iso(end)).replace("{n}", count);
  }

  function choose(day) {
    if (!first || last) { first = day; last = null; }
    else if (day >= first) last = day;
    else first = day;
    errorBox.textContent = "";
    render();
  }

  // the selected nights as the API's half-open range [start_date, end_date)
  function range() {
    if (!first) return null;
    return { start_date: iso(first), end_date: iso(addDays(last || first, 1)) };
  }

  function act(button, path, extra) {
    var body = range();
    if (!body) { errorBox.textContent = d.msgChoose; return; }
    Object.keys(extra).forEach(function (name) { body[name] = extra[name]; });
    errorBox.textContent = "";
    statusBox.textContent = "";
    window.ihome.busy(button, true);
    window.ihome.api("PUT", "/houses/" + d.houseId + "/calendar/" + path, body).then(function () {
      first = null; last = null;
      statusBox.textContent = d.msgDone;
      return load();
    }, function (error) {
      showError(error);
      return load();
    }).then(function () { window.ihome.busy(button, false); });
  }

  function yuanToFen(text) {
    var value = text.trim();
    return /^\d{1,7}(\.\d{1,2})?$/.test(value) ? Math.round(parseFloat(value) * 100) : null;
  }

  grid.addEventListener("click", function (event) {
    var cell = event.target.closest("button.cal-day");
    if (cell && !cell.disabled) choose(parseDate(cell.dataset.date));
  });
  prevButton.addEventListener("click", function () { month = new Date(month.getFullYear(), month.getMonth() - 1, 1); load(); });
  nextButton.addEventListener("click", function () { month = new Date(month.getFullYear(), month.getMonth() + 1, 1); load(); });
  document.getElementById("cal-block").addEventListener("click", function (e) { act(e.currentTarget, "blocks", { blocked: true }); });
  document.getElementById("cal-unblock").addEventListener("click", function (e) { act(e.currentTarget, "blocks", { blocked: false }); });
  document.getElementById("cal-base-price").addEventListener("click", function (e) { act(e.currentTarget, "prices", { price: null }); });
  document.getElementById("cal-set-price").addEventListener("click", function (e) {
    var fen = yuanToFen(priceInput.value);
    if (fen === null) { errorBox.textContent = d.msgPrice; priceInput.focus(); return; }
    act(e.currentTarget, "prices", { price: fen });
  });

  render();
  load();
})();
