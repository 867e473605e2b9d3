// The house page's availability calendar: a month at a time, booked and blocked nights greyed (the same
// grey: a guest never learns why), from GET /houses/<id>/calendar; and for the dates chosen here or in
// search (sd, ed, guests in the URL) the price from GET /houses/<id>/quote, shown as the API formats it
// (the page computes no money). The choice stays in the URL (replaceState), so Back, a reload or the
// Book button keep it. Texts come from the section's data-* attributes.
(function () {
  "use strict";

  var box = document.getElementById("availability");
  if (!box) return;
  var grid = document.getElementById("avail-grid");
  var title = document.getElementById("avail-title");
  var form = document.getElementById("stay-form");
  var quoteBox = document.getElementById("stay-quote");
  var errorBox = document.getElementById("stay-error");
  var d = box.dataset;
  var WINDOW_DAYS = 366;
  var today = parseDate(d.today);
  var taken = {};  // "YYYY-MM-DD" of every booked or blocked night
  var month = new Date(today.getFullYear(), today.getMonth(), 1);
  var asked = 0;   // answers to an older quote request are dropped

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(date) { return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()); }
  function parseDate(text) { var p = text.split("-"); return new Date(+p[0], +p[1] - 1, +p[2]); }
  function validDate(text) { return /^\d{4}-\d{2}-\d{2}$/.test(text || "") && !isNaN(parseDate(text)); }
  function addDays(date, n) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() + n); }

  function stay() {
    if (!form) return { sd: "", ed: "", guests: "" };
    return { sd: form.elements.sd.value, ed: form.elements.ed.value, guests: form.elements.guests.value.trim() };
  }

  function render() {
    var lang = document.documentElement.lang || "zh-CN";
    title.textContent = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long" }).format(month);
    grid.textContent = "";
    var chosen = stay();
    var from = validDate(chosen.sd) ? parseDate(chosen.sd) : null;
    var to = validDate(chosen.ed) ? parseDate(chosen.ed) : null;
    var lead = (month.getDay() + 6) % 7;  // Monday first
    for (var i = 0; i < lead; i++) { var blank = document.createElement("span"); blank.className = "night blank"; grid.appendChild(blank); }
    var last = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
    for (var n = 1; n <= last; n++) {
      var day = new Date(month.getFullYear(), month.getMonth(), n), key = iso(day);
      var cell = document.createElement("span");
      cell.className = "night";
      cell.textContent = n;
      cell.dataset.date = key;
      if (day < today) cell.classList.add("past");
      if (taken[key]) {  // said in words too, for screen readers (the grey alone says nothing to them)
        cell.classList.add("unavailable");
        var words = document.createElement("span");
        words.className = "visually-hidden";
        words.textContent = " " + d.msgUnavailable;
        cell.appendChild(words);
      }
      if (from && to && day >= from && day < to) cell.classList.add("chosen");
      grid.appendChild(cell);
    }
    document.getElementById("avail-prev").disabled =
      month.getFullYear() === today.getFullYear() && month.getMonth() === today.getMonth();
  }

  function markRanges(ranges) {
    (ranges || []).forEach(function (range) {
      for (var day = parseDate(range.start_date); day < parseDate(range.end_date); day = addDays(day, 1)) taken[iso(day)] = true;
    });
  }

  function load() {
    var path = "/houses/" + d.houseId + "/calendar?start=" + iso(today) + "&end=" + iso(addDays(today, WINDOW_DAYS));
    return window.ihome.api("GET", path).then(function (data) {
      taken = {};
      markRanges(data.booked);
      markRanges(data.blocked);  // host blocks and imported calendars, when the API sends them
      grid.dataset.loaded = "true";
      render();
    }, function () {
      window.ihome.flash(d.msgLoadFailed, true);
    });
  }

  // The chosen stay in the URL (this history entry) and in the Book button's link.
  function keepInUrl(chosen) {
    var params = new URLSearchParams(window.location.search), onward = new URLSearchParams();
    ["sd", "ed", "guests"].forEach(function (name) {
      if (chosen[name]) { params.set(name, chosen[name]); onward.set(name, chosen[name]); } else params.delete(name);
    });
    var query = params.toString();
    window.history.replaceState(window.history.state, "", window.location.pathname + (query ? "?" + query : ""));
    var book = document.getElementById("book");
    if (book) book.href = "/houses/" + d.houseId + "/book" + (onward.toString() ? "?" + onward.toString() : "");
  }

  function showQuote() {
    var chosen = stay(), mine = ++asked;
    errorBox.textContent = "";
    quoteBox.hidden = true;
    if (!validDate(chosen.sd) || !validDate(chosen.ed)) return;
    var query = new URLSearchParams({ start_date: chosen.sd, end_date: chosen.ed, guests: chosen.guests || "1" });
    window.ihome.api("GET", "/houses/" + d.houseId + "/quote?" + query.toString()).then(function (data) {
      if (mine !== asked) return;
      var label = document.getElementById("quote-nights-label");
      label.textContent = (data.nights === 1 ? label.dataset.one : label.dataset.many).replace("{n}", data.nights);
      document.getElementById("quote-subtotal").textContent = data.subtotal_display;
      document.getElementById("quote-fee").textContent = data.service_fee_display;
      document.getElementById("quote-total").textContent = data.amount_display;
      quoteBox.hidden = false;
    }, function (error) {
      if (mine !== asked) return;
      var details = [];
      Object.keys(error.fields || {}).forEach(function (name) { details = details.concat(error.fields[name]); });
      errorBox.textContent = details.length ? details.join(" ") : error.message;
    });
  }

  function changed() {
    var chosen = stay();
    keepInUrl(chosen);
    if (validDate(chosen.sd)) {
      var start = parseDate(chosen.sd);
      if (start >= today) month = new Date(start.getFullYear(), start.getMonth(), 1);
    }
    render();
    showQuote();
  }

  document.getElementById("avail-prev").addEventListener("click", function () {
    month = new Date(month.getFullYear(), month.getMonth() - 1, 1); render();
  });
  document.getElementById("avail-next").addEventListener("click", function () {
    month = new Date(month.getFullYear(), month.getMonth() + 1, 1); render();
  });
  if (form) {
    ["change", "input"].forEach(function (name) { form.addEventListener(name, changed); });
    form.addEventListener("submit", function (event) { event.preventDefault(); changed(); });
  }
  // Back to a page kept in memory: the nights and the price may have changed meanwhile
  window.addEventListener("pageshow", function (event) { if (event.persisted) { load(); showQuote(); } });

  var initial = stay();
  if (validDate(initial.sd) && parseDate(initial.sd) >= today) month = new Date(parseDate(initial.sd).getFullYear(), parseDate(initial.sd).getMonth(), 1);
  render();
  load();
  showQuote();
})();
