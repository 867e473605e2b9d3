// The booking page: a month calendar grid that greys out booked nights (from the calendar API),
// lets the guest pick check-in then check-out within the house's min/max nights, shows nights and
// the amount, and posts the booking. All texts come from the form's data-* attributes.
(function () {
  "use strict";

  var form = document.getElementById("book-form");
  if (!form) return;
  var grid = document.getElementById("picker-grid");
  var hint = document.getElementById("picker-hint");
  var startInput = document.getElementById("start-date");
  var endInput = document.getElementById("end-date");
  var nightsOut = document.getElementById("nights");
  var submit = document.getElementById("book-submit");
  var d = form.dataset;
  var minDays = parseInt(d.minDays, 10) || 1;
  var maxDays = parseInt(d.maxDays, 10) || 0;
  var today = parseDate(d.today);
  var WINDOW_DAYS = 366;
  var booked = {};          // "YYYY-MM-DD" of every booked night
  var checkIn = null;       // Date
  var checkOut = null;      // Date

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(date) { return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()); }
  function parseDate(text) { var p = text.split("-"); return new Date(+p[0], +p[1] - 1, +p[2]); }
  function addDays(date, n) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() + n); }
  function nightsBetween(a, b) { return Math.round((b - a) / 86400000); }
  function say(template, n) { return template.replace("{n}", n); }

  function rangeFree(from, to) {  // every night in [from, to) is free
    for (var day = from; day < to; day = addDays(day, 1)) { if (booked[iso(day)]) return false; }
    return true;
  }

  // the calendar (js/date_picker.js) asks each day's state; a booked night may still be a check-out day
  // (stays are [start, end))
  var picker = window.ihomeDatePicker(document.getElementById("date-picker"), {
    first: today,
    last: addDays(today, WINDOW_DAYS),
    state: function (day) {
      var key = iso(day);
      var selected = checkIn && +day === +checkIn ? "check-in" : (checkOut && +day === +checkOut ? "check-out" : "");
      return {
        usable: day >= today && nightsBetween(today, day) <= WINDOW_DAYS &&
          (!booked[key] || !!(checkIn && !checkOut && day > checkIn)),
        booked: !!booked[key],
        selected: selected,
        inRange: !!(checkIn && checkOut && day > checkIn && day < checkOut),
        note: [booked[key] ? d.msgDayBooked : "", selected === "check-in" ? d.msgDayCheckIn : "",
          selected === "check-out" ? d.msgDayCheckOut : ""].filter(Boolean).join(", ")
      };
    },
    onChoose: function (day) { choose(day); }
  });
  function render() { picker.render(); }

  // "Free cancellation until 12月10日": the policy's deadline (days from ihome.orders.money) for this check-in.
  var policyNote = document.getElementById("policy-note");
  var policyDate = document.getElementById("policy-date");
  function showPolicyDate() {
    if (!policyNote) return;
    var p = policyNote.dataset;
    if (!checkIn) { policyDate.textContent = ""; return; }
    var deadline = addDays(checkIn, -parseInt(p.days, 10));
    var words = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN",
      { month: "long", day: "numeric" }).format(deadline);
    var template = deadline < today ? p.msgNone : (p.policy === "strict" ? p.msgHalf : p.msgFree);
    // the date in its own nowrap span: "December" and "5" never land on two lines
    var parts = template.split("{date}");
    policyDate.textContent = parts[0];
    if (parts.length > 1) {
      var date = document.createElement("span");
      date.className = "date";
      date.textContent = words;
      policyDate.appendChild(date);
      policyDate.appendChild(document.createTextNode(parts.slice(1).join(words)));
    }
  }

  function update() {
    startInput.value = checkIn ? iso(checkIn) : "";
    endInput.value = checkOut ? iso(checkOut) : "";
    var nights = checkIn && checkOut ? nightsBetween(checkIn, checkOut) : 0;
    nightsOut.textContent = nights;
    // the money comes from the quote API (static/js/orders/book_quote.js listens): never computed here
    form.dispatchEvent(new CustomEvent("ihome:stay", { detail: { start: startInput.value, end: endInput.value } }));
    submit.disabled = !nights;
    showPolicyDate();
    if (!checkIn) hint.textContent = d.msgCheckin;
    else if (!checkOut) hint.textContent = d.msgCheckout;
    else hint.textContent = "";
    render();
  }

  function choose(day) {
    hint.classList.remove("error");
    if (!checkIn || checkOut || day <= checkIn) {
      checkIn = booked[iso(day)] ? null : day;
      checkOut = null;
      update();
      return;
    }
    var nights = nightsBetween(checkIn, day);
    var problem = null;
    if (!rangeFree(checkIn, day)) {
      // a booked night lies between: start again from the clicked day, if it is free itself
      checkIn = booked[iso(day)] ? null : day;
      problem = d.msgTaken;
    } else if (nights < minDays) problem = say(d.msgTooShort, minDays);
    else if (maxDays && nights > maxDays) problem = say(d.msgTooLong, maxDays);
    if (problem) {
      update();
      hint.textContent = problem;
      hint.classList.add("error");
      return;
    }
    checkOut = day;
    update();
  }

  function loadBooked() {
    var path = "/houses/" + d.houseId + "/calendar?start=" + iso(today) + "&end=" + iso(addDays(today, WINDOW_DAYS));
    return window.ihome.api("GET", path).then(function (data) {
      booked = {};
      data.booked.forEach(function (stay) {
        for (var day = parseDate(stay.start_date); day < parseDate(stay.end_date); day = addDays(day, 1)) booked[iso(day)] = true;
      });
      grid.dataset.loaded = "true";
      prefill();
      update();
    }, function () {
      window.ihome.flash(d.msgLoadFailed, true);
    });
  }

  // The stay chosen in search or on the house page (?sd=&ed=), once, if it is still free and allowed.
  var prefilled = false;
  function prefill() {
    if (prefilled) return;
    prefilled = true;
    var params = new URLSearchParams(window.location.search);
    var sd = params.get("sd") || "", ed = params.get("ed") || "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(sd) || !/^\d{4}-\d{2}-\d{2}$/.test(ed)) return;
    var from = parseDate(sd), to = parseDate(ed), nights = nightsBetween(from, to);
    if (from < today || nights < minDays || (maxDays && nights > maxDays) || !rangeFree(from, to)) return;
    checkIn = from;
    checkOut = to;
    picker.show(from);  // the calendar opens on the check-in month
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!checkIn || !checkOut) return;
    window.ihome.busy(submit, true);
    window.ihome.api("POST", "/orders", {
      house_id: parseInt(d.houseId, 10), start_date: iso(checkIn), end_date: iso(checkOut),
      guests: parseInt((form.elements.guests && form.elements.guests.value) || "1", 10) || 1
    }).then(function () {
      window.ihome.flash(d.msgDone, false);
      window.location.assign(d.nextUrl);
    }, function (error) {
      window.ihome.busy(submit, false);
      window.ihome.showErrors(form, error);
      if (error.status === 409) { checkIn = null; checkOut = null; loadBooked(); }
    });
  });

  update();
  loadBooked();
})();
