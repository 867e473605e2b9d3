// A month calendar that a keyboard can drive (the WAI-ARIA date picker grid): role grid > row > gridcell,
// one tab stop (the active day); arrows move by a day or a week, across month boundaries, Home/End to the
// week's ends, PageUp/PageDown by a month; Enter or Space (or a click) chooses the day. The grid is
// rebuilt after every change, and the focus comes back to the active day, so choosing never loses it.
// Titles and day names come from Intl.DateTimeFormat in the page's language ("December 2026", "2026年12月").
(function () {
  "use strict";

  function addDays(date, n) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() + n); }
  function firstOf(date) { return new Date(date.getFullYear(), date.getMonth(), 1); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(date) { return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()); }
  function sameDay(a, b) { return !!a && !!b && +a === +b; }

  // root holds [data-picker=prev|title|next|grid]. options:
  //   first, last: Date, the first and last day that may be shown (earlier and later months are not);
  //   state(day): {usable: bool, booked: bool, selected: "check-in"|"check-out"|"", inRange: bool, note: ""};
  //   onChoose(day): called when a usable day is chosen; the page then calls render() (through its update).
  window.ihomeDatePicker = function (root, options) {
    var grid = root.querySelector("[data-picker=grid]");
    var title = root.querySelector("[data-picker=title]");
    var prev = root.querySelector("[data-picker=prev]");
    var next = root.querySelector("[data-picker=next]");
    var lang = document.documentElement.lang || "zh-CN";
    var monthTitle = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long" });
    var dayName = new Intl.DateTimeFormat(lang, { weekday: "long", year: "numeric", month: "long", day: "numeric" });
    var weekdayShort = new Intl.DateTimeFormat(lang, { weekday: "short" });
    var weekdayLong = new Intl.DateTimeFormat(lang, { weekday: "long" });
    var first = options.first, last = options.last;
    var month = firstOf(first);
    var active = first;  // the day that holds the tab stop

    grid.setAttribute("role", "grid");
    if (title.id) grid.setAttribute("aria-labelledby", title.id);
    title.setAttribute("aria-live", "polite");

    function clamp(day) { return day < first ? first : (day > last ? last : day); }

    function headerRow() {
      var row = document.createElement("div");
      row.className = "picker-row picker-weekdays";
      row.setAttribute("role", "row");
      var monday = new Date(2024, 0, 1);  // a Monday: the week starts on Monday
      for (var i = 0; i < 7; i++) {
        var head = document.createElement("span");
        head.setAttribute("role", "columnheader");
        head.setAttribute("aria-label", weekdayLong.format(addDays(monday, i)));
        head.textContent = weekdayShort.format(addDays(monday, i));
        row.appendChild(head);
      }
      return row;
    }

    function dayCell(day) {
      var state = options.state(day);
      var cell = document.createElement("span");
      cell.setAttribute("role", "gridcell");
      cell.setAttribute("aria-selected", state.selected ? "true" : "false");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "day";
      button.textContent = day.getDate();
      button.dataset.date = iso(day);
      button.tabIndex = sameDay(day, active) ? 0 : -1;
      button.setAttribute("aria-label", dayName.format(day) + (state.note ? ", " + state.note : ""));
      // aria-disabled, not disabled: a keyboard still moves through booked and past days
      if (!state.usable) button.setAttribute("aria-disabled", "true");
      if (day < first || day > last) button.classList.add("past");
      if (state.booked) button.classList.add("booked");
      if (state.selected) button.classList.add("selected", state.selected);
      if (state.inRange) button.classList.add("in-range");
      cell.appendChild(button);
      return cell;
    }

    function render() {
      var hadFocus = grid.contains(document.activeElement);
      if (active.getMonth() !== month.getMonth() || active.getFullYear() !== month.getFullYear()) {
        active = clamp(month);
      }
      title.textContent = monthTitle.format(month);
      grid.textContent = "";
      grid.appendChild(headerRow());
      var lead = (month.getDay() + 6) % 7;  // Monday first
      var day = addDays(month, -lead);
      while (day.getMonth() === month.getMonth() || day < month) {
        var row = document.createElement("div");
        row.className = "picker-row";
        row.setAttribute("role", "row");
        for (var i = 0; i < 7; i++, day = addDays(day, 1)) {
          if (day.getMonth() === month.getMonth()) {
            row.appendChild(dayCell(day));
          } else {
            var blank = document.createElement("span");
            blank.className = "day blank";
            blank.setAttribute("role", "gridcell");
            row.appendChild(blank);
          }
        }
        grid.appendChild(row);
      }
      prev.disabled = +month <= +firstOf(first);
      next.disabled = +month >= +firstOf(last);
      if (hadFocus) focusActive();
    }

    function cellOf(day) { return grid.querySelector('button.day[data-date="' + iso(day) + '"]'); }

    function focusActive() {
      var cell = cellOf(active);
      if (cell) cell.focus();
    }

    // move the tab stop (and the focus) to a day, turning the month when the day lies in another
    function moveTo(day) {
      day = clamp(day);
      active = day;
      if (day.getMonth() !== month.getMonth() || day.getFullYear() !== month.getFullYear()) {
        month = firstOf(day);
        render();
      } else {
        grid.querySelectorAll("button.day").forEach(function (b) { b.tabIndex = b.dataset.date === iso(day) ? 0 : -1; });
      }
      focusActive();
    }

    // the same day number `months` away, or that month's last day (31 January + 1 month = 28 or 29 February)
    function sameDateIn(day, months) {
      var lastDay = new Date(day.getFullYear(), day.getMonth() + months + 1, 0).getDate();
      return new Date(day.getFullYear(), day.getMonth() + months, Math.min(day.getDate(), lastDay));
    }

    function parse(text) { var p = text.split("-"); return new Date(+p[0], +p[1] - 1, +p[2]); }

    grid.addEventListener("click", function (event) {
      var cell = event.target.closest("button.day");
      if (!cell || cell.getAttribute("aria-disabled") === "true") return;
      active = parse(cell.dataset.date);
      options.onChoose(active);
    });

    grid.addEventListener("keydown", function (event) {
      var cell = event.target.closest("button.day");
      if (!cell) return;
      var day = parse(cell.dataset.date);
      var weekday = (day.getDay() + 6) % 7;
      var moves = {
        ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7, Home: -weekday, End: 6 - weekday
      };
      var target = null;
      if (event.key in moves) target = addDays(day, moves[event.key]);
      else if (event.key === "PageUp") target = sameDateIn(day, -1);
      else if (event.key === "PageDown") target = sameDateIn(day, 1);
      if (!target) return;  // Enter and Space are the button's own: they click it
      event.preventDefault();
      moveTo(target);
    });

    prev.addEventListener("click", function () { month = new Date(month.getFullYear(), month.getMonth() - 1, 1); render(); });
    next.addEventListener("click", function () { month = new Date(month.getFullYear(), month.getMonth() + 1, 1); render(); });

    return {
      render: render,
      // show the month of `day` and give it the tab stop (the check-in, when the page knows one)
      show: function (day) { active = clamp(day); month = firstOf(active); render(); }
    };
  };
})();
